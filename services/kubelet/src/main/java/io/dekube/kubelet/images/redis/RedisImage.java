package io.dekube.kubelet.images.redis;

import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.PodDialer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code redis} image ({@code redis:<tag>}, and the guestbook's {@code gb-redis-follower}, built on
 * {@code redis:6.0.5}): the container's command line as the image's {@code docker-entrypoint.sh} takes it
 * ({@code redis-server [/path/redis.conf] [--name value...]}, options alone mean {@code redis-server}; the
 * follower's {@code /run.sh} is {@code redis-server --replicaof <leader> 6379}), a {@link RedisServer} on the pod
 * IP configured by the file (read from the container's files: a ConfigMap volume) and the options, redis's log on
 * stdout, and {@code redis-cli} for {@code kubectl exec}. The data lives in memory only: nothing is written to
 * {@code /data}, whatever {@code save} and {@code appendonly} say. SIGTERM ends it with 0, as redis's shutdown.
 */
public final class RedisImage {

  /** The version a tag that names none (e.g. {@code latest}) runs as. */
  public static final String DEFAULT_VERSION = "6.0.5";

  /** Wraps the server's connection handler with the pod's NetworkPolicies ({@code Refusals.tcp}). */
  public interface Admission {
    io.vertx.core.Handler<io.vertx.core.net.NetSocket> admit(int port,
        io.vertx.core.Handler<io.vertx.core.net.NetSocket> handler);
  }

  private RedisImage() {
  }

  /**
   * Starts the image in {@code c}: {@code argv} is the container's command line after the image's entrypoint and
   * CMD are applied; {@code leader} the master the follower script names ({@code redis-leader}), or null for the
   * plain image.
   */
  public static Future<Void> start(JvmContainer c, String tag, List<String> argv, String leader,
                                   Admission admission) {
    String version = version(tag);
    PodDialer pod = new PodDialer(c, 5);
    RedisServer.Dialer dialer = pod::connect;
    c.command("redis-cli", (args, out, tty) -> RedisCli.start(dialer, version, args, out, tty));
    List<String> line = commandLine(argv, leader, c.spec().env());
    String program = line.get(0).substring(line.get(0).lastIndexOf('/') + 1);
    if (program.equals("redis-cli")) {
      return cliAsProgram(c, dialer, version, line);
    }
    if (!program.equals("redis-server")) {
      return Future.failedFuture(new io.dekube.kubelet.runtime.ContainerStartException("StartError",
          "failed to create containerd task: exec: \"" + line.get(0) + "\": executable file not found in $PATH"));
    }
    List<String> options = line.subList(1, line.size());
    if (options.contains("--version") || options.contains("-v")) {
      stdout(c, "Redis server v=" + version + " sha=00000000:0 malloc=jemalloc-5.1.0 bits=64 build=0\n");
      c.exit(0);
      return Future.succeededFuture();
    }
    String file = !options.isEmpty() && !options.get(0).startsWith("--") ? options.get(0) : null;
    List<String> rest = file == null ? options : options.subList(1, options.size());
    Future<byte[]> text = file == null ? Future.succeededFuture(new byte[0]) : c.file(file);
    return text.compose(bytes -> run(c, version, file, bytes, rest, dialer, admission));
  }

  private static Future<Void> run(JvmContainer c, String version, String file, byte[] bytes, List<String> options,
                                  RedisServer.Dialer dialer, Admission admission) {
    RedisLog log = new RedisLog(s -> stdout(c, s));
    log.warning("oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo");
    log.warning("Redis version=" + version + ", bits=64, commit=00000000, modified=0, pid=1, just started");
    if (bytes == null) {
      stderr(c, "Fatal error, can't open config file '" + file + "': No such file or directory\n");
      c.exit(1);
      return Future.succeededFuture();
    }
    RedisConfig config = new RedisConfig(version);
    try {
      config.load(file, new String(bytes, StandardCharsets.ISO_8859_1), options);
    } catch (RedisConfig.ConfigException e) {
      stderr(c, config.fatal(e));
      c.exit(1);
      return Future.succeededFuture();
    }
    log.warning(file == null ? "Warning: no config file specified, using the default config. In order to specify a "
        + "config file use redis-server /path/to/redis.conf" : "Configuration loaded");
    log.role(config.get("replicaof").isEmpty() ? 'M' : 'S');
    RedisServer server = new RedisServer(c.vertx(), config, new RedisServer.Options(version, c.spec().podIp(),
        dialer, admission::admit, System::currentTimeMillis), log);
    c.exitOnSigterm(0);
    return server.start().onSuccess(port -> {
      log.notice("Running mode=standalone, port=" + port + ".");
      log.warning("Server initialized");
      log.notice("Ready to accept connections");
      server.replicate();
      c.onStop(() -> {
        stdout(c, "1:signal-handler (" + Instant.now().getEpochSecond() + ") Received SIGTERM scheduling shutdown..."
            + "\n");
        log.warning("User requested shutdown...");
        log.warning("Redis is now ready to exit, bye bye...");
        return server.stop();
      });
    }).<Void>mapEmpty().recover(e -> {
      log.warning("Could not create server TCP listening socket *:" + config.get("port") + ": bind: "
          + (String.valueOf(e.getMessage()).contains("in use") ? "Address already in use" : e.getMessage()));
      server.stop();
      c.exit(1);
      return Future.succeededFuture();
    });
  }

  /** {@code redis-cli ...} as the container's own command (a Job's check): its output, its exit code. */
  private static Future<Void> cliAsProgram(JvmContainer c, RedisServer.Dialer dialer, String version,
                                           List<String> argv) {
    return c.runAsProgram(RedisCli.start(dialer, version, argv, c.outputs(),
        Boolean.TRUE.equals(c.spec().container().getTty())));
  }

  /**
   * What the image runs for {@code argv}: {@code docker-entrypoint.sh} dropped, options or a {@code .conf} first
   * mean {@code redis-server}, the follower's {@code /run.sh} is its {@code redis-server --replicaof} line
   * (the leader Service's name, or {@code $<LEADER>_SERVICE_HOST} with {@code GET_HOSTS_FROM=env}).
   */
  static List<String> commandLine(List<String> argv, String leader, java.util.Map<String, String> env) {
    List<String> line = new ArrayList<>(argv);
    if (!line.isEmpty() && line.get(0).endsWith("docker-entrypoint.sh")) {
      line.remove(0);
    }
    if (line.size() >= 3 && (line.get(0).endsWith("sh")) && line.get(1).equals("-c")) {
      line = new ArrayList<>(List.of(line.get(2).trim().split("\\s+")));
    }
    if (!line.isEmpty() && line.get(0).endsWith("run.sh") && leader != null) {
      String host = "env".equals(env.get("GET_HOSTS_FROM"))
          ? env.getOrDefault(leader.toUpperCase(java.util.Locale.ROOT).replace('-', '_') + "_SERVICE_HOST", "")
          : leader;
      return List.of("redis-server", leader.endsWith("master") ? "--slaveof" : "--replicaof", host, "6379");
    }
    if (line.isEmpty() || line.get(0).startsWith("-") || line.get(0).endsWith(".conf")) {
      line.add(0, "redis-server");
    }
    return line;
  }

  /** The redis version the tag names ({@code 5.0.4}, {@code 6.2-alpine} is 6.2.0), else {@link #DEFAULT_VERSION}. */
  static String version(String tag) {
    String t = tag == null ? "" : tag.split("-", 2)[0];
    if (t.matches("\\d+\\.\\d+\\.\\d+")) {
      return t;
    }
    if (t.matches("\\d+\\.\\d+")) {
      return t + ".0";
    }
    return t.matches("\\d+") ? t + ".0.0" : DEFAULT_VERSION;
  }

  private static void stdout(JvmContainer c, String text) {
    c.output("stdout", Buffer.buffer(text, "ISO-8859-1"));
  }

  private static void stderr(JvmContainer c, String text) {
    c.output("stderr", Buffer.buffer(text, "ISO-8859-1"));
  }
}
