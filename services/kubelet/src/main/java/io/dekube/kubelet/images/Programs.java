package io.dekube.kubelet.images;

import io.dekube.kubelet.images.mysql.MysqlImage;
import io.dekube.kubelet.images.redis.RedisImage;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.ShellSession;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;

/**
 * The programs behind the built-in images: {@code web} (HTTP: who am I, plus /healthz), {@code echo}
 * (TCP and UDP echo), {@code crash} (exits after {@code CRASH_AFTER} seconds with {@code EXIT_CODE})
 * {@code pause} (does nothing until stopped) and {@code busybox} (the built-in shell: {@code sh}, {@code sleep},
 * {@code wget}, {@code nslookup}…). Servers bind the pod IP and answer only the connections the pod's
 * NetworkPolicies admit ({@link Refusals}).
 *
 * <p>SIGTERM reaches a program as the kernel delivers it to its container's PID 1: only when the program installed a
 * handler ({@link JvmContainer#noSigtermHandler}). Decided per image: the servers handle it — {@code web} (Caddy),
 * dekube's {@code echo}, {@code crash} and {@code pause} (143), kube's pause (pause.c: exit 0), nginx and the images
 * built on it (SIGQUIT, their STOPSIGNAL), httpd, WordPress and the php-apache images, redis, mysqld, mongod, etcd,
 * fluentd, agnhost and the other Go servers (Go's runtime handles every signal), Cassandra's JVM (dumb-init passes the
 * signal on) and ZooKeeper's (taken as its handler, though in the image {@code sh -c start-zookeeper} stays PID 1,
 * which a real kernel would leave deaf: not changed); the built-in shell only once it ran a {@code trap … TERM}
 * (busybox's applets never: {@code sleep 3600}, {@code tail -f /dev/null}); none in node (the bootcamp, node-hello),
 * perl and polinux/stress, so their pods take their whole grace period to delete and end with 137. The guestbook's
 * redis followers are taken as redis (their {@code /run.sh} not checked).
 */
public final class Programs {

  /** The port when neither {@code PORT} nor a containerPort names one. */
  public static final int DEFAULT_PORT = 2015;
  /** How long {@code web} lets requests in flight finish after SIGTERM. */
  static final long DRAIN_SECONDS = 5;

  private Programs() {
  }

  /** Starts the program of {@code image} in {@code c}; completes once it listens. */
  public static Future<Void> start(BuiltInImages.Resolved image, JvmContainer c) {
    return switch (image.program()) {
      case "web" -> web(c, image.tag());
      // nginx-slim's tags (0.8, 0.21…) are its own numbers, not nginx's version
      case "nginx" -> NginxProgram.start(c, image.repository().endsWith("nginx-slim") ? "latest" : image.tag());
      case "nginxhttps" -> NginxProgram.start(c, "latest"); // its tag (1.0) is the example's, not nginx's
      case "echo" -> echo(c);
      case "crash" -> crash(c);
      case "busybox" -> busybox(c);
      case "hpa-example" -> HpaExample.start(c);
      case "hello-app" -> HelloApp.start(c, image.tag());
      case "echoserver" -> EchoServer.start(c, image.tag());
      case "kicbase-echo-server" -> KicbaseEchoServer.start(c);
      case "http-echo" -> HttpEcho.start(c, image.tag());
      case "agnhost" -> Agnhost.start(c);
      case "liveness" -> AgnhostLiveness.start(c);
      case "serve_hostname" -> Agnhost.serveHostnameImage(c);
      case "httpd" -> Httpd.start(c, image.tag());
      case "goproxy" -> GoProxy.start(c);
      case "kubernetes-bootcamp" -> KubernetesBootcamp.start(c, image.tag());
      case "redis" -> redis(c, image.tag(), List.of("redis-server"), null);
      case "gb-redis-follower" -> redis(c, "6.0.5", List.of("/bin/sh", "-c", "/run.sh"), "redis-leader");
      case "gb-redisslave" -> redis(c, "6.0.5", List.of("/bin/sh", "-c", "/run.sh"), "redis-master");
      case "gb-frontend" -> GuestbookFrontend.start(c, image.tag());
      case "node-hello" -> NodeHello.start(c);
      case "hello-go-gke" -> HelloGoGke.start(c);
      case "hello-frontend" -> HelloFrontend.start(c);
      case "stress" -> Stress.stress(c);
      case "vish-stress" -> Stress.vish(c);
      case "perl" -> Perl.start(c);
      case "kubernetes-zookeeper" -> io.dekube.kubelet.images.zookeeper.ZooKeeperImage.start(c);
      case "mysql" -> mysql(c, image.tag());
      case "xtrabackup" -> {
        io.dekube.kubelet.images.mysql.XtrabackupImage.commands(c, (port, handler) -> Refusals.tcp(c, port, handler));
        yield busybox(c, true);
      }
      case "mongo" -> io.dekube.kubelet.images.mongo.MongoImage.start(c, image.tag(), ImageArgs.argv(
          c.spec().container(), List.of("docker-entrypoint.sh"), List.of("mongod")),
          (port, handler) -> Refusals.tcp(c, port, handler));
      case "wordpress" -> io.dekube.kubelet.images.wordpress.WordpressImage.start(c, ImageArgs.argv(c.spec().container(),
          List.of("docker-entrypoint.sh"), List.of("apache2-foreground")), (port, handler) -> ImageServer.serve(c, port,
          handler));
      case "cassandra" -> io.dekube.kubelet.images.cassandra.CassandraImage.start(c, ImageArgs.argv(
          c.spec().container(), List.of("/sbin/dumb-init"), List.of("/bin/bash", "/run.sh")),
          (port, handler) -> Refusals.tcp(c, port, handler));
      case "fluentd" -> Fluentd.runsFluentd(Fluentd.argv(c)) ? Fluentd.start(c, image.tag()) : busybox(c);
      case "etcd" -> Etcd.runsEtcd(Etcd.argv(c)) ? Etcd.start(c, image.tag()) : busybox(c);
      default -> pause(c);
    };
  }

