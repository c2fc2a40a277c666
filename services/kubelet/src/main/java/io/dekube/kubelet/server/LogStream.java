package io.dekube.kubelet.server;

import io.dekube.kubelet.pod.ContainerRecord;
import io.dekube.kubelet.runtime.RunningContainer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code GET /containerLogs/<ns>/<pod>/<container>}: the container's log file ({@code previous}: the
 * run before), cut by {@code tailLines} and {@code limitBytes}; with {@code follow}, new bytes are
 * sent as they are written until the run ends or the client goes. File reads run on worker threads.
 */
final class LogStream {

  private static final long POLL_MS = 200;

  private final Vertx vertx;
  private final HttpServerRequest req;
  private final ContainerRecord container;
  private long offset;
  private long timer = -1;
  private boolean closed;

  LogStream(Vertx vertx, HttpServerRequest req, ContainerRecord container) {
    this.vertx = vertx;
    this.req = req;
    this.container = container;
  }

  void start() {
    Path current = container.logFile();
    if (current == null) {
      req.response().setStatusCode(400).end("container \"" + container.name() + "\" is waiting to start: "
          + "ContainerCreating\n");
      return;
    }
    boolean previous = flag("previous");
    Path file = previous ? previousFile(current) : current;
    if (file == null) {
      req.response().setStatusCode(400).end("previous terminated container \"" + container.name()
          + "\" not found\n");
      return;
    }
    boolean follow = flag("follow") && !previous;
    RunningContainer run = container.running();
    Integer tail = number("tailLines");
    Integer limit = number("limitBytes");
    HttpServerResponse resp = req.response().setChunked(true).putHeader("Content-Type", "text/plain");
    resp.closeHandler(v -> stop());
    vertx.executeBlocking(() -> read(file, tail, limit), false).onComplete(ar -> {
      if (ar.failed()) {
        resp.setStatusCode(500).end(ar.cause().getMessage());
        return;
      }
      offset = ar.result().end();
      resp.write(Buffer.buffer(ar.result().data()));
      if (!follow || (limit != null && ar.result().data().length >= limit)) {
        resp.end();
        return;
      }
      poll(file, run, resp);
    });
  }

  private void poll(Path file, RunningContainer run, HttpServerResponse resp) {
    timer = vertx.setTimer(POLL_MS, t -> vertx.executeBlocking(() -> readFrom(file, offset), false).onComplete(ar -> {
      if (closed) {
        return;
      }
      byte[] data = ar.succeeded() ? ar.result() : new byte[0];
      offset += data.length;
      if (data.length > 0) {
        resp.write(Buffer.buffer(data));
      }
      if (data.length == 0 && (container.running() != run || run == null)) {
        resp.end();
        return;
      }
      poll(file, run, resp);
    }));
  }

  private void stop() {
    closed = true;
    vertx.cancelTimer(timer);
  }

  private record Chunk(byte[] data, long end) {
  }

  private static Chunk read(Path file, Integer tail, Integer limit) throws IOException {
    if (!Files.exists(file)) {
      return new Chunk(new byte[0], 0);
    }
    byte[] all = Files.readAllBytes(file);
    int from = 0;
    if (tail != null && tail >= 0) {
      int lines = 0;
      from = all.length;
      for (int i = all.length - 1; i >= 0; i--) {
        if (all[i] == '\n' && i != all.length - 1) {
          if (++lines == tail) {
            break;
          }
        }
        from = i;
      }
      if (tail == 0) {
        from = all.length;
      }
    }
    int to = limit == null ? all.length : (int) Math.min(all.length, (long) from + limit);
    byte[] out = java.util.Arrays.copyOfRange(all, from, to);
    return new Chunk(out, all.length);
  }

  private static byte[] readFrom(Path file, long offset) throws IOException {
    if (!Files.exists(file)) {
      return new byte[0];
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "r")) {
      long len = f.length();
      if (len <= offset) {
        return new byte[0];
      }
      byte[] b = new byte[(int) Math.min(len - offset, 1 << 20)];
      f.seek(offset);
      f.readFully(b);
      return b;
    }
  }

  private static Path previousFile(Path current) {
    String name = current.getFileName().toString();
    try {
      int run = Integer.parseInt(name.substring(0, name.indexOf('.')));
      Path prev = current.resolveSibling((run - 1) + ".log");
      return run > 0 && Files.exists(prev) ? prev : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private boolean flag(String name) {
    String v = req.getParam(name);
    return v != null && (v.equals("true") || v.equals("1"));
  }

  private Integer number(String name) {
    String v = req.getParam(name);
    try {
      return v == null || v.isEmpty() ? null : Integer.parseInt(v);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }
}
