package io.dekube.kubelet.images.mongo;

import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.bson.BsonArray;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonInt64;
import org.bson.BsonObjectId;
import org.bson.BsonString;
import org.bson.BsonValue;

/**
 * The commands the server answers, as mongod answers them: the handshake ({@code hello}, {@code isMaster}),
 * {@code ping}, {@code buildInfo}, what mongosh asks as it starts ({@code getParameter}, {@code getLog},
 * {@code getCmdLineOpts}, {@code connectionStatus}), {@code listDatabases}, {@code listCollections},
 * {@code create}, {@code insert}, {@code find}, {@code count}, {@code aggregate} (the stages
 * {@code countDocuments} sends), {@code delete}, {@code drop}, {@code dropDatabase}, {@code endSessions}; any other
 * is {@code CommandNotFound} (59). Thread-safe (the catalog is).
 */
final class Commands {

  private final MongoVersion version;
  private final Catalog catalog;
  private final BsonArray argv;
  private final BiConsumer<String, String> changed;
  private final BsonObjectId processId = new BsonObjectId();

  /** Client data that a command's answer shows. */
  record Client(int connectionId, String remote) {
  }

  /** A command's failure as mongod reports it. */
  static final class CommandError extends RuntimeException {
    final int code;
    final String codeName;

    CommandError(int code, String codeName, String message) {
      super(message);
      this.code = code;
      this.codeName = codeName;
    }
  }

  Commands(MongoVersion version, Catalog catalog, List<String> argv, BiConsumer<String, String> changed) {
    this.version = version;
    this.catalog = catalog;
    this.argv = new BsonArray(argv.stream().map(a -> (BsonValue) new BsonString(a)).toList());
    this.changed = changed;
  }

  /** Runs {@code cmd} against database {@code db}; the answer, {@code ok: 0} with the error for a failure. */
  BsonDocument run(BsonDocument cmd, String db, Client client) {
    if (cmd.isEmpty()) {
      return error(new CommandError(59, "CommandNotFound", "no such command: ''"));
    }
    String name = cmd.getFirstKey();
    if (db.isEmpty() || db.length() > 63 || db.chars().anyMatch(ch -> "/\\. \"$*<>:|?\0".indexOf(ch) >= 0)) {
      return error(new CommandError(73, "InvalidNamespace", "Invalid database name: '" + db + "'"));
    }
    try {
      BsonDocument answer = switch (name) {
        case "hello", "isMaster", "ismaster" -> hello(!name.equals("hello"), cmd, client);
        case "ping", "endSessions", "killCursors" -> new BsonDocument();
        case "buildInfo", "buildinfo" -> buildInfo();
        case "getParameter" -> getParameter(cmd);
        case "getLog" -> getLog(cmd);
        case "getCmdLineOpts" -> new BsonDocument("argv", argv).append("parsed", new BsonDocument("net",
            new BsonDocument("bindIp", new BsonString("*"))));
        case "connectionStatus" -> new BsonDocument("authInfo", new BsonDocument("authenticatedUsers",
            new BsonArray()).append("authenticatedUserRoles", new BsonArray()));
        case "whatsmyuri" -> new BsonDocument("you", new BsonString(client.remote()));
        case "listDatabases" -> listDatabases(cmd);
        case "listCollections" -> listCollections(db, cmd);
        case "listIndexes" -> listIndexes(db, collection(cmd, name));
        case "create" -> create(db, collection(cmd, name));
        case "insert" -> insert(db, collection(cmd, name), cmd);
        case "find" -> cursor(db + "." + collection(cmd, name), Queries.find(catalog, db, collection(cmd, name),
            cmd));
        case "count" -> new BsonDocument("n", new BsonInt32(Queries.count(catalog, db, collection(cmd, name), cmd)));
        case "aggregate" -> cursor(db + "." + collection(cmd, name), Queries.aggregate(catalog, db,
            collection(cmd, name), cmd));
        case "delete" -> delete(db, collection(cmd, name), cmd);
        case "drop" -> drop(db, collection(cmd, name));
        case "dropDatabase" -> dropDatabase(db);
        case "getMore" -> throw new CommandError(43, "CursorNotFound", "cursor id "
            + cmd.get(name) + " not found");
        default -> throw new CommandError(59, "CommandNotFound", "no such command: '" + name + "'");
      };
      return answer.append("ok", new BsonDouble(1));
    } catch (CommandError e) {
      return error(e);
    } catch (Matcher.Unsupported e) {
      return error(new CommandError(2, "BadValue", e.getMessage()));
    }
  }

  static BsonDocument error(CommandError e) {
    return new BsonDocument("ok", new BsonDouble(0)).append("errmsg", new BsonString(e.getMessage()))
        .append("code", new BsonInt32(e.code)).append("codeName", new BsonString(e.codeName));
  }

  private static String collection(BsonDocument cmd, String name) {
    BsonValue v = cmd.get(name);
    if (!v.isString()) {
      throw new CommandError(73, "InvalidNamespace", "collection name has invalid type " + typeName(v));
    }
    return v.asString().getValue();
  }

