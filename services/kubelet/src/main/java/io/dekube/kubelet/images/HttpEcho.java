package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Set;

/**
 * {@code hashicorp/http-echo} (the ingress tutorials' two backends): {@code /http-echo -text=apple} answers every
 * path with the text and a newline, {@code -status-code} (200) as its status, {@code /health} with
 * {@code {"status":"ok"}}, on {@code -listen} ({@code :5678}); {@code ECHO_TEXT} when {@code -text} is not given.
 * Its checks and messages are the Go program's: no text exits 127, an argument left over exits 127, an unknown
 * flag exits 2 with Go's usage, {@code -version} prints the version; SIGTERM ends it with 2. One access-log
 * line per echoed request on stdout.
 */
final class HttpEcho {

  static final String USAGE = """
      Usage of /http-echo:
        -listen string
          \taddress and port to listen (default ":5678")
        -status-code int
          \thttp response code, e.g.: 200 (default 200)
        -text string
          \ttext to put on the webpage
        -version
          \tdisplay version information
      """;

  private HttpEcho() {
  }

  static Future<Void> start(JvmContainer c, String tag) {
    List<String> argv = ImageArgs.argv(c.spec().container(), List.of("/http-echo"), List.of());
    GoFlags flags = GoFlags.std(argv.subList(1, argv.size()), Set.of("listen", "text", "status-code"),
        Set.of("version"));
    String version = version(tag);
    String error = check(flags, c.spec().env().get("ECHO_TEXT"));
    if (flags.error() != null) {
      GoLog.stderr(c, flags.error() + "\n" + USAGE);
      c.exit(2);
      return Future.succeededFuture();
    }
    if ("true".equals(flags.get("version", "false"))) {
      GoLog.stderr(c, "http-echo v" + version + " ()");
      c.exit(0);
      return Future.succeededFuture();
    }
    if (error != null) {
      if (error.startsWith("[ERR]")) {
        GoLog.print(c, error);
      } else {
        GoLog.stderr(c, error);
      }
      c.exit(exitCode(error));
      return Future.succeededFuture();
    }
    String listen = flags.get("listen", ":5678");
    int port = Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
    String text = flags.get("text", "").isEmpty() ? c.spec().env().get("ECHO_TEXT") : flags.get("text", "");
    int status = Integer.parseInt(flags.get("status-code", "200"));
    c.exitOnSigterm(2);
    c.onStop(() -> {
      GoLog.print(c, "[INFO] received interrupt, shutting down...");
      return Future.succeededFuture();
    });
    return ImageServer.serve(c, port, req -> {
      long started = System.nanoTime();
      req.response().putHeader("X-App-Name", "http-echo").putHeader("X-App-Version", version)
          .putHeader("Content-Type", "text/plain; charset=utf-8");
      if (req.path().equals("/health")) {
        req.response().end("{\"status\":\"ok\"}\n");
        return;
      }
      Buffer body = Buffer.buffer(text + "\n");
      req.response().setStatusCode(status).end(body);
      String agent = req.getHeader("User-Agent");
      GoLog.stdout(c, accessLog(ZonedDateTime.now(ZoneOffset.UTC), req.getHeader("Host"), ImageServer.remoteAddr(req),
          req.method().name(), req.path(), ImageServer.protocol(req), status, body.length(),
          agent == null ? "" : agent, System.nanoTime() - started));
    }).onSuccess(v -> GoLog.print(c, "[INFO] server is listening on " + listen));
  }

  /** What the program refuses before it listens, in its words; null when it starts. */
  static String check(GoFlags flags, String echoTextEnv) {
    String status = flags.get("status-code", "200");
    if (!status.matches("-?\\d{1,9}")) {
      return "invalid value \"" + status + "\" for flag -status-code: parse error\n" + USAGE;
    }
    boolean text = !flags.get("text", "").isEmpty() || echoTextEnv != null && !echoTextEnv.isEmpty();
    if (!text) {
      return "Missing -text option or ECHO_TEXT env var!";
    }
    if (!flags.positional().isEmpty()) {
      return "Too many arguments!";
    }
    String listen = flags.get("listen", ":5678");
    return listen.matches(".*:\\d{1,5}") ? null
        : "[ERR] server exited with: listen tcp: address " + listen + ": missing port in address";
  }

  /** The exit code of a refusal of {@link #check}: 2 for a flag's value, 1 for the listen address, else 127. */
  static int exitCode(String refusal) {
    return refusal.startsWith("invalid value") ? 2 : refusal.startsWith("[ERR]") ? 1 : 127;
  }

  /** The version the tag names ({@code 1.0} is 1.0.0), else the latest, 1.0.0. */
  static String version(String tag) {
    if (tag.matches("\\d+\\.\\d+")) {
      return tag + ".0";
    }
    return tag.matches("\\d+\\.\\d+\\.\\d+") ? tag : "1.0.0";
  }

  /** {@code 2006/01/02 15:04:05 host remote "GET /path HTTP/1.1" 200 6 "agent" 35.2µs}. */
  static String accessLog(ZonedDateTime end, String host, String remote, String method, String path, String protocol,
                          int status, int length, String agent, long nanos) {
    return GoLog.line(end, (host == null ? "" : host) + " " + remote + " \"" + method + " " + path + " " + protocol
        + "\" " + status + " " + length + " \"" + agent + "\" " + goDuration(nanos)).stripTrailing();
  }

  /** Go's {@code Duration.String()}: {@code 35.2µs}, {@code 1.5ms}, {@code 2s}, {@code 1m5.25s}, {@code 1h0m0s}. */
  static String goDuration(long nanos) {
    if (nanos < 1_000) {
      return nanos + "ns";
    }
    if (nanos < 1_000_000_000L) {
      boolean micro = nanos < 1_000_000;
      return java.math.BigDecimal.valueOf(nanos, micro ? 3 : 6).stripTrailingZeros().toPlainString()
          + (micro ? "µs" : "ms");
    }
    long minutes = nanos / 60_000_000_000L;
    String seconds = java.math.BigDecimal.valueOf(nanos % 60_000_000_000L, 9).stripTrailingZeros().toPlainString()
        + "s";
    if (minutes == 0) {
      return seconds;
    }
    return (minutes >= 60 ? minutes / 60 + "h" : "") + minutes % 60 + "m" + seconds;
  }
}
