package io.dekube.kubelet.runtime;

import io.dekube.kubelet.runtime.sh.Repeat;
import io.dekube.kubelet.runtime.sh.Stdin;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The applets that read their stdin as it flows, as busybox's do in a pipeline: {@code cat}, {@code tee [-a] FILE…}
 * and {@code tr} ({@link Tr}) pass each piece on as it comes, the {@link LineFilters} ({@code grep},
 * {@code head}, {@code uniq}, {@code cut}) each line; {@code yes [TEXT]} writes until its reader ends. Each waits
 * while its output is full (a pipe's reader lags) and ends with 141 when its reader has ended (SIGPIPE). Confined
 * to the shell's context; files are written on worker threads, in order.
 */
final class StreamFilters {

  /** The applets that only this class runs. */
  static final List<String> NAMES = List.of("yes", "tee");

  private static final int SIGPIPE = 141;

  private final Vertx vertx;
  private final Context context;
  private final ContainerFs fs;
  private final String cwd;
  private final ExecSession.Output out;
  private final Stdin in;
  private volatile boolean stopped;

  StreamFilters(Vertx vertx, ContainerFs fs, String cwd, ExecSession.Output out, Stdin in) {
    this.vertx = vertx;
    this.context = vertx.getOrCreateContext();
    this.fs = fs;
    this.cwd = cwd;
    this.out = out;
    this.in = in;
  }

  /** Whether {@code argv} runs here: one of {@link #NAMES}, or a filter of its stdin (no file operand). */
  static boolean streams(List<String> argv) {
    String name = argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1);
    return NAMES.contains(name) || (name.equals("cat") || name.equals("tr") || LineFilters.NAMES.contains(name))
        && StdinFilters.reads(argv);
  }

  /** Ends the applet at its next piece (an interrupt). */
  void stop() {
    stopped = true;
  }

  Future<Integer> run(String name, List<String> args) {
    return switch (name) {
      case "yes" -> yes(args.isEmpty() ? "y" : String.join(" ", args));
      case "cat" -> pieces(Function.identity());
      case "tee" -> tee(args);
      case "tr" -> tr(args);
      default -> lines(name, args.stream().filter(a -> !a.equals("-")).toList());
    };
  }

  private Future<Integer> yes(String text) {
    String chunk = (text + "\n").repeat(Math.max(1, 4096 / (text.length() + 1)));
    int[] code = {0};
    return Repeat.until(context, () -> {
      out.stdout(Buffer.buffer(chunk));
      return flowing(code);
    }).map(v -> code[0]);
  }

  /** Whether to go on once the output can take more; false (status 141) when its reader has ended. */
  private Future<Boolean> flowing(int[] code) {
    if (stopped) {
      return Future.succeededFuture(false);
    }
    return out.ready().transform(ar -> {
      if (ar.failed()) {
        code[0] = SIGPIPE;
      }
      return Future.succeededFuture(ar.succeeded());
    });
  }

  /** Copies stdin to stdout piece by piece, each piece changed by {@code change}. */
  private Future<Integer> pieces(Function<String, String> change) {
    int[] code = {0};
    return Repeat.until(context, () -> in.read().compose(piece -> {
      if (piece == null) {
        return Future.succeededFuture(false);
      }
      out.stdout(Buffer.buffer(change.apply(piece)));
      return flowing(code);
    })).map(v -> code[0]);
  }

  private Future<Integer> lines(String name, List<String> args) {
    LineFilters.LineFilter f;
    try {
      f = LineFilters.of(name, args, out);
    } catch (LineFilters.Usage e) {
      return Future.succeededFuture(e.printed(out));
    }
    return lines(f);
  }

  /** Feeds stdin to {@code f} a line at a time as it comes, printing what it prints; its exit code. */
  Future<Integer> lines(LineFilters.LineFilter f) {
    int[] code = {0};
    return Repeat.until(context, () -> in.readLine().compose(line -> {
      if (line == null || !f.line(line, this::print)) {
        return Future.succeededFuture(false);
      }
      return flowing(code);
    })).map(v -> code[0] == SIGPIPE ? SIGPIPE : f.end(this::print));
  }

  private void print(String text) {
    out.stdout(Buffer.buffer(text));
  }

  /** {@code tee [-a] FILE…}: stdin to stdout and to each file, as it comes. */
  private Future<Integer> tee(List<String> args) {
    boolean append = args.contains("-a");
    List<String> files = args.stream().filter(a -> !a.startsWith("-")).toList();
    int[] failed = {0};
    AtomicReference<Future<Void>> written = new AtomicReference<>(writeAll(files, new byte[0], append, failed));
    return pieces(piece -> {
      byte[] data = piece.getBytes(StandardCharsets.UTF_8);
      written.set(written.get().compose(v -> writeAll(files, data, true, failed)));
      return piece;
    }).compose(code -> written.get().map(v -> code != 0 ? code : failed[0]));
  }

  private Future<Void> writeAll(List<String> files, byte[] data, boolean append, int[] failed) {
    return vertx.executeBlocking(() -> {
      for (String f : files) {
        try {
          fs.write(ContainerFs.normalize(cwd, f), data, append);
        } catch (IOException e) {
          if (failed[0] == 0) {
            out.stderr(Buffer.buffer("tee: " + f + ": " + FileCommands.reason(e) + "\n"));
          }
          failed[0] = 1;
        }
      }
      return null;
    }, true);
  }

  /** {@code tr} ({@link Tr}), a piece at a time. */
  private Future<Integer> tr(List<String> args) {
    return Tr.of(args, out).map(tr -> pieces(tr::apply)).orElse(Future.succeededFuture(1));
  }
}
