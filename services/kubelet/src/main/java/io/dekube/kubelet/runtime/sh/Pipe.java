package io.dekube.kubelet.runtime.sh;

import io.dekube.kubelet.runtime.ExecSession;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;

/**
 * A pipe between two stages of a pipeline, as the kernel's: what the writer writes, the reader reads as it comes;
 * the writer is held back ({@link ExecSession.Output#ready()}) while {@link #CAPACITY} characters wait unread; the
 * reader sees the end of input once the writer has ended and everything is read; a write after the reader ended is
 * lost and breaks the pipe (the writer's SIGPIPE). A session's stdin reaches its own filter through one too
 * ({@code kubectl exec -i POD -- grep x}). Thread-safe: applets write from worker threads; whoever waits is
 * woken on the shell's context, never from within a write.
 */
public final class Pipe implements Stdin {

  /** What a pipe holds before its writer waits, as Linux's 64 KiB. */
  static final int CAPACITY = 65536;

  /** What a read waits for. */
  private enum Want { LINE, PIECE, ALL }

  private final Context context;
  private final StringBuilder held = new StringBuilder();
  private boolean writerEnded;
  private boolean readerEnded;
  private boolean broken;
  private Promise<String> reader;
  private Want wants;
  private Promise<Void> room;

  public Pipe(Context context) {
    this.context = context;
  }

  /** The writer's end: stdout into the pipe, stderr to {@code errors}. */
  public ExecSession.Output writer(ExecSession.Output errors) {
    return new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        write(data.toString(StandardCharsets.UTF_8));
      }

      @Override
      public void stderr(Buffer data) {
        errors.stderr(data);
      }

      @Override
      public Future<Void> ready() {
        return room();
      }
    };
  }

  private void write(String text) {
    synchronized (this) {
      if (readerEnded) {
        broken = true;
        return;
      }
      held.append(text);
    }
    wake();
  }

  private synchronized Future<Void> room() {
    if (readerEnded) {
      return Future.failedFuture(new ShellError("Broken pipe"));
    }
    if (held.length() < CAPACITY || wants == Want.ALL) {
      return Future.succeededFuture();
    }
    if (room == null) {
      room = Promise.promise();
    }
    return room.future();
  }

  /** Whether a write came after the reader had ended: the writing stage ends, as SIGPIPE ends a process. */
  synchronized boolean broken() {
    return broken;
  }

  /** The writing stage ended: the reader sees the end of input after what is held. */
  public void endWriter() {
    synchronized (this) {
      writerEnded = true;
    }
    wake();
  }

  /** The reading stage ended: what is held is dropped, the writer's next write breaks the pipe. */
  public void endReader() {
    Promise<Void> waiting;
    synchronized (this) {
      readerEnded = true;
      held.setLength(0);
      waiting = room;
      room = null;
    }
    if (waiting != null) {
      context.runOnContext(v -> waiting.tryFail(new ShellError("Broken pipe")));
    }
  }

  @Override
  public Future<String> readLine() {
    return take(Want.LINE);
  }

  @Override
  public Future<String> read() {
    return take(Want.PIECE);
  }

  @Override
  public Future<String> readAll() {
    return take(Want.ALL).map(all -> all == null ? "" : all);
  }

  @Override
  public String remaining() {
    return null;
  }

  private Future<String> take(Want want) {
    Promise<Void> freed;
    Future<String> result;
    synchronized (this) {
      if (reader != null) {
        return Future.failedFuture(new IllegalStateException("a read of this pipe is under way"));
      }
      String got = taken(want);
      if (got == null && !writerEnded) {
        reader = Promise.promise();
        wants = want;
        result = reader.future();
        freed = want == Want.ALL ? room : null;
        if (freed != null) {
          room = null;
        }
      } else {
        result = Future.succeededFuture(got);
        freed = freedRoom();
      }
    }
    if (freed != null) {
      context.runOnContext(v -> freed.tryComplete());
    }
    return result;
  }

  /** What a read of {@code want} takes now (null: nothing yet, or the end of input). Holds the lock. */
  private String taken(Want want) {
    if (want == Want.ALL) {
      return writerEnded ? cut(held.length()) : null;
    }
    int eol = held.indexOf("\n");
    if (want == Want.LINE) {
      if (eol >= 0) {
        String line = cut(eol + 1);
        return line.substring(0, line.length() - 1);
      }
      return writerEnded && held.length() > 0 ? cut(held.length()) : null;
    }
    return held.length() > 0 ? cut(held.length()) : null;
  }

  private String cut(int end) {
    String s = held.substring(0, end);
    held.delete(0, end);
    return s;
  }

  /** The writer waiting for room, when there is room now. Holds the lock. */
  private Promise<Void> freedRoom() {
    if (room == null || held.length() >= CAPACITY) {
      return null;
    }
    Promise<Void> r = room;
    room = null;
    return r;
  }

  /** Serves a waiting read, on the shell's context, if what it waits for has come. */
  private void wake() {
    synchronized (this) {
      if (reader == null) {
        return;
      }
    }
    context.runOnContext(v -> {
      Promise<String> r;
      String got;
      Promise<Void> freed;
      synchronized (this) {
        if (reader == null) {
          return;
        }
        got = taken(wants);
        if (got == null && !writerEnded) {
          return;
        }
        r = reader;
        reader = null;
        wants = null;
        freed = freedRoom();
      }
      if (freed != null) {
        freed.tryComplete();
      }
      r.complete(got);
    });
  }
}
