package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.function.Supplier;

/**
 * The {@code nginx} program of the nginx images, as a container's exec, probes and hooks run it beside the server
 * that is its PID 1: {@code nginx -s quit} (the lifecycle page's preStop: the server finishes its requests and
 * the container ends with 0), {@code -s stop} (at once), {@code -s reload|reopen}, {@code -t}, {@code -v}; a
 * second {@code nginx} fails to bind as nginx's does.
 */
final class NginxControl implements JvmContainer.ImageCommand {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
  /** The pid nginx's notices give the signalling process. */
  private static final int SIGNALLER = 45;

  private final JvmContainer c;
  private final String version;
  private final int port;
  private final Supplier<Future<Void>> quit;
  private final Supplier<Future<Void>> stop;

  NginxControl(JvmContainer c, String version, int port, Supplier<Future<Void>> quit, Supplier<Future<Void>> stop) {
    this.c = c;
    this.version = version;
    this.port = port;
    this.quit = quit;
    this.stop = stop;
  }

  @Override
  public ExecSession start(List<String> argv, ExecSession.Output out, boolean tty) {
    List<String> args = argv.subList(1, argv.size());
    if (args.isEmpty()) {
      return fail(out, "nginx: [emerg] bind() to 0.0.0.0:" + port + " failed (98: Address already in use)\n"
          + "nginx: [emerg] still could not bind()\n");
    }
    switch (args.get(0)) {
      case "-v" -> {
        return done(out, "nginx version: nginx/" + version + "\n");
      }
      case "-t", "-T" -> {
        return done(out, "nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
            + "nginx: configuration file /etc/nginx/nginx.conf test is successful\n");
      }
      case "-s" -> {
        String signal = args.size() > 1 ? args.get(1) : "";
        return switch (signal) {
          case "quit" -> signal(out, "3 (SIGQUIT)", "gracefully shutting down", quit);
          case "stop" -> signal(out, "15 (SIGTERM)", "exiting", stop);
          case "reload" -> signal(out, "1 (SIGHUP)", "reconfiguring", null);
          case "reopen" -> signal(out, "10 (SIGUSR1)", "reopening logs", null);
          default -> fail(out, "nginx: invalid option: \"-s " + signal + "\"\n");
        };
      }
      default -> {
        return fail(out, "nginx: invalid option: \"" + args.get(0).replaceFirst("^-", "") + "\"\n");
      }
    }
  }

  /** {@code -s SIGNAL}: the signaller's notice, the master's in the container log, then what the signal does. */
  private ExecSession signal(ExecSession.Output out, String signal, String doing, Supplier<Future<Void>> action) {
    String now = LocalDateTime.now(ZoneOffset.UTC).format(TIME);
    out.stderr(Buffer.buffer(now + " [notice] " + SIGNALLER + "#" + SIGNALLER + ": signal process started\n"));
    c.log().line(now + " [notice] 1#1: signal " + signal + " received from " + SIGNALLER + ", " + doing);
    if (action != null) {
      action.get().onComplete(ar -> {
        c.log().line(LocalDateTime.now(ZoneOffset.UTC).format(TIME) + " [notice] 1#1: exit");
        c.exit(0);
      });
    }
    return ExecSession.finished(0);
  }

  private static ExecSession done(ExecSession.Output out, String stderr) {
    out.stderr(Buffer.buffer(stderr));
    return ExecSession.finished(0);
  }

  private static ExecSession fail(ExecSession.Output out, String stderr) {
    out.stderr(Buffer.buffer(stderr));
    return ExecSession.finished(1);
  }
}
