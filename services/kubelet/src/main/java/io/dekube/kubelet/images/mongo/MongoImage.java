package io.dekube.kubelet.images.mongo;

import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.PodDialer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.bson.BsonBoolean;
import org.bson.BsonDocument;
import org.bson.BsonInt32;
import org.bson.BsonString;

/**
 * The {@code mongo} image ({@code mongo:5.0}, {@code 7.0}, {@code latest}…): the container's command line as the
 * image's {@code docker-entrypoint.sh} takes it — {@code mongod [--option...]} (options alone mean mongod) runs
 * the server on 27017 (or {@code --port}) of the pod IP under the pod's NetworkPolicies, its data in memory and
 * in {@code /data/db} (or {@code --dbpath}), mongod's JSON log on stdout, 0 on SIGTERM. The root user of
 * {@code MONGO_INITDB_ROOT_USERNAME} is not made: the server does not check credentials. {@code mongosh} (and
 * {@code mongo} up to 5.0) are programs of the image for {@code kubectl exec}, or the container's own.
 */
public final class MongoImage {

  /** Wraps the server's connection handler with the pod's NetworkPolicies ({@code Refusals.tcp}). */
  public interface Admission {
    Handler<NetSocket> admit(int port, Handler<NetSocket> handler);
  }

  private MongoImage() {
  }

  /** Starts the image in {@code c}: {@code argv} is the container's command line after entrypoint and CMD. */
  public static Future<Void> start(JvmContainer c, String tag, List<String> argv, Admission admission) {
    MongoVersion version = MongoVersion.of(tag);
    PodDialer pod = new PodDialer(c, 5);
    ShellConnection.Dialer dialer = pod::connect;
    AtomicBoolean firstRun = new AtomicBoolean(true);
    List<String> shells = version.hasLegacyShell() ? List.of("mongosh", "mongo") : List.of("mongosh");
    for (String shell : shells) {
      c.command(shell, (args, out, tty) -> Mongosh.start(dialer, version, args, out, tty, firstRun.getAndSet(false)));
    }
    List<String> line = commandLine(argv);
    String program = line.get(0).substring(line.get(0).lastIndexOf('/') + 1);
    if (shells.contains(program)) {
      return c.runAsProgram(Mongosh.start(dialer, version, line, c.outputs(),
          Boolean.TRUE.equals(c.spec().container().getTty()), firstRun.getAndSet(false)));
    }
    if (!program.equals("mongod")) {
      return Future.failedFuture(new ContainerStartException("StartError", "failed to create containerd task: "
          + "exec: \"" + line.get(0) + "\": executable file not found in $PATH"));
    }
    return server(c, version, line, admission);
  }

  /** What the image runs for {@code argv}: {@code docker-entrypoint.sh} dropped, options alone mean mongod. */
  static List<String> commandLine(List<String> argv) {
    List<String> line = new ArrayList<>(argv);
    if (!line.isEmpty() && line.get(0).endsWith("docker-entrypoint.sh")) {
      line.remove(0);
    }
    if (line.isEmpty() || line.get(0).startsWith("-")) {
      line.add(0, "mongod");
    }
    return line;
  }

