package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Applies a command's redirections, left to right as sh does: {@code > FILE} {@code >> FILE} {@code 2> FILE}
 * (the file made or emptied first, then written as the command writes), {@code < FILE}, here-documents,
 * {@code 2>&1} and {@code >&2}, {@code /dev/null}. A file that cannot be opened prints ash's message and the
 * command does not run (status 1). Confined to the shell's context.
 */
final class Redirects {

  /** The command's {@link Io} once redirected, and what completes when its files are written. */
  record Applied(Io io, Supplier<Future<Void>> finish) {
  }

  private final Interpreter interpreter;
  private final ShellState st;

  Redirects(Interpreter interpreter, ShellState st) {
    this.interpreter = interpreter;
    this.st = st;
  }

  /** {@code io} redirected by {@code redirects}; null when one failed (its message printed). */
  Future<Applied> apply(List<Node.Redirect> redirects, Io io) {
    if (redirects.isEmpty()) {
      return Future.succeededFuture(new Applied(io, Future::succeededFuture));
    }
    State s = new State(io);
    Future<Boolean> ok = Future.succeededFuture(true);
    for (Node.Redirect r : redirects) {
      ok = ok.compose(fine -> fine ? one(r, s, io) : Future.succeededFuture(false));
    }
    return ok.map(fine -> fine ? new Applied(new Io(Outputs.of(s.out, s.err, s.ready), s.in, io.cwd(), io.env()),
        () -> Future.join(s.sinks.stream().map(FileSink::drained).toList()).mapEmpty()) : null);
  }

  private static final class State {
    final Consumer<Buffer> stdout;
    final Supplier<Future<Void>> stdoutReady;
    Consumer<Buffer> out;
    Consumer<Buffer> err;
    /** Whether stdout can take more: that of the command's stdout while fd 1 goes there. */
    Supplier<Future<Void>> ready;
    Stdin in;
    final List<FileSink> sinks = new ArrayList<>();

    State(Io io) {
      stdout = io.out()::stdout;
      stdoutReady = io.out()::ready;
      out = stdout;
      ready = stdoutReady;
      err = io.out()::stderr;
      in = io.stdin();
    }
  }

  private Future<Boolean> one(Node.Redirect r, State s, Io io) {
    Expander x = new Expander(interpreter, st, io);
    if (r.hereDoc() != null) {
      Future<String> body = r.hereDoc().quoted ? Future.succeededFuture(r.hereDoc().body) : x.hereDoc(r.hereDoc().body);
      return body.map(text -> {
        s.in = Stdin.text(text);
        return true;
      });
    }
    return x.word(r.target()).compose(target -> switch (r.op()) {
      case "<", "<>" -> interpreter.host().read(st.cwd, target).map(text -> {
        s.in = Stdin.text(text);
        return true;
      }).recover(e -> failed(s, e));
      case ">&" -> Future.succeededFuture(duplicate(r.fd() < 0 ? 1 : r.fd(), target, s));
      case "<&" -> Future.succeededFuture(true);
      default -> toFile(r, target, s);
    });
  }

  private Future<Boolean> toFile(Node.Redirect r, String target, State s) {
    int fd = r.fd() < 0 ? 1 : r.fd();
    if (target.equals("/dev/null")) {
      set(s, fd, Outputs.NOWHERE);
      return Future.succeededFuture(true);
    }
    String standard = switch (target) { // the links to the process's own file descriptors
      case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1" -> "1";
      case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2" -> "2";
      default -> null;
    };
    if (standard != null) {
      return Future.succeededFuture(duplicate(fd, standard, s));
    }
    return interpreter.host().write(st.cwd, target, new byte[0], r.op().equals(">>")).map(v -> {
      FileSink sink = new FileSink(interpreter.host(), st.cwd, target);
      s.sinks.add(sink);
      set(s, fd, sink);
      return true;
    }).recover(e -> failed(s, e));
  }

  private static boolean duplicate(int fd, String target, State s) {
    Consumer<Buffer> to = switch (target) {
      case "1" -> s.out;
      case "2" -> s.err;
      case "-" -> Outputs.NOWHERE;
      default -> null;
    };
    if (to != null) {
      set(s, fd, to);
    }
    return true;
  }

  private static void set(State s, int fd, Consumer<Buffer> to) {
    if (fd == 1) {
      s.out = to;
      s.ready = to == s.stdout ? s.stdoutReady : Future::succeededFuture;
    } else if (fd == 2) {
      s.err = to;
    }
  }

  private static Future<Boolean> failed(State s, Throwable e) {
    s.err.accept(Buffer.buffer("sh: " + e.getMessage() + "\n"));
    return Future.succeededFuture(false);
  }
}
