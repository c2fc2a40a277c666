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
 * the container ends with 0), {@code -s stop} (at once), {@code -s reload} (the configuration read again and
 * served, {@link NginxProgram#reload}), {@code -s reopen}, {@code -t} and {@code -T} (the configuration checked as
 * nginx checks it at start, and printed), {@code -v}; a
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
  private final Supplier<Future<Void>> reload;

  NginxControl(JvmContainer c, String version, int port, Supplier<Future<Void>> quit, Supplier<Future<Void>> stop,
               Supplier<Future<Void>> reload) {
    this.c = c;
    this.version = version;
    this.port = port;
    this.quit = quit;
    this.stop = stop;
    this.reload = reload;
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
        return test(out, args.get(0).equals("-T"));
      }
      case "-s" -> {
        String signal = args.size() > 1 ? args.get(1) : "";
        return switch (signal) {
          case "quit" -> signal(out, "3 (SIGQUIT)", "gracefully shutting down", quit, true);
          case "stop" -> signal(out, "15 (SIGTERM)", "exiting", stop, true);
          case "reload" -> signal(out, "1 (SIGHUP)", "reconfiguring", reload, false);
          case "reopen" -> signal(out, "10 (SIGUSR1)", "reopening logs", null, false);
          default -> fail(out, "nginx: invalid option: \"-s " + signal + "\"\n");
        };
      }
      default -> {
        return fail(out, "nginx: invalid option: \"" + args.get(0).replaceFirst("^-", "") + "\"\n");
      }
    }
  }

  /**
   * {@code -t}: loads the configuration as nginx does at start ({@link NginxLoad}: nginx.conf and its includes
   * parsed, the site read, certificates loaded, upstream hosts resolved) and says whether nginx would take it, in
   * nginx's words; {@code -T} also prints each file read, as nginx dumps them.
   */
  private ExecSession test(ExecSession.Output out, boolean dump) {
    Future<Integer> code = NginxLoad.load(c, port).transform(ar -> {
      if (ar.failed()) {
        out.stderr(Buffer.buffer("nginx: [emerg] " + ar.cause().getMessage() + "\n"
            + "nginx: configuration file " + NginxFiles.CONF + " test failed\n"));
        return Future.succeededFuture(1);
      }
      out.stderr(Buffer.buffer("nginx: the configuration file " + NginxFiles.CONF + " syntax is ok\n"
          + "nginx: configuration file " + NginxFiles.CONF + " test is successful\n"));
      if (dump) {
        StringBuilder text = new StringBuilder();
        ar.result().files().forEach((path, body) -> text.append("# configuration file ").append(path).append(":\n")
            .append(body).append('\n'));
        out.stdout(Buffer.buffer(text.toString()));
      }
      return Future.succeededFuture(0);
    });
    return ExecSession.ending(code);
  }

  /** {@code -s SIGNAL}: the signaller's notice, the master's in the container log, then what the signal does. */
  private ExecSession signal(ExecSession.Output out, String signal, String doing, Supplier<Future<Void>> action,
                             boolean exits) {
    String now = LocalDateTime.now(ZoneOffset.UTC).format(TIME);
    out.stderr(Buffer.buffer(now + " [notice] " + SIGNALLER + "#" + SIGNALLER + ": signal process started\n"));
    c.log().line(now + " [notice] 1#1: signal " + signal + " received from " + SIGNALLER + ", " + doing);
    if (action != null && !exits) {
      return ExecSession.ending(action.get().map(0));
    }
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