  /** The port a program listens on: {@code PORT}, else the first containerPort, else 2015. */
  static int port(JvmContainer c) {
    return port(c, DEFAULT_PORT);
  }

  private static int port(JvmContainer c, int fallback) {
    String env = c.spec().env().get("PORT");
    if (env != null && env.matches("\\d{1,5}")) {
      return Integer.parseInt(env);
    }
    return c.spec().ports().isEmpty() ? fallback : c.spec().ports().get(0);
  }

  private static Future<Void> web(JvmContainer c, String tag) {
    var s = c.spec();
    String body = "kube-decon " + tag + "\n"
        + "pod: " + s.podName() + "\n"
        + "namespace: " + s.namespace() + "\n"
        + "pod IP: " + s.podIp() + "\n"
        + "node: " + s.nodeName() + "\n"
        + "image: " + s.image() + "\n"
        + "version: " + tag + "\n";
    int port = port(c);
    HttpServer server = c.vertx().createHttpServer(ImageServer.options(s.podIp(), port));
    GracefulStop graceful = new GracefulStop(server);
    server.requestHandler(Refusals.http(c, port, c.measured(req -> {
      graceful.begin(req);
      String path = req.path();
      int status = 200;
      String text = body;
      if (path.equals("/healthz") || path.equals("/readyz")) {
        text = "ok\n";
      } else if (!path.equals("/") && !path.startsWith("/?")) {
        status = path.equals("/favicon.ico") ? 404 : 200;
      }
      c.log().line(req.remoteAddress().hostAddress() + " " + req.method() + " " + req.uri() + " " + status);
      req.response().setStatusCode(status).putHeader("Content-Type", "text/plain; charset=utf-8").end(text);
    })));
    // SIGTERM: stop accepting, close idle connections, let the requests in flight finish (as Caddy does)
    c.onStop(() -> graceful.stop(server, DRAIN_SECONDS));
    return listen(server.listen().mapEmpty(), c, "kube-decon " + tag + " listening on " + s.podIp() + ":" + port);
  }

  private static Future<Void> echo(JvmContainer c) {
    var s = c.spec();
    int port = port(c);
    NetServer tcp = c.vertx().createNetServer(new NetServerOptions().setHost(s.podIp()).setPort(port));
    tcp.connectHandler(Refusals.tcp(c, port, sock -> sock.handler(c.measured(sock::write))));
    c.onStop(tcp::close);
    DatagramSocket udp = c.vertx().createDatagramSocket();
    udp.handler(p -> Refusals.admitted(c, p.sender(), port, "UDP").onSuccess(ok -> {
      if (ok) {
        c.measured(x -> udp.send(p.data(), p.sender().port(), p.sender().host())).handle(null);
      }
    }));
    c.onStop(udp::close);
    Future<Void> both = tcp.listen().compose(t -> udp.listen(port, s.podIp())).mapEmpty();
    return listen(both, c, "echo listening on " + s.podIp() + ":" + port + " (tcp, udp)");
  }

