package io.dekube.kubelet.images.mongo;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.LineInput;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.types.ObjectId;

/**
 * {@code mongosh} (and, for 5.0 and older, the legacy {@code mongo} shell) of the mongo image, for
 * {@code kubectl exec -it <pod> -- mongosh}: {@code [--host H] [--port P] [--quiet] [--eval JS]... [URI|db]}
 * connects, prints mongosh's banner and then reads one statement a line ({@link ShellCommands}) after the prompt
 * {@code test> } — on a terminal with echo and backspace, Ctrl-C's hint, Ctrl-D and {@code exit} ending it.
 * Thread-safe: stdin may come on any thread.
 */
final class Mongosh implements ExecSession {

  private final ShellConnection.Dialer dialer;
  private final boolean legacy;
  private final Output out;
  private final boolean tty;
  private final Promise<Integer> exit = Promise.promise();
  private final LineInput input;
  private final List<String> evals = new ArrayList<>();
  private ShellCommands commands;
  private String host = "127.0.0.1";
  private int port = 27017;
  private String db = "test";
  private String uri;
  private boolean quiet;
  private boolean interrupted;

  private Mongosh(ShellConnection.Dialer dialer, boolean legacy, Output out, boolean tty) {
    this.dialer = dialer;
    this.legacy = legacy;
    this.out = out;
    this.tty = tty;
    this.input = new LineInput(this, tty, java.nio.charset.StandardCharsets.UTF_8, this::print,
        () -> interrupted = true);
  }

