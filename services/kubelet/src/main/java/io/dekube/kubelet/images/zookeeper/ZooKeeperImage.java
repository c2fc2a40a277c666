package io.dekube.kubelet.images.zookeeper;

import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The {@code registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10} image of kube's ZooKeeper tutorial: the container's
 * {@code sh -c "start-zookeeper --servers=3 ..."} writes what the image's script writes ({@link StartZookeeper}:
 * {@code zoo.cfg} — printed on stderr —, {@code java.env}, {@code log4j.properties}, the data folders and
 * {@code myid} from the hostname's ordinal), then runs the real ZooKeeper server ({@link EnsembleServer}) on the
 * pod IP, its peers found by their pods' DNS names, its log in the container's log; {@code zkCli.sh} and
 * {@code zookeeper-ready} run by {@code kubectl exec} and the probes. The data lives in the container's files
 * ({@code /var/lib/zookeeper}: the StatefulSet's volume), so a re-created pod serves what its volume holds.
 * SIGTERM stops the server; the container exits 143, as the JVM does.
 */
public final class ZooKeeperImage {

  private ZooKeeperImage() {
  }

  /** Starts the image in {@code c}. */
  public static Future<Void> start(JvmContainer c) {
    c.command("zkCli.sh", (argv, out, tty) -> ZkCli.start(c, argv, out, tty));
    c.command("zookeeper-ready", (argv, out, tty) -> ZooKeeperReady.start(c, argv, out));
    AtomicReference<EnsembleServer> running = new AtomicReference<>();
    c.command("pkill", (argv, out, tty) -> PkillCommand.start(c, argv, out, () -> stop(c, running.getAndSet(null))));
    List<String> line = commandLine(c);
    if (line.isEmpty() || !line.get(0).endsWith("start-zookeeper")) {
      return Future.failedFuture(new ContainerStartException("StartError", "dekube's kubernetes-zookeeper image runs "
          + "only sh -c \"start-zookeeper --name=value ...\", not " + String.join(" ", line)));
    }
    StartZookeeper script;
    try {
      script = StartZookeeper.parse(line.subList(1, line.size()));
    } catch (StartZookeeper.UsageException e) {
      return exit(c, 1, "stderr", e.getMessage() + "\n");
    }
    String host = c.spec().env().getOrDefault("HOSTNAME", c.spec().podName());
    if (StartZookeeper.nameAndOrdinal(host) == null) {
      return exit(c, 1, "stdout", StartZookeeper.NO_ORDINAL + "\n");
    }
    c.exitOnSigterm(143);
    return c.file("/etc/hosts").compose(hosts -> {
      String domain = domain(hosts == null ? "" : new String(hosts, StandardCharsets.UTF_8), host);
      String zooCfg = script.zooCfg(host, domain);
      return writeFiles(c, script, zooCfg, host).compose(v -> run(c, script, zooCfg, host, running));
    });
  }

  private static Future<Void> exit(JvmContainer c, int code, String stream, String text) {
    c.output(stream, Buffer.buffer(text));
    c.exit(code);
    return Future.succeededFuture();
  }

  /** Stops {@code server} (nothing when it stopped already) on a worker thread. */
  private static Future<Void> stop(JvmContainer c, EnsembleServer server) {
    return server == null ? Future.succeededFuture() : c.vertx().executeBlocking(() -> {
      server.stop();
      return null;
    }, false).mapEmpty();
  }

  /** The script's words: {@code sh -c "start-zookeeper ..."} split as the shell splits that line. */
  static List<String> commandLine(JvmContainer c) {
    return words(argv(c));
  }

  /** The container's command and args. */
  static List<String> argv(JvmContainer c) {
    var spec = c.spec().container();
    List<String> argv = new ArrayList<>();
    if (spec.getCommand() != null) {
      argv.addAll(spec.getCommand());
    }
    if (spec.getArgs() != null) {
      argv.addAll(spec.getArgs());
    }
    return argv;
  }

  static List<String> words(List<String> argv) {
    if (argv.size() >= 3 && argv.get(0).matches("(/bin/|/usr/bin/)?(ba)?sh") && argv.get(1).equals("-c")) {
      String script = argv.get(2).replace("\\\n", " ").strip();
      return script.isEmpty() ? List.of() : List.of(script.split("\\s+"));
    }
    return argv;
  }

  /** {@code hostname -d}: the domain of the name {@code /etc/hosts} gives the pod's hostname first. */
  public static String domain(String hosts, String host) {
    for (String line : hosts.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 2 && !f[0].startsWith("#") && List.of(f).subList(1, f.length).contains(host)) {
        int dot = f[1].indexOf('.');
        return dot < 0 ? "" : f[1].substring(dot + 1);
      }
    }
    return "";
  }

  /** create_config, create_jvm_props, create_log_props and create_data_dirs, with what they print. */
  private static Future<Void> writeFiles(JvmContainer c, StartZookeeper script, String zooCfg, String host) {
    return c.nodeFolder(script.option("conf_dir")).compose(conf -> c.vertx().executeBlocking(() -> {
      Files.writeString(conf.resolve("zoo.cfg"), zooCfg);
      Files.writeString(conf.resolve("java.env"), script.javaEnv());
      Files.writeString(conf.resolve("log4j.properties"), script.log4jProperties());
      return null;
    }, false)).compose(v -> {
      c.output("stderr", Buffer.buffer(zooCfg));
      c.output("stdout", Buffer.buffer("Creating ZooKeeper log4j configuration\n"));
      return c.nodeFolder(script.option("log_dir"));
    }).compose(v -> c.nodeFolder(script.option("data_dir")))
        .compose(dataDir -> c.vertx().executeBlocking(() -> {
          Path myid = dataDir.resolve("myid");
          if (!Files.exists(myid) && script.servers() > 1) {
            Files.writeString(myid, StartZookeeper.myId(host) + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
          }
          return null;
        }, false)).mapEmpty();
  }

  /** zkServer.sh start-foreground: the server, until SIGTERM; its peers' addresses followed in the cluster DNS. */
  private static Future<Void> run(JvmContainer c, StartZookeeper script, String zooCfg, String host,
                                  AtomicReference<EnsembleServer> running) {
    c.output("stderr", Buffer.buffer("ZooKeeper JMX enabled by default\nUsing config: /usr/bin/../etc/zookeeper/"
        + "zoo.cfg\n"));
    String dataDir = script.option("data_dir");
    String logDir = script.option("data_log_dir");
    return c.nodeFolder(dataDir).compose(data -> c.nodeFolder(logDir).map(log -> Map.of(dataDir, data.toFile(),
            logDir, log.toFile())))
        .compose(folders -> c.vertx().executeBlocking(() -> EnsembleServer.start(c.spec().namespace() + "/"
            + c.spec().podName(), script.servers() > 1 ? StartZookeeper.myId(host) : 0, zooCfg, folders,
            c.spec().podIp(), script.option("log_level"), line -> c.output("stdout", Buffer.buffer(line))), false))
        .compose(server -> {
          running.set(server);
          PeerLookup lookup = new PeerLookup(c, server);
          lookup.next(0);
          c.onStop(() -> {
            lookup.stop();
            return stop(c, running.getAndSet(null));
          });
          return Future.<Void>succeededFuture();
        }).recover(e -> Future.failedFuture(new ContainerStartException("RunContainerError",
            "zookeeper: " + e.getMessage())));
  }

  /**
   * Follows the peers' DNS names: every second while one has no address yet, every 5 s once all have one (a pod
   * re-created at a new IP is found within that).
   */
  private static final class PeerLookup {
    private final JvmContainer c;
    private final EnsembleServer server;
    private volatile boolean stopped;

    PeerLookup(JvmContainer c, EnsembleServer server) {
      this.c = c;
      this.server = server;
    }

    void next(long delayMs) {
      if (stopped || c.exited().isComplete()) {
        return;
      }
      c.vertx().setTimer(Math.max(1, delayMs), t -> {
        List<Future<Void>> found = new ArrayList<>();
        server.peerNames().forEach((id, name) -> found.add(c.resolve(name).map(ip -> {
          server.peerAt(id, ip);
          return null;
        })));
        Future.join(found).onComplete(ar -> next(ar.succeeded() ? 5000 : 1000));
      });
    }

    void stop() {
      stopped = true;
    }
  }
}
