package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

/**
 * {@code tail -f FILE} and {@code tail -F FILE} as busybox runs them: the last lines ({@code -n N}, 10 by default),
 * then what is added to the file, looked at once a second, until the command is stopped (Ctrl-C, the container's
 * stop). {@code -F} waits for a file that is not there yet and starts over from a file that was truncated or
 * replaced; {@code -f} gives up on a missing file. Piped into a reader that ends ({@code | head -1}), it ends with
 * 141 at its next look, as SIGPIPE ends it. The file is read on a worker thread. Confined to the caller's
 * context.
 */
final class TailFollow {

  /** How often the file is looked at, as busybox's tail does. */
  static final long POLL_MS = 1000;

  private final Vertx vertx;
  private final ContainerFs fs;
  private final String cwd;
  private final ExecSession.Output out;
  private final PodNet.Running running;
  private long offset = -1;
  private boolean retry;
  private boolean missingSaid;
  /** {@code -n +N}: the file is shown from line N on (0: its last lines). */
  private int fromLine;

  TailFollow(Vertx vertx, ContainerFs fs, String cwd, ExecSession.Output out, PodNet.Running running) {
    this.vertx = vertx;
    this.fs = fs;
    this.cwd = cwd;
    this.out = out;
    this.running = running;
  }

  /** Whether {@code args} ask tail to follow ({@code -f}, {@code -F}, {@code --follow}). */
  static boolean follows(List<String> args) {
    return args.stream().anyMatch(a -> a.equals("--follow") || a.matches("-[a-zA-Z]*[fF][a-zA-Z]*"));
  }

  Future<Integer> run(List<String> args) {
    boolean retry = args.stream().anyMatch(a -> a.matches("-[a-zA-Z]*F[a-zA-Z]*"));
    String n = TextFilters.countWord(args);
    int lines = TextFilters.count(args);
    String file = null;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-n")) {
        i++;
      } else if (!a.startsWith("-")) {
        file = a;
      }
    }
    this.fromLine = n != null && n.startsWith("+") ? Math.max(1, lines) : 0;
    if (file == null) {
      out.stderr(Buffer.buffer("tail: can't follow stdin\n"));
      return Future.succeededFuture(1);
    }
    String path = ContainerFs.normalize(cwd, file);
    String shown = file;
    int last = lines;
    Promise<Integer> done = Promise.promise();
    long[] timer = {-1};
    Runnable look = new Runnable() {
      @Override
      public void run() {
        vertx.executeBlocking(() -> poll(path, shown, last), false).onComplete(ar -> {
          if (ar.failed() || ar.result() != null) {
            done.tryComplete(ar.failed() ? 1 : ar.result());
          } else if (out.ready().failed()) {
            done.tryComplete(141); // its reader ended: SIGPIPE
          } else if (!done.future().isComplete()) {
            timer[0] = vertx.setTimer(POLL_MS, t -> this.run());
          }
        });
      }
    };
    Future<Integer> work = running.apply(done.future(), () -> {
      vertx.cancelTimer(timer[0]);
      done.tryComplete(130);
    });
    this.retry = retry;
    look.run();
    return work;
  }

  /** One look at the file: prints what is new; an exit code when tail ends, else null. */
  private Integer poll(String path, String shown, int lines) {
    byte[] data;
    try {
      ContainerFs.Entry e = fs.stat(path);
      if (e == null || e.dir()) {
        throw new ContainerFs.FsError(e == null ? ContainerFs.NO_ENTRY : "Is a directory");
      }
      data = fs.read(path);
    } catch (IOException e) {
      if (!missingSaid) {
        out.stderr(Buffer.buffer("tail: can't open '" + shown + "': " + FileCommands.reason(e) + "\n"));
        missingSaid = true;
      }
      offset = offset < 0 ? -1 : 0;
      return retry ? null : 1;
    }
    if (missingSaid && offset <= 0) {
      offset = 0;
    }
    missingSaid = false;
    if (offset < 0) {
      offset = fromLine > 0 ? startOfLine(data, fromLine) : startOfLast(data, lines);
    } else if (data.length < offset) {
      out.stderr(Buffer.buffer("tail: " + shown + ": file truncated\n"));
      offset = 0;
    }
    if (data.length > offset) {
      out.stdout(Buffer.buffer(Arrays.copyOfRange(data, (int) offset, data.length)));
      offset = data.length;
    }
    return null;
  }

  /** Where line {@code n} (from 1) of {@code data} starts. */
  static int startOfLine(byte[] data, int n) {
    int seen = 1;
    for (int i = 0; i < data.length && seen < n; i++) {
      if (data[i] == '\n' && ++seen == n) {
        return i + 1;
      }
    }
    return seen >= n ? 0 : data.length;
  }

  /** Where the last {@code lines} lines of {@code data} start. */
  static int startOfLast(byte[] data, int lines) {
    int end = data.length;
    if (end > 0 && data[end - 1] == '\n') {
      end--;
    }
    int seen = 0;
    for (int i = end - 1; i >= 0; i--) {
      if (data[i] == '\n' && ++seen == lines) {
        return i + 1;
      }
    }
    return lines == 0 ? data.length : 0;
  }
}
