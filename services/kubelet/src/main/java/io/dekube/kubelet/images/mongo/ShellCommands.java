package io.dekube.kubelet.images.mongo;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * What one line typed at mongosh's prompt does: {@code show dbs}, {@code show collections}, {@code use <db>},
 * {@code exit}/{@code quit}, {@code db}, {@code db.runCommand(...)}, {@code db.adminCommand(...)},
 * {@code db.getName()}, {@code db.getCollectionNames()}, {@code db.dropDatabase()}, and on {@code db.<coll>} (or
 * {@code db.getCollection('<coll>')}) {@code insertOne insertMany find findOne countDocuments
 * estimatedDocumentCount count deleteOne deleteMany drop} with {@code .limit(n)}, {@code .skip(n)},
 * {@code .sort({...})}, {@code .toArray()}, {@code .count()} on a find. Each is the server's command, its answer
 * printed as mongosh prints it ({@link ShellFormat}), a server error as {@code MongoServerError[CodeName]: ...}.
 * One line at a time.
 */
final class ShellCommands {

  /** What to print, and whether the line failed or ends the shell. */
  record Result(String text, boolean error, boolean exit) {
    static Result of(String text) {
      return new Result(text.isEmpty() || text.endsWith("\n") ? text : text + "\n", false, false);
    }

    static Result failed(String text) {
      return new Result(text + "\n", true, false);
    }
  }

  /** An answer with {@code ok: 0}. */
  static final class ServerError extends RuntimeException {
    ServerError(String message) {
      super(message);
    }
  }

  private final ShellConnection conn;
  private final boolean legacy;
  private String db;

  ShellCommands(ShellConnection conn, String db, boolean legacy) {
    this.conn = conn;
    this.db = db;
    this.legacy = legacy;
  }

  String db() {
    return db;
  }

  void close() {
    conn.close();
  }

  /** Runs one line; never fails (an error is a result to print). */
  Future<Result> run(String line) {
    String t = line.strip();
    while (t.endsWith(";")) {
      t = t.substring(0, t.length() - 1).strip();
    }
    if (t.isEmpty()) {
      return Future.succeededFuture(Result.of(""));
    }
    if (t.matches("(exit|quit)(\\(\\))?|\\.exit")) {
      return Future.succeededFuture(new Result("", false, true));
    }
    String[] words = t.split("\\s+");
    Future<String> text;
    try {
      if (words[0].equals("show") && words.length == 2) {
        text = show(words[1]);
      } else if (words[0].equals("use") && words.length == 2) {
        db = words[1];
        text = Future.succeededFuture("switched to db " + db);
      } else {
        text = eval(ShellReader.read(t));
      }
    } catch (ShellReader.SyntaxError e) {
      return Future.succeededFuture(Result.failed(e.getMessage()));
    } catch (ServerError | IllegalArgumentException e) {
      return Future.succeededFuture(Result.failed(e.getMessage()));
    }
    return text.map(Result::of).otherwise(e -> Result.failed(e instanceof ServerError ? e.getMessage()
        : (legacy ? "Error: " : "MongoNetworkError: ") + e.getMessage()));
  }

  private Future<String> show(String what) {
    return switch (what) {
      case "dbs", "databases" -> command("admin", new BsonDocument("listDatabases", new BsonInt32(1)))
          .map(this::databases);
      case "collections", "tables" -> command(db, new BsonDocument("listCollections", new BsonInt32(1))
          .append("nameOnly", BsonBoolean.TRUE)).map(a -> String.join("\n", batch(a).stream()
          .map(d -> d.asDocument().getString("name").getValue()).toList()));
      default -> Future.failedFuture(new ServerError("MongoshInvalidInputError: [COMMON-10001] '" + what
          + "' is not a valid argument for \"show\"."));
    };
  }

  private String databases(BsonDocument answer) {
    List<String[]> rows = new ArrayList<>();
    for (BsonValue d : answer.getArray("databases")) {
      long size = d.asDocument().getNumber("sizeOnDisk").longValue();
      rows.add(new String[] {d.asDocument().getString("name").getValue(), legacy
          ? String.format(Locale.ROOT, "%.3fGB", size / (1024.0 * 1024 * 1024)) : size(size)});
    }
    int name = rows.stream().mapToInt(r -> r[0].length()).max().orElse(0);
    int size = rows.stream().mapToInt(r -> r[1].length()).max().orElse(0);
    StringBuilder b = new StringBuilder();
    for (String[] r : rows) {
      b.append(r[0]).append(" ".repeat(name - r[0].length() + 2)).append(" ".repeat(size - r[1].length()))
          .append(r[1]).append('\n');
    }
    return b.toString();
  }

  private static String size(long bytes) {
    String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
    double v = bytes;
    int u = 0;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.2f %s", v, units[u]);
  }

