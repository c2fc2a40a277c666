package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.List;
import java.util.Set;

/**
 * {@code registry.k8s.io/e2e-test-images/agnhost}, kube's test image: {@code /agnhost <subcommand> [flags]}
 * ({@code pause} when the pod gives no args). The subcommands the docs use run: {@code liveness}
 * ({@link AgnhostLiveness}), {@code netexec} ({@link AgnhostNetexec}), {@code serve-hostname} and {@code pause};
 * any other fails the container with cobra's {@code unknown command} and the list dekube runs. Also the older
 * one-program images {@code registry.k8s.io/liveness} and {@code registry.k8s.io/serve_hostname}.
 */
final class Agnhost {

  /** The subcommands dekube's agnhost runs. */
  static final List<String> SUBCOMMANDS = List.of("liveness", "netexec", "pause", "serve-hostname");

  private Agnhost() {
  }

  static Future<Void> start(JvmContainer c) {
    List<String> argv = ImageArgs.argv(c.spec().container(), List.of("/agnhost"), List.of("pause"));
    String binary = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    if (!binary.equals("agnhost") && !binary.equals("agnhost-2")) {
      return fail(c, 127, "dekube's agnhost image runs only /agnhost <subcommand> (" + String.join(", ", SUBCOMMANDS)
          + "), not " + argv.get(0));
    }
    if (argv.size() < 2) {
      GoLog.stdout(c, "Usage:\n  agnhost [command]\n\nAvailable Commands (on dekube):\n  "
          + String.join("\n  ", SUBCOMMANDS));
      c.exit(0);
      return Future.succeededFuture();
    }
    String sub = argv.get(1);
    List<String> args = argv.subList(2, argv.size());
    return switch (sub) {
      case "liveness" -> noArgs(c, args) ? AgnhostLiveness.start(c) : Future.succeededFuture();
      case "netexec" -> AgnhostNetexec.start(c, args);
      case "serve-hostname" -> serveHostname(c, GoFlags.pflag(args, Set.of("port"), Set.of("tcp", "udp", "http",
          "close")));
      case "pause" -> noArgs(c, args) ? pause(c) : Future.succeededFuture();
      default -> fail(c, 1, "Error: unknown command \"" + sub + "\" for \"agnhost\"\nRun 'agnhost --help' for usage.\n"
          + "(dekube's agnhost runs " + String.join(", ", SUBCOMMANDS) + ")");
    };
  }

  /** Cobra's check of a subcommand that takes no flags nor arguments; false when it failed the container. */
  private static boolean noArgs(JvmContainer c, List<String> args) {
    GoFlags flags = GoFlags.pflag(args, Set.of(), Set.of());
    if (flags.error() != null) {
      fail(c, 1, "Error: " + flags.error());
      return false;
    }
    if (!flags.positional().isEmpty()) {
      fail(c, 1, "Error: accepts at most 0 arg(s), received " + flags.positional().size());
      return false;
    }
    return true;
  }

  static Future<Void> fail(JvmContainer c, int code, String message) {
    GoLog.stderr(c, message);
    c.exit(code);
    return Future.succeededFuture();
  }

  /** {@code pause}: prints {@code Paused}, waits; SIGTERM ends it with 2. */
  private static Future<Void> pause(JvmContainer c) {
    GoLog.stdout(c, "Paused");
    c.exitOnSigterm(2);
    return Future.succeededFuture();
  }

  /** The older {@code registry.k8s.io/serve_hostname} image: {@code /serve_hostname} with Go's single-dash flags. */
  static Future<Void> serveHostnameImage(JvmContainer c) {
    List<String> argv = ImageArgs.argv(c.spec().container(), List.of("/serve_hostname"), List.of());
    return serveHostname(c, GoFlags.std(argv.subList(1, argv.size()), Set.of("port"), Set.of("tcp", "udp", "http",
        "close")));
  }

  /**
   * {@code serve-hostname}: the hostname (no newline) on {@code --port} (9376) over HTTP (any path), or with
   * {@code --tcp} / {@code --udp} raw over TCP (then closed) and UDP; {@code --close} closes each HTTP connection.
   */
  static Future<Void> serveHostname(JvmContainer c, GoFlags flags) {
    if (flags.error() != null) {
      return fail(c, 1, "Error: " + flags.error());
    }
    boolean tcp = "true".equals(flags.get("tcp", "false"));
    boolean udp = "true".equals(flags.get("udp", "false"));
    boolean http = "true".equals(flags.get("http", "true"));
    String portFlag = flags.get("port", "9376");
    if (!portFlag.matches("\\d{1,5}")) {
      return fail(c, 1, "Error: invalid argument \"" + portFlag + "\" for \"--port\" flag: strconv.ParseInt: parsing \""
          + portFlag + "\": invalid syntax");
    }
    if (http && (tcp || udp)) {
      GoLog.print(c, "Can't server TCP/UDP mode and HTTP mode at the same time");
      c.exit(1);
      return Future.succeededFuture();
    }
    int port = Integer.parseInt(portFlag);
    String hostname = ImageServer.hostname(c);
    boolean close = "true".equals(flags.get("close", "false"));
    Future<Void> served = Future.succeededFuture();
    if (http) {
      served = ImageServer.serve(c, port, req -> {
        GoLog.print(c, "HTTP request from " + ImageServer.remoteAddr(req));
        if (close) {
          req.response().putHeader("Connection", "close");
        }
        req.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(hostname);
      });
    }
    if (tcp) {
      NetServer server = c.vertx().createNetServer(new NetServerOptions().setHost(c.spec().podIp()).setPort(port));
      server.connectHandler(Refusals.tcp(c, port, sock -> {
        GoLog.print(c, "TCP request from " + sock.remoteAddress().hostAddress() + ":" + sock.remoteAddress().port());
        sock.end(Buffer.buffer(hostname));
      }));
      c.onStop(server::close);
      served = served.compose(v -> server.listen().mapEmpty());
    }
    if (udp) {
      DatagramSocket socket = c.vertx().createDatagramSocket();
      socket.handler(p -> Refusals.admitted(c, p.sender(), port, "UDP").onSuccess(ok -> {
        if (ok) {
          GoLog.print(c, "UDP request from " + p.sender().hostAddress() + ":" + p.sender().port());
          socket.send(Buffer.buffer(hostname), p.sender().port(), p.sender().hostAddress());
        }
      }));
      c.onStop(socket::close);
      served = served.compose(v -> socket.listen(port, c.spec().podIp()).mapEmpty());
    }
    return served.onSuccess(v -> {
      GoLog.print(c, "Serving on port " + port + ".");
      c.onStop(() -> {
        GoLog.print(c, "Shutting down after receiving signal: terminated.");
        return Future.succeededFuture();
      });
    });
  }
}
