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
 * the container ends with 0), {@code -s stop} (at once), {@code -s reload|reopen}, {@code -t} and {@code -T} (the
 * container's configuration files read, and printed), {@code -v}; a
 * second {@code nginx} fails to bind as nginx's does.
 */
final class NginxControl implements JvmContainer.ImageCommand {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");
  /** The pid nginx's notices give the signalling process. */
  private static final int SIGNALLER = 45;
  /** The most files {@code -t} reads: an include that includes itself ends there. */
  private static final int MAX_FILES = 256;

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
        return test(out, args.get(0).equals("-T"));
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

  /**
   * {@code -t}: reads the configuration from the container's files, {@code /etc/nginx/nginx.conf} and what it includes
   * (its syntax is not checked); {@code -T} also prints each file read, as nginx dumps them. A file that cannot be
   * opened fails the test with nginx's words.
   */
  private ExecSession test(ExecSession.Output out, boolean dump) {
    List<NginxConfig.File> read = new java.util.ArrayList<>();
    Future<Integer> code = load(NginxFiles.CONF, null, read).transform(ar -> {
      if (ar.failed()) {
        out.stderr(Buffer.buffer("nginx: [emerg] " + ar.cause().getMessage() + "\n"
            + "nginx: configuration file " + NginxFiles.CONF + " test failed\n"));
        return Future.succeededFuture(1);
      }
      out.stderr(Buffer.buffer("nginx: the configuration file " + NginxFiles.CONF + " syntax is ok\n"
          + "nginx: configuration file " + NginxFiles.CONF + " test is successful\n"));
      if (dump) {
        StringBuilder text = new StringBuilder();
        read.forEach(f -> text.append("# configuration file ").append(f.path()).append(":\n").append(f.text())
            .append('\n'));
        out.stdout(Buffer.buffer(text.toString()));
      }
      return Future.succeededFuture(0);
    });
    return ExecSession.ending(code);
  }

  /** Reads {@code path} (included at {@code from}, FILE:LINE) and what it includes, in order, into {@code read}. */
  private Future<Void> load(String path, String from, List<NginxConfig.File> read) {
    if (read.size() > MAX_FILES) {
      return Future.failedFuture("too many included files, the last: \"" + path + "\"");
    }
    return c.file(path).compose(bytes -> {
      if (bytes == null) {
        return Future.failedFuture("open() \"" + path + "\" failed (2: No such file or directory)"
            + (from == null ? "" : " in " + from));
      }
      String text = new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
      read.add(new NginxConfig.File(path, text));
      Future<Void> next = Future.succeededFuture();
      for (NginxConfig.Include include : NginxConfig.includes(text)) {
        String at = path + ":" + include.line();
        next = next.compose(v -> include.pattern() ? loadAll(include.path(), at, read)
            : load(include.path(), at, read));
      }
      return next;
    });
  }

  /** Reads the files a pattern names ({@code /etc/nginx/conf.d/*.conf}), in the order of their names. */
  private Future<Void> loadAll(String pattern, String from, List<NginxConfig.File> read) {
    int slash = pattern.lastIndexOf('/');
    String folder = pattern.substring(0, Math.max(1, slash));
    return c.folder(folder).compose(names -> {
      Future<Void> next = Future.succeededFuture();
      for (String name : names) {
        if (NginxConfig.matches(pattern.substring(slash + 1), name)) {
          String file = (folder.equals("/") ? "" : folder) + "/" + name;
          next = next.compose(v -> load(file, from, read));
        }
      }
      return next;
    });
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