  private Future<String> eval(ShellReader.Expr expr) throws ShellReader.SyntaxError {
    if (expr instanceof ShellReader.Literal l) {
      return Future.succeededFuture(format(l.value()));
    }
    ShellReader.Chain chain = (ShellReader.Chain) expr;
    if (!chain.root().equals("db")) {
      throw new ShellReader.SyntaxError("ReferenceError: " + chain.root() + " is not defined");
    }
    List<ShellReader.Step> steps = chain.steps();
    if (steps.isEmpty()) {
      return Future.succeededFuture(db);
    }
    String name = member(steps, 0, "db");
    List<BsonValue> args = steps.size() > 1 && steps.get(1) instanceof ShellReader.Call c ? literals(c) : null;
    if (args != null && steps.size() == 2) {
      switch (name) {
        case "runCommand", "adminCommand" -> {
          BsonDocument cmd = args.isEmpty() ? new BsonDocument() : args.get(0).isString()
              ? new BsonDocument(args.get(0).asString().getValue(), new BsonInt32(1)) : args.get(0).asDocument();
          return command(name.equals("adminCommand") ? "admin" : db, cmd).map(this::format);
        }
        case "getName" -> {
          return Future.succeededFuture(db);
        }
        case "hello", "isMaster" -> {
          return command(db, new BsonDocument(name, new BsonInt32(1))).map(this::format);
        }
        case "version" -> {
          return command(db, new BsonDocument("buildInfo", new BsonInt32(1)))
              .map(a -> a.getString("version").getValue());
        }
        case "getCollectionNames" -> {
          return command(db, new BsonDocument("listCollections", new BsonInt32(1)).append("nameOnly",
              BsonBoolean.TRUE)).map(a -> format(new BsonArray(batch(a).stream().map(d -> (BsonValue)
              d.asDocument().getString("name")).toList())));
        }
        case "dropDatabase" -> {
          return command(db, new BsonDocument("dropDatabase", new BsonInt32(1))).map(a -> format(
              new BsonDocument("ok", new BsonInt32(1)).append("dropped", new BsonString(db))));
        }
        default -> {
        }
      }
    }
    if (name.equals("getCollection") && args != null && args.size() == 1 && args.get(0).isString()) {
      return collection(args.get(0).asString().getValue(), steps.subList(2, steps.size()));
    }
    return collection(name, steps.subList(1, steps.size()));
  }

  private Future<String> collection(String coll, List<ShellReader.Step> steps) throws ShellReader.SyntaxError {
    if (steps.isEmpty()) {
      return Future.succeededFuture(db + "." + coll);
    }
    String method = member(steps, 0, "db." + coll);
    if (steps.size() < 2 || !(steps.get(1) instanceof ShellReader.Call call)) {
      throw new ShellReader.SyntaxError("TypeError: db." + coll + "." + method + " is not a function");
    }
    List<BsonValue> args = literals(call);
    BsonDocument filter = args.isEmpty() ? new BsonDocument() : document(args.get(0), method);
    List<ShellReader.Step> rest = steps.subList(2, steps.size());
    if (!method.equals("find") && !rest.isEmpty()) {
      throw new ShellReader.SyntaxError("TypeError: this shell reads no member after " + method + "()");
    }
    return switch (method) {
      case "insertOne" -> insert(coll, List.of(filter), false);
      case "insertMany" -> insert(coll, args.isEmpty() || !args.get(0).isArray() ? List.of()
          : args.get(0).asArray().stream().map(v -> v.asDocument()).toList(), true);
      case "find" -> find(coll, filter, rest);
      case "findOne" -> command(db, new BsonDocument("find", new BsonString(coll)).append("filter", filter)
          .append("limit", new BsonInt32(1))).map(a -> batch(a).isEmpty() ? "null" : format(batch(a).get(0)));
      case "countDocuments", "count", "estimatedDocumentCount" -> command(db, new BsonDocument("aggregate",
          new BsonString(coll)).append("pipeline", new BsonArray(List.of(new BsonDocument("$match", filter),
          new BsonDocument("$group", new BsonDocument("_id", new BsonInt32(1)).append("n", new BsonDocument("$sum",
          new BsonInt32(1))))))).append("cursor", new BsonDocument())).map(a -> batch(a).isEmpty() ? "0"
          : String.valueOf(batch(a).get(0).asDocument().getNumber("n").intValue()));
      case "deleteOne", "deleteMany" -> command(db, new BsonDocument("delete", new BsonString(coll)).append(
          "deletes", new BsonArray(List.of(new BsonDocument("q", filter).append("limit",
          new BsonInt32(method.equals("deleteOne") ? 1 : 0)))))).map(a -> format(new BsonDocument("acknowledged",
          BsonBoolean.TRUE).append("deletedCount", new BsonInt32(a.getNumber("n").intValue()))));
      case "drop" -> conn.run(db, new BsonDocument("drop", new BsonString(coll)))
          .map(a -> a.getNumber("ok").intValue() == 1 ? "true" : "false");
      default -> throw new ShellReader.SyntaxError("TypeError: db." + coll + "." + method + " is not a function");
    };
  }