  private static String typeName(BsonValue v) {
    return switch (v.getBsonType()) {
      case DOUBLE -> "double";
      case INT32 -> "int";
      case INT64 -> "long";
      case DOCUMENT -> "object";
      case ARRAY -> "array";
      case BOOLEAN -> "bool";
      default -> v.getBsonType().name().toLowerCase(java.util.Locale.ROOT);
    };
  }

  private BsonDocument hello(boolean legacy, BsonDocument cmd, Client client) {
    BsonDocument d = new BsonDocument();
    if (legacy && cmd.getBoolean("helloOk", BsonBoolean.FALSE).getValue()) {
      d.append("helloOk", BsonBoolean.TRUE);
    }
    d.append(legacy ? "ismaster" : "isWritablePrimary", BsonBoolean.TRUE)
        .append("maxBsonObjectSize", new BsonInt32(16 * 1024 * 1024))
        .append("maxMessageSizeBytes", new BsonInt32(48_000_000))
        .append("maxWriteBatchSize", new BsonInt32(100_000))
        .append("localTime", new BsonDateTime(System.currentTimeMillis()))
        .append("logicalSessionTimeoutMinutes", new BsonInt32(30))
        .append("connectionId", new BsonInt32(client.connectionId()))
        .append("minWireVersion", new BsonInt32(0))
        .append("maxWireVersion", new BsonInt32(version.maxWireVersion()))
        .append("readOnly", BsonBoolean.FALSE);
    return d;
  }

  private BsonDocument buildInfo() {
    String[] p = version.number().split("\\.");
    BsonArray array = new BsonArray();
    for (String n : p) {
      array.add(new BsonInt32(Integer.parseInt(n)));
    }
    array.add(new BsonInt32(0));
    return new BsonDocument("version", new BsonString(version.number()))
        .append("gitVersion", new BsonString("0000000000000000000000000000000000000000"))
        .append("modules", new BsonArray()).append("allocator", new BsonString("tcmalloc"))
        .append("javascriptEngine", new BsonString("mozjs")).append("sysInfo", new BsonString("deprecated"))
        .append("versionArray", array)
        .append("bits", new BsonInt32(64)).append("debug", BsonBoolean.FALSE)
        .append("maxBsonObjectSize", new BsonInt32(16 * 1024 * 1024))
        .append("storageEngines", new BsonArray(List.of(new BsonString("devnull"), new BsonString("ephemeralForTest"),
            new BsonString("wiredTiger"))));
  }

  private BsonDocument getParameter(BsonDocument cmd) {
    BsonDocument d = new BsonDocument();
    for (String key : cmd.keySet()) {
      switch (key) {
        case "featureCompatibilityVersion" -> d.append(key, new BsonDocument("version",
            new BsonString(version.featureCompatibility())));
        case "getParameter", "$db", "lsid", "$readPreference", "$clusterTime", "comment" -> {
        }
        default -> {
          if (!cmd.get("getParameter").isString()) {
            throw new CommandError(72, "InvalidOptions", "no option found to get");
          }
        }
      }
    }
    if (d.isEmpty()) {
      throw new CommandError(72, "InvalidOptions", "no option found to get");
    }
    return d;
  }

  private static BsonDocument getLog(BsonDocument cmd) {
    BsonValue which = cmd.get("getLog");
    if (which.isString() && which.asString().getValue().equals("*")) {
      return new BsonDocument("names", new BsonArray(List.of(new BsonString("global"),
          new BsonString("startupWarnings"))));
    }
    if (which.isString() && List.of("global", "startupWarnings").contains(which.asString().getValue())) {
      return new BsonDocument("totalLinesWritten", new BsonInt32(0)).append("log", new BsonArray());
    }
    throw new CommandError(0, "OperationFailed", "no RamLog named: " + which.asString().getValue());
  }

  private BsonDocument listDatabases(BsonDocument cmd) {
    boolean nameOnly = cmd.getBoolean("nameOnly", BsonBoolean.FALSE).getValue();
    BsonArray list = new BsonArray();
    long total = 0;
    java.util.TreeSet<String> names = new java.util.TreeSet<>(catalog.databases());
    names.addAll(List.of("admin", "config", "local"));
    for (String name : names) {
      long size = Math.max(catalog.size(name) > 0 ? 8192 + catalog.size(name) : 0, switch (name) {
        case "admin", "local" -> 40960;
        case "config" -> 12288;
        default -> 8192;
      });
      total += size;
      BsonDocument d = new BsonDocument("name", new BsonString(name));
      if (!nameOnly) {
        d.append("sizeOnDisk", new BsonInt64(size)).append("empty", BsonBoolean.FALSE);
      }
      if (Matcher.matches(cmd.getDocument("filter", new BsonDocument()), d)) {
        list.add(d);
      }
    }
    BsonDocument answer = new BsonDocument("databases", list);
    if (!nameOnly) {
      answer.append("totalSize", new BsonInt64(total)).append("totalSizeMb", new BsonInt64(total / (1024 * 1024)));
    }
    return answer;
  }

