package io.dekube.kubelet.images.mysql;

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

/**
 * The {@code mysql} image ({@code mysql:9}, {@code 8.0}, {@code 5.7}…): the container's command line as the
 * image's {@code docker-entrypoint.sh} takes it — {@code mysqld [--option...]} (options alone mean mysqld) runs
 * the server, {@code mysql ...} and {@code mysqladmin ...} the clients (as {@code kubectl run -it --image=mysql:9
 * -- mysql -h mysql -ppassword} does) —, the entrypoint's initialisation ({@link Entrypoint}) of the data folder
 * {@code /var/lib/mysql} (the container's layer, or the volume mounted there: a PersistentVolume keeps the data
 * across pods), then {@link MysqlServer} on port 3306 of the pod IP under the pod's NetworkPolicies, mysqld's log
 * on stderr, 0 on SIGTERM. {@code mysql} and {@code mysqladmin} are programs of the image for {@code kubectl exec}
 * and exec probes.
 */
public final class MysqlImage {

  private static final String DATA_DIR = "/var/lib/mysql";
  private static final String INIT_DIR = "/docker-entrypoint-initdb.d";

  /** Wraps the server's connection handler with the pod's NetworkPolicies ({@code Refusals.tcp}). */
  public interface Admission {
    Handler<NetSocket> admit(int port, Handler<NetSocket> handler);
  }

  private MysqlImage() {
  }

  /** Starts the image in {@code c}: {@code argv} is the container's command line after entrypoint and CMD. */
  public static Future<Void> start(JvmContainer c, String tag, List<String> argv, Admission admission) {
    MysqlVersion version = MysqlVersion.of(tag);
    PodDialer pod = new PodDialer(c, 5);
    MysqlClient.Dialer dialer = pod::connectPaused;
    commands(c, tag);
    List<String> line = commandLine(argv);
    String program = line.get(0).substring(line.get(0).lastIndexOf('/') + 1);
    return switch (program) {
      case "mysqld" -> server(c, version, line.subList(1, line.size()), admission);
      case "mysql" -> c.runAsProgram(MysqlCli.start(dialer, version, line, c.outputs(), tty(c)));
      case "mysqladmin" -> c.runAsProgram(Mysqladmin.start(dialer, version, line, c.outputs()));
      default -> Future.failedFuture(new ContainerStartException("StartError", "failed to create containerd task: "
          + "exec: \"" + line.get(0) + "\": executable file not found in $PATH"));
    };
  }

  /**
   * Whether the container's command line is a shell ({@code bash -c ...}, as the replicated-MySQL page's
   * {@code init-mysql} runs in {@code mysql:5.7}): the runtime's shell runs it, with the image's programs
   * ({@link #commands}).
   */
  public static boolean runsShell(List<String> argv) {
    String first = commandLine(argv).get(0);
    String name = first.substring(first.lastIndexOf('/') + 1);
    return name.equals("bash") || name.equals("sh");
  }

  /** Registers the image's client programs in {@code c}: {@code mysql} and {@code mysqladmin} of {@code tag}. */
  public static void commands(JvmContainer c, String tag) {
    MysqlVersion version = MysqlVersion.of(tag);
    MysqlClient.Dialer dialer = new PodDialer(c, 5)::connectPaused;
    c.command("mysql", "/usr/bin/mysql", (args, out, tty) -> MysqlCli.start(dialer, version, args, out, tty));
    c.command("mysqladmin", "/usr/bin/mysqladmin", (args, out, tty) -> Mysqladmin.start(dialer, version, args, out));
  }

  /** What the image runs for {@code argv}: {@code docker-entrypoint.sh} dropped, options alone mean {@code mysqld}. */
  static List<String> commandLine(List<String> argv) {
    List<String> line = new ArrayList<>(argv);
    if (!line.isEmpty() && line.get(0).endsWith("docker-entrypoint.sh")) {
      line.remove(0);
    }
    if (line.isEmpty() || line.get(0).startsWith("-")) {
      line.add(0, "mysqld");
    }
    return line;
  }

  private static boolean tty(JvmContainer c) {
    return Boolean.TRUE.equals(c.spec().container().getTty());
  }

  private static Future<Void> server(JvmContainer c, MysqlVersion version, List<String> options, Admission admission) {
    MysqlLog log = new MysqlLog(version, s -> c.output("stdout", Buffer.buffer(s)), s -> c.output("stderr",
        Buffer.buffer(s)));
    if (options.contains("--version") || options.contains("-V")) {
      c.output("stdout", Buffer.buffer("/usr/sbin/mysqld  Ver " + version.number() + " for Linux on x86_64 ("
          + version.comment() + ")\n"));
      c.exit(0);
      return Future.succeededFuture();
    }
    int port = option(options, "--port", 3306);
    io.vertx.core.Context context = c.vertx().getOrCreateContext();
    MysqlClient.Dialer dialer = new PodDialer(c, 5)::connectPaused;
    String dataDir = options.stream().filter(o -> o.startsWith("--datadir=")).map(o -> o.substring(10)).findFirst()
        .orElse(DATA_DIR);
    WorkerExecutor workers = c.vertx().createSharedWorkerExecutor("mysql-" + c.spec().id(), 4);
    c.exitOnSigterm(0);
    String host = c.spec().podName();
    return optionFiles(c).compose(files -> initScripts(c).compose(scripts -> c.nodeFolder(dataDir)
        .compose(dir -> workers.executeBlocking(() -> {
          MysqldOptions mysqld = MysqldOptions.of(files, options);
          SystemVariables variables = new SystemVariables(version, port, host);
          configure(variables, mysqld, version, host);
          SqlEngine engine = Entrypoint.prepare(dir, version, variables, c.spec().env(), scripts, log);
          String base = mysqld.logBin(host);
          if (base != null) {
            engine.binlog(Binlog.open(dir, base, mysqld.serverId(version.major() >= 8 ? 1 : 0), version));
          }
          engine.replication(Replication.open(engine, dir, dialer, context, workers, host, log));
          if (!mysqld.on("skip-slave-start") && !mysqld.on("skip-replica-start")) {
            engine.replication().resume();
          }
          return engine;
        }, false))))
        .compose(engine -> listen(c, engine, workers, port, log, admission), e -> {
      if (!(e instanceof Entrypoint.Refused)) {
        log.server("ERROR", "010119", "Aborting: " + e.getMessage());
      }
      workers.close();
      c.exit(1);
      return Future.succeededFuture();
    });
  }