  private Future<String> insert(String coll, List<BsonDocument> docs, boolean many) {
    BsonArray withIds = new BsonArray();
    BsonDocument ids = new BsonDocument();
    for (int i = 0; i < docs.size(); i++) {
      BsonDocument d = docs.get(i);
      if (!d.containsKey("_id")) {
        BsonDocument copy = new BsonDocument("_id", new BsonObjectId());
        copy.putAll(d);
        d = copy;
      }
      ids.append(String.valueOf(i), d.get("_id"));
      withIds.add(d);
    }
    return command(db, new BsonDocument("insert", new BsonString(coll)).append("documents", withIds)).map(a -> {
      if (a.containsKey("writeErrors")) {
        throw new ServerError((many ? "MongoBulkWriteError: " : "MongoServerError: ")
            + a.getArray("writeErrors").get(0).asDocument().getString("errmsg").getValue());
      }
      return format(new BsonDocument("acknowledged", BsonBoolean.TRUE).append(many ? "insertedIds" : "insertedId",
          many ? ids : ids.get("0")));
    });
  }

  private Future<String> find(String coll, BsonDocument filter, List<ShellReader.Step> modifiers)
      throws ShellReader.SyntaxError {
    BsonDocument cmd = new BsonDocument("find", new BsonString(coll)).append("filter", filter);
    String last = null;
    for (int i = 0; i < modifiers.size(); i += 2) {
      String m = member(modifiers, i, "cursor");
      List<BsonValue> args = i + 1 < modifiers.size() && modifiers.get(i + 1) instanceof ShellReader.Call c
          ? literals(c) : null;
      if (args == null) {
        throw new ShellReader.SyntaxError("TypeError: cursor." + m + " is not a function");
      }
      switch (m) {
        case "limit", "skip" -> cmd.append(m, new BsonInt32(args.isEmpty() ? 0 : args.get(0).asNumber().intValue()));
        case "sort" -> cmd.append("sort", document(args.isEmpty() ? new BsonDocument() : args.get(0), m));
        case "pretty", "toArray", "count", "size" -> last = m;
        default -> throw new ShellReader.SyntaxError("TypeError: cursor." + m + " is not a function");
      }
    }
    String end = last;
    return command(db, cmd).map(a -> {
      BsonArray docs = batch(a);
      if (end != null && (end.equals("count") || end.equals("size"))) {
        return String.valueOf(docs.size());
      }
      if (end != null && end.equals("toArray")) {
        return format(docs);
      }
      if (docs.isEmpty()) {
        return "";
      }
      if (legacy) {
        return String.join("\n", docs.stream().map(ShellFormat::legacyInline).toList());
      }
      BsonArray shown = new BsonArray(docs.subList(0, Math.min(20, docs.size())));
      return format(shown) + (docs.size() > 20 ? "\nType \"it\" for more" : "");
    });
  }

  private static String member(List<ShellReader.Step> steps, int i, String of) throws ShellReader.SyntaxError {
    if (!(steps.get(i) instanceof ShellReader.Member m)) {
      throw new ShellReader.SyntaxError("TypeError: " + of + " is not a function");
    }
    return m.name();
  }

  private static List<BsonValue> literals(ShellReader.Call call) throws ShellReader.SyntaxError {
    List<BsonValue> values = new ArrayList<>();
    for (ShellReader.Expr e : call.args()) {
      if (!(e instanceof ShellReader.Literal l)) {
        throw new ShellReader.SyntaxError("SyntaxError: this shell reads only literal arguments");
      }
      values.add(l.value());
    }
    return values;
  }

  private static BsonDocument document(BsonValue v, String method) throws ShellReader.SyntaxError {
    if (!v.isDocument()) {
      throw new ShellReader.SyntaxError("MongoInvalidArgumentError: Argument of " + method + " must be an object");
    }
    return v.asDocument();
  }

  private static BsonArray batch(BsonDocument answer) {
    return answer.getDocument("cursor").getArray("firstBatch");
  }

  /** Runs {@code cmd}; an {@code ok: 0} answer fails with mongosh's words for it. */
  private Future<BsonDocument> command(String database, BsonDocument cmd) {
    return conn.run(database, cmd).map(a -> {
      if (a.getNumber("ok", new BsonInt32(0)).intValue() != 1) {
        String msg = a.getString("errmsg", new BsonString("")).getValue();
        throw new ServerError(legacy ? "uncaught exception: Error: command failed: " + ShellFormat.legacy(a)
            : "MongoServerError[" + a.getString("codeName", new BsonString("")).getValue() + "]: " + msg);
      }
      return a;
    });
  }

  private String format(BsonValue v) {
    return legacy ? ShellFormat.legacy(v) : ShellFormat.format(v);
  }
}