  private static Future<Void> crash(JvmContainer c) {
    double after = number(c.spec().env().get("CRASH_AFTER"), 1);
    int code = (int) number(c.spec().env().get("EXIT_CODE"), 1);
    c.log().line("crashing in " + after + "s with exit code " + code);
    long timer = c.vertx().setTimer(Math.max(1, (long) (after * 1000)), t -> {
      c.log().line("exit " + code);
      c.exit(code);
    });
    c.onStop(() -> {
      c.vertx().cancelTimer(timer);
      return Future.succeededFuture();
    });
    return Future.succeededFuture();
  }

  /**
   * busybox: the container's command and args (default the image's CMD: {@code sh}, {@code bash} for ubuntu, debian
   * and bash) run in the built-in shell; its output is
   * the container's, its stdin comes from {@code kubectl attach} / {@code run -i} when the container has
   * {@code stdin: true} (else a bare {@code sh} reads end of input at once and ends, as in Docker).
   */
  private static Future<Void> busybox(JvmContainer c) {
    return busybox(c, false);
  }

  /** The built-in shell as the container's program; {@code imageCommands}: with the image's programs by name. */
  private static Future<Void> busybox(JvmContainer c, boolean imageCommands) {
    var spec = c.spec().container();
    List<String> argv = new ArrayList<>();
    if (spec.getCommand() != null && !spec.getCommand().isEmpty()) {
      argv.addAll(spec.getCommand());
    }
    if (spec.getArgs() != null) {
      argv.addAll(spec.getArgs());
    }
    if (argv.isEmpty()) {
      argv.add(BuiltInImages.cmdIsBash(c.spec().image()) ? "bash" : "sh");
    }
    ExecSession.Output out = c.outputs();
    AtomicBoolean stopped = new AtomicBoolean();
    ExecSession shell = imageCommands ? c.shellWithImageCommands(argv, out, Boolean.TRUE.equals(spec.getTty()))
        : ShellSession.start(c.vertx(), c.spec(), argv, out, Boolean.TRUE.equals(spec.getTty()), c.traffic());
    c.stdin(shell);
    // PID 1 without a handler: the shell gets SIGTERM only once it ran a `trap … TERM`, and so do busybox's applets
    // run as the command (`sleep 3600`, `tail -f /dev/null`, `httpd -f`, `nc -l`), which install none
    ShellSession session = (ShellSession) shell;
    c.onTerm(grace -> session.terminate(c.vertx(), grace), session::trapsTerm);
    if (!Boolean.TRUE.equals(spec.getStdin())) {
      shell.closeStdin();
    }
    c.onStop(() -> {
      stopped.set(true);
      shell.kill();
      return Future.succeededFuture();
    });
    shell.exitCode().onComplete(ar -> {
      if (!stopped.get()) {
        c.exit(ar.succeeded() ? ar.result() : 1);
      }
    });
    return Future.succeededFuture();
  }

  /** The mysql image: mysqld and its clients, or a shell script with them ({@code bash -c}, the page's init-mysql). */
  private static Future<Void> mysql(JvmContainer c, String tag) {
    List<String> argv = ImageArgs.argv(c.spec().container(), List.of("docker-entrypoint.sh"), List.of("mysqld"));
    if (MysqlImage.runsShell(argv)) {
      MysqlImage.commands(c, tag);
      return busybox(c, true);
    }
    return MysqlImage.start(c, tag, argv, (port, handler) -> Refusals.tcp(c, port, handler));
  }

  /** The redis image (and the guestbook's follower, built on redis:6.0.5, whose CMD is {@code /run.sh}). */
  private static Future<Void> redis(JvmContainer c, String tag, List<String> cmd, String leader) {
    List<String> argv = ImageArgs.argv(c.spec().container(), List.of("docker-entrypoint.sh"), cmd);
    return RedisImage.start(c, tag, argv, leader, (port, handler) -> Refusals.tcp(c, port, handler));
  }

  private static Future<Void> pause(JvmContainer c) {
    if (!BuiltInImages.shellLess(c.spec().image())) {
      return Future.succeededFuture(); // dekube/pause, dekube's own: SIGTERM ends it with 143, as it always did
    }
    // kube's pause.c handles SIGINT and SIGTERM: psignal's line on stderr, then exit(0)
    c.onTerm(grace -> {
      c.output("stderr", text("Shutting down, got signal: Terminated\n"));
      return Future.succeededFuture(0);
    });
    return Future.succeededFuture();
  }

  private static Future<Void> listen(Future<Void> bound, JvmContainer c, String line) {
    return bound.onSuccess(v -> c.log().line(line))
        .recover(e -> Future.failedFuture(new ContainerStartException("RunContainerError",
            "cannot listen: " + e.getMessage())));
  }

  private static double number(String v, double fallback) {
    try {
      return v == null ? fallback : Double.parseDouble(v.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  static Buffer text(String s) {
    return Buffer.buffer(s);
  }
}