  private BsonDocument listCollections(String db, BsonDocument cmd) {
    BsonArray batch = new BsonArray();
    boolean nameOnly = cmd.getBoolean("nameOnly", BsonBoolean.FALSE).getValue();
    for (Map.Entry<String, Catalog.Collection> e : catalog.collections(db).entrySet()) {
      BsonDocument d = new BsonDocument("name", new BsonString(e.getKey())).append("type",
          new BsonString("collection"));
      if (!nameOnly) {
        d.append("options", new BsonDocument()).append("info", new BsonDocument("readOnly", BsonBoolean.FALSE)
            .append("uuid", new org.bson.BsonBinary(e.getValue().uuid()))).append("idIndex", idIndex());
      }
      if (Matcher.matches(cmd.getDocument("filter", new BsonDocument()), d)) {
        batch.add(d);
      }
    }
    return cursor(db + ".$cmd.listCollections", batch);
  }

  private BsonDocument listIndexes(String db, String coll) {
    if (!catalog.exists(db, coll)) {
      throw new CommandError(26, "NamespaceNotFound", "ns does not exist: " + db + "." + coll);
    }
    return cursor(db + "." + coll, new BsonArray(List.of(idIndex())));
  }

  private static BsonDocument idIndex() {
    return new BsonDocument("v", new BsonInt32(2)).append("key", new BsonDocument("_id", new BsonInt32(1)))
        .append("name", new BsonString("_id_"));
  }

  private BsonDocument create(String db, String coll) {
    if (catalog.exists(db, coll)) {
      throw new CommandError(48, "NamespaceExists", "Collection already exists. NS: " + db + "." + coll);
    }
    catalog.create(db, coll);
    changed.accept(db, coll);
    return new BsonDocument();
  }

  private BsonDocument insert(String db, String coll, BsonDocument cmd) {
    BsonArray docs = cmd.getArray("documents", new BsonArray());
    BsonArray errors = new BsonArray();
    int n = 0;
    Catalog.Collection c = catalog.create(db, coll);
    synchronized (catalog) {
      for (int i = 0; i < docs.size(); i++) {
        BsonDocument doc = docs.get(i).asDocument();
        if (!doc.containsKey("_id")) {
          BsonDocument withId = new BsonDocument("_id", new BsonObjectId());
          withId.putAll(doc);
          doc = withId;
        }
        BsonValue id = doc.get("_id");
        if (c.docs().stream().anyMatch(d -> Matcher.equal(d.get("_id"), id) && !id.isArray())) {
          errors.add(new BsonDocument("index", new BsonInt32(i)).append("code", new BsonInt32(11000))
              .append("keyPattern", new BsonDocument("_id", new BsonInt32(1)))
              .append("keyValue", new BsonDocument("_id", id))
              .append("errmsg", new BsonString("E11000 duplicate key error collection: " + db + "." + coll
                  + " index: _id_ dup key: { _id: " + ShellFormat.inline(id) + " }")));
          if (cmd.getBoolean("ordered", BsonBoolean.TRUE).getValue()) {
            break;
          }
          continue;
        }
        c.docs().add(doc);
        n++;
      }
    }
    changed.accept(db, coll);
    BsonDocument answer = new BsonDocument("n", new BsonInt32(n));
    if (!errors.isEmpty()) {
      answer.append("writeErrors", errors);
    }
    return answer;
  }

  private BsonDocument delete(String db, String coll, BsonDocument cmd) {
    int n = 0;
    List<BsonDocument> docs = catalog.exists(db, coll) ? catalog.create(db, coll).docs() : List.of();
    synchronized (catalog) {
      for (BsonValue one : cmd.getArray("deletes", new BsonArray())) {
        BsonDocument q = one.asDocument().getDocument("q", new BsonDocument());
        boolean justOne = one.asDocument().get("limit", new BsonInt32(0)).asNumber().intValue() == 1;
        for (var it = docs.iterator(); it.hasNext();) {
          if (Matcher.matches(q, it.next())) {
            it.remove();
            n++;
            if (justOne) {
              break;
            }
          }
        }
      }
    }
    if (n > 0) {
      changed.accept(db, coll);
    }
    return new BsonDocument("n", new BsonInt32(n));
  }

  private BsonDocument drop(String db, String coll) {
    if (!catalog.drop(db, coll)) {
      if (version.major() < 7) {
        throw new CommandError(26, "NamespaceNotFound", "ns not found");
      }
      return new BsonDocument();
    }
    changed.accept(db, coll);
    return new BsonDocument("nIndexesWas", new BsonInt32(1)).append("ns", new BsonString(db + "." + coll));
  }

  private BsonDocument dropDatabase(String db) {
    for (String coll : catalog.dropDatabase(db)) {
      changed.accept(db, coll);
    }
    return new BsonDocument("dropped", new BsonString(db));
  }

  private static BsonDocument cursor(String ns, BsonArray batch) {
    return new BsonDocument("cursor", new BsonDocument("firstBatch", batch).append("id", new BsonInt64(0))
        .append("ns", new BsonString(ns)));
  }
}