  /** Starts {@code argv} ({@code mongosh ...} or {@code mongo ...}). */
  static ExecSession start(ShellConnection.Dialer dialer, MongoVersion version, List<String> argv, Output out,
                           boolean tty, boolean firstRun) {
    boolean legacy = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1).equals("mongo");
    Mongosh shell = new Mongosh(dialer, legacy, out, tty);
    String bad = shell.options(argv.subList(1, argv.size()), version);
    if (bad != null) {
      shell.print(bad);
      shell.exit.tryComplete(bad.startsWith(version.mongosh()) || bad.startsWith("MongoDB shell") ? 0 : 1);
      return shell;
    }
    shell.banner(version);
    ShellConnection.open(dialer, shell.host, shell.port).compose(conn -> conn.run("admin", hello(legacy,
        version)).compose(h -> conn.run("admin", new BsonDocument("buildInfo", new BsonInt32(1))))
        .map(info -> {
          shell.commands = new ShellCommands(conn, shell.db, legacy);
          shell.connected(info.getString("version", new BsonString("")).getValue(), version, firstRun);
          return conn;
        })).onComplete(ar -> {
          if (ar.failed()) {
            shell.print((legacy ? "Error: couldn't connect to server " + shell.host + ":" + shell.port
                + ", connection attempt failed: SocketException: Error connecting to " + shell.host + ":"
                + shell.port + " :: caused by :: Connection refused :\nexception: connect failed\n"
                + "exiting with code 1\n" : "MongoNetworkError: connect ECONNREFUSED " + shell.host + ":"
                + shell.port + "\n"));
            shell.exit.tryComplete(1);
            return;
          }
          if (!shell.evals.isEmpty()) {
            shell.evaluate(shell.evals, 0);
            return;
          }
          shell.ready();
        });
    return shell;
  }

  private static BsonDocument hello(boolean legacy, MongoVersion version) {
    String app = legacy ? "MongoDB Shell" : "mongosh " + version.mongosh();
    return new BsonDocument("hello", new BsonInt32(1)).append("client", new BsonDocument("application",
        new BsonDocument("name", new BsonString(app))).append("driver", new BsonDocument("name",
        new BsonString(legacy ? "MongoDB Internal Client" : "nodejs|mongosh")).append("version",
        new BsonString(legacy ? version.number() : "6.10.0|" + version.mongosh()))));
  }

  /** Reads the options; an error or the version to print, else null. */
  private String options(List<String> args, MongoVersion version) {
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      boolean more = i + 1 < args.size();
      if ((a.equals("--host") || a.equals("-h")) && more) {
        String h = args.get(++i);
        if (h.startsWith("mongodb://")) {
          uri(h);
        } else if (h.contains(":")) {
          host = h.substring(0, h.lastIndexOf(':'));
          port = Integer.parseInt(h.substring(h.lastIndexOf(':') + 1));
        } else {
          host = h;
        }
      } else if (a.equals("--port") && more && args.get(i + 1).matches("\\d{1,5}")) {
        port = Integer.parseInt(args.get(++i));
      } else if (a.equals("--quiet")) {
        quiet = true;
      } else if (a.equals("--eval") && more) {
        evals.add(args.get(++i));
      } else if (List.of("-u", "--username", "-p", "--password", "--authenticationDatabase")
          .contains(a) && more) {
        i++; // accepted; the server checks no credentials
      } else if (a.equals("--version")) {
        return legacy ? "MongoDB shell version v" + version.number() + "\n" : version.mongosh() + "\n";
      } else if (a.startsWith("mongodb://")) {
        uri(a);
      } else if (!a.startsWith("-")) {
        address(a);
      } else {
        return "MongoshUnimplementedError: [COMMON-90002] " + a + " is not supported by this shell\n";
      }
    }
    return null;
  }

  private void uri(String u) {
    uri = u;
    String rest = u.substring("mongodb://".length());
    int slash = rest.indexOf('/');
    String hosts = slash < 0 ? rest : rest.substring(0, slash);
    hosts = hosts.substring(hosts.lastIndexOf('@') + 1).split(",")[0];
    if (hosts.contains(":")) {
      host = hosts.substring(0, hosts.lastIndexOf(':'));
      port = Integer.parseInt(hosts.substring(hosts.lastIndexOf(':') + 1));
    } else if (!hosts.isEmpty()) {
      host = hosts;
    }
    if (slash >= 0) {
      String path = rest.substring(slash + 1).replaceFirst("\\?.*$", "");
      if (!path.isEmpty()) {
        db = path;
      }
    }
  }

  /** {@code [host[:port]/]db} or a bare database name. */
  private void address(String a) {
    if (a.contains("/")) {
      uri("mongodb://" + a);
      uri = null;
    } else if (a.contains(":") || a.contains(".")) {
      uri("mongodb://" + a);
      uri = null;
    } else {
      db = a;
    }
  }

  private void banner(MongoVersion version) {
    if (legacy) {
      print("MongoDB shell version v" + version.number() + "\n"
          + "connecting to: mongodb://" + host + ":" + port + "/" + (db.equals("test") ? "" : db)
          + "?compressors=disabled&gssapiServiceName=mongodb\n");
      return;
    }
    if (quiet) {
      return;
    }
    String connecting = uri != null ? uri + (uri.contains("?") ? "&" : "?") + "directConnection=true&appName=mongosh+"
        + version.mongosh() : "mongodb://" + host + ":" + port + "/" + (db.equals("test") ? "" : db)
        + "?directConnection=true&serverSelectionTimeoutMS=2000&appName=mongosh+" + version.mongosh();
    print("Current Mongosh Log ID:\t" + new ObjectId().toHexString() + "\n"
        + "Connecting to:\t\t" + connecting + "\n");
  }

  private void connected(String serverVersion, MongoVersion version, boolean firstRun) {
    if (legacy) {
      print("Implicit session: session { \"id\" : UUID(\"" + java.util.UUID.randomUUID() + "\") }\n"
          + "MongoDB server version: " + serverVersion + "\n"
          + "================\n"
          + "Warning: the \"mongo\" shell has been superseded by \"mongosh\",\n"
          + "which delivers improved usability and compatibility.The \"mongo\" shell has been deprecated and will "
          + "be removed in\nan upcoming release.\n"
          + "For installing \"mongosh\", see https://docs.mongodb.com/mongodb-shell/install/\n"
          + "================\n");
      return;
    }
    if (quiet) {
      return;
    }
    print("Using MongoDB:\t\t" + serverVersion + "\n" + "Using Mongosh:\t\t" + version.mongosh() + "\n\n"
        + "For mongosh info see: https://www.mongodb.com/docs/mongodb-shell/\n\n");
    if (firstRun) {
      print("To help improve our products, anonymous usage data is collected and sent to MongoDB periodically "
          + "(https://www.mongodb.com/legal/privacy-policy).\nYou can opt-out by running the disableTelemetry() "
          + "command.\n\n");
    }
  }

  private void evaluate(List<String> todo, int i) {
    if (i >= todo.size()) {
      commands.close();
      exit.tryComplete(0);
      return;
    }
    commands.run(todo.get(i)).onComplete(ar -> {
      ShellCommands.Result r = ar.result();
      print(r.text());
      if (r.error() || r.exit()) {
        commands.close();
        exit.tryComplete(r.error() ? 1 : 0);
        return;
      }
      evaluate(todo, i + 1);
    });
  }

  private void ready() {
    input.release();
    prompt();
    pump();
  }

  private void prompt() {
    print(legacy ? "> " : commands.db() + "> ");
  }

  @Override
  public void stdin(Buffer data) {
    input.feed(data);
    pump();
  }

  @Override
  public void closeStdin() {
    input.close();
    pump();
  }

  private void pump() {
    String line;
    synchronized (this) {
      if (input.held() || exit.future().isComplete() || commands == null) {
        return;
      }
      if (interrupted) {
        interrupted = false;
        input.clear();
        print("\n(To exit, press Ctrl+C again or Ctrl+D or type .exit)\n");
        prompt();
      }
      line = input.take();
      if (line == null) {
        if (input.done()) {
          if (tty) {
            print("\n");
          }
          commands.close();
          exit.tryComplete(0);
        }
        return;
      }
    }
    commands.run(line).onComplete(ar -> {
      ShellCommands.Result r = ar.result();
      print(r.text());
      if (r.exit()) {
        commands.close();
        exit.tryComplete(0);
        return;
      }
      input.release();
      prompt();
      pump();
    });
  }

  private void print(String s) {
    if (!s.isEmpty()) {
      out.stdout(Buffer.buffer(tty ? s.replace("\r\n", "\n").replace("\n", "\r\n") : s));
    }
  }

  @Override
  public Future<Integer> exitCode() {
    return exit.future();
  }

  @Override
  public void kill() {
    if (commands != null) {
      commands.close();
    }
    exit.tryComplete(130);
  }
}