  private static Future<Void> listen(JvmContainer c, SqlEngine engine, WorkerExecutor workers, int port, MysqlLog log,
                                     Admission admission) {
    MysqlVersion version = engine.version();
    log.server("System", "015015", "MySQL Server - start.");
    log.server("System", "010116", "/usr/sbin/mysqld (mysqld " + version.number() + ") starting as process 1");
    MysqlServer server = new MysqlServer(c.vertx(), engine, workers);
    c.onStop(() -> {
      log.server("System", "013172", "Received SHUTDOWN from user <via user signal>. Shutting down mysqld (Version: "
          + version.number() + ").");
      return server.close().eventually(() -> workers.executeBlocking(() -> {
        engine.close();
        return null;
      }, false)).onComplete(ar -> {
        log.server("System", "010910", "/usr/sbin/mysqld: Shutdown complete (mysqld " + version.number() + ")  "
            + version.comment() + ".");
        workers.close();
      }).mapEmpty();
    });
    return server.listen(c.spec().podIp(), port, handler -> admission.admit(port, handler)).<Void>map(p -> {
      log.ready(p);
      return null;
    }).recover(e -> {
      log.server("ERROR", "010262", "Can't start server: Bind on TCP/IP port: " + e.getMessage());
      c.exit(1);
      return Future.succeededFuture();
    });
  }

  /** The server's settings from its options: {@code server_id}, {@code log_bin}, {@code (super_)read_only}. */
  private static void configure(SystemVariables variables, MysqldOptions mysqld, MysqlVersion version, String host) {
    variables.set("server_id", mysqld.serverId(version.major() >= 8 ? 1 : 0));
    String base = mysqld.logBin(host);
    if (base != null) {
      variables.set("log_bin", "ON");
      variables.set("log_bin_basename", DATA_DIR + "/" + base);
      variables.set("log_bin_index", DATA_DIR + "/" + base + ".index");
    }
    if (mysqld.on("super-read-only")) {
      variables.set("super_read_only", 1);
      variables.set("read_only", 1);
    } else if (mysqld.on("read-only")) {
      variables.set("read_only", 1);
    }
  }

  /**
   * The texts of the option files the image's {@code /etc/mysql/my.cnf} includes: {@code /etc/mysql/conf.d/*.cnf}
   * (where the replication page's init container puts {@code server-id.cnf} and {@code primary.cnf}) and
   * {@code /etc/mysql/mysql.conf.d/*.cnf}, each folder in name order.
   */
  private static Future<List<String>> optionFiles(JvmContainer c) {
    List<Future<List<String>>> folders = new ArrayList<>();
    for (String folder : List.of("/etc/mysql/conf.d", "/etc/mysql/mysql.conf.d")) {
      folders.add(c.folder(folder).compose(names -> {
        List<Future<String>> read = new ArrayList<>();
        for (String name : names.stream().filter(n -> n.endsWith(".cnf")).sorted().toList()) {
          read.add(c.file(folder + "/" + name).map(b -> b == null ? ""
              : new String(b, java.nio.charset.StandardCharsets.UTF_8)));
        }
        return Future.all(read).map(all -> read.stream().map(Future::result).toList());
      }));
    }
    return Future.all(folders).map(all -> folders.stream().flatMap(f -> f.result().stream()).toList());
  }

  /** The files of {@code /docker-entrypoint-initdb.d}, in name order. */
  private static Future<List<Entrypoint.InitScript>> initScripts(JvmContainer c) {
    return c.folder(INIT_DIR).compose(names -> {
      List<Future<Entrypoint.InitScript>> read = new ArrayList<>();
      for (String name : names) {
        read.add(c.file(INIT_DIR + "/" + name).map(b -> b == null ? null
            : new Entrypoint.InitScript(name, new String(b, java.nio.charset.StandardCharsets.UTF_8))));
      }
      return Future.all(read).map(all -> read.stream().map(Future::result).filter(s -> s != null).toList());
    });
  }

  private static int option(List<String> options, String name, int fallback) {
    for (int i = 0; i < options.size(); i++) {
      String o = options.get(i);
      String v = o.startsWith(name + "=") ? o.substring(name.length() + 1)
          : o.equals(name) && i + 1 < options.size() ? options.get(i + 1) : null;
      if (v != null && v.matches("\\d{1,5}")) {
        return Integer.parseInt(v);
      }
    }
    return fallback;
  }
}