  private static Future<Void> server(JvmContainer c, MongoVersion version, List<String> line, Admission admission) {
    MongoLog log = new MongoLog(s -> c.output("stdout", Buffer.buffer(s)));
    if (line.contains("--version")) {
      c.output("stdout", Buffer.buffer("db version v" + version.number() + "\n"));
      c.exit(0);
      return Future.succeededFuture();
    }
    int port = Integer.parseInt(option(line, "--port", "27017"));
    String dbPath = option(line, "--dbpath", "/data/db");
    WorkerExecutor files = c.vertx().createSharedWorkerExecutor("mongo-" + c.spec().id(), 1);
    c.exitOnSigterm(0);
    BsonDocument wire = new BsonDocument("minWireVersion", new BsonInt32(0)).append("maxWireVersion",
        new BsonInt32(version.maxWireVersion()));
    log.info("NETWORK", 4915701, "-", "Initialized wire specification", new BsonDocument("spec",
        new BsonDocument("incomingExternalClient", wire).append("incomingInternalClient", wire)
            .append("outgoing", wire).append("isInternalClient", BsonBoolean.TRUE)));
    log.info("CONTROL", 23285, "main", "Automatically disabling TLS 1.0, to force-enable TLS 1.0 specify "
        + "--sslDisabledProtocols 'none'", null);
    log.info("CONTROL", 4615611, "initandlisten", "MongoDB starting", new BsonDocument("pid", new BsonInt32(1))
        .append("port", new BsonInt32(port)).append("dbPath", new BsonString(dbPath))
        .append("architecture", new BsonString("64-bit")).append("host", new BsonString(c.spec().podName())));
    log.info("CONTROL", 23403, "initandlisten", "Build Info", new BsonDocument("buildInfo", new BsonDocument(
        "version", new BsonString(version.number())).append("allocator", new BsonString("tcmalloc"))
        .append("environment", new BsonDocument("distarch", new BsonString("x86_64"))
            .append("target_arch", new BsonString("x86_64")))));
    log.info("CONTROL", 21951, "initandlisten", "Options set by command line", new BsonDocument("options",
        new BsonDocument("net", new BsonDocument("bindIp", new BsonString("*")))));
    return c.nodeFolder(dbPath).compose(dir -> files.executeBlocking(() -> Catalog.load(dir), false)
        .compose(catalog -> {
          Commands commands = new Commands(version, catalog, line, (db, coll) -> files.executeBlocking(() -> {
            catalog.save(dir, db, coll);
            return null;
          }, true));
          return listen(c, new MongoServer(c.vertx(), commands, log), port, log, admission, files);
        })).recover(e -> {
          log.info("STORAGE", 22316, "initandlisten", "Fatal assertion", new BsonDocument("error",
              new BsonString(String.valueOf(e.getMessage()))));
          files.close();
          c.exit(100);
          return Future.succeededFuture();
        });
  }

  private static Future<Void> listen(JvmContainer c, MongoServer server, int port, MongoLog log, Admission admission,
                                     WorkerExecutor files) {
    c.onStop(() -> {
      log.info("CONTROL", 23377, "SignalHandler", "Received signal", new BsonDocument("signal", new BsonInt32(15))
          .append("error", new BsonString("Terminated")));
      log.info("CONTROL", 23378, "SignalHandler", "Signal was sent by kill(2)", new BsonDocument("pid",
          new BsonInt32(0)).append("uid", new BsonInt32(0)));
      log.info("CONTROL", 23381, "SignalHandler", "will terminate after current cmd ends", null);
      return server.close().onComplete(ar -> {
        log.info("CONTROL", 20565, "SignalHandler", "Now exiting", null);
        log.info("CONTROL", 23138, "SignalHandler", "Shutting down", new BsonDocument("exitCode",
            new BsonInt32(0)));
        files.close();
      }).mapEmpty();
    });
    return server.listen(c.spec().podIp(), port, handler -> admission.admit(port, handler)).<Void>map(p -> {
      log.info("NETWORK", 23015, "listener", "Listening on", new BsonDocument("address",
          new BsonString("/tmp/mongodb-" + p + ".sock")));
      log.info("NETWORK", 23015, "listener", "Listening on", new BsonDocument("address",
          new BsonString("0.0.0.0")));
      log.info("NETWORK", 23016, "listener", "Waiting for connections", new BsonDocument("port", new BsonInt32(p))
          .append("ssl", new BsonString("off")));
      return null;
    }).recover(e -> {
      log.info("NETWORK", 23024, "initandlisten", "Error setting up listener", new BsonDocument("error",
          new BsonString("SocketException: Address already in use")));
      c.exit(48);
      return Future.succeededFuture();
    });
  }

  private static String option(List<String> line, String name, String fallback) {
    for (int i = 1; i < line.size(); i++) {
      String o = line.get(i);
      if (o.startsWith(name + "=")) {
        return o.substring(name.length() + 1);
      }
      if (o.equals(name) && i + 1 < line.size()) {
        return line.get(i + 1);
      }
    }
    return fallback;
  }
}
