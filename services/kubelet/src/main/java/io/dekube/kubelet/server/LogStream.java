package io.dekube.kubelet.server;

import io.dekube.kubelet.pod.ContainerRecord;
import io.dekube.kubelet.runtime.CriLog;
import io.dekube.kubelet.runtime.RunningContainer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code GET /containerLogs/<ns>/<pod>/<container>}: the container's log ({@code previous}: the run
 * before), with kube's {@code PodLogOptions} applied by {@link LogOptions} — {@code tailLines},
 * {@code sinceSeconds}/{@code sinceTime}, {@code timestamps}, {@code limitBytes}; with {@code follow},
 * new lines are sent as they are written until the run ends or the client goes — across the log's rotations, as
 * kube's reader: once the path is a new file, the rest of the renamed one is sent, then the new one from its start.
 * File reads run on worker threads.
 */
final class LogStream {

  private static final long POLL_MS = 200;

  private final Vertx vertx;
  private final HttpServerRequest req;
  private final ContainerRecord container;
  private final String pod;
  private long offset;
  private Object fileKey;
  private long budget;
  private long timer = -1;
  private boolean closed;

  LogStream(Vertx vertx, HttpServerRequest req, ContainerRecord container, String pod) {
    this.vertx = vertx;
    this.req = req;
    this.container = container;
    this.pod = pod;
  }

  void start() {
    LogOptions o;
    try {
      o = LogOptions.parse(req::getParam, Instant.now());
    } catch (IllegalArgumentException e) {
      req.response().setStatusCode(400).end(e.getMessage() + "\n");
      return;
    }
    Path current = container.logFile();
    if (current == null) {
      req.response().setStatusCode(400).end(container.waitingToStart(pod) + "\n");
      return;
    }
    Path file = o.previous() ? container.previousLogFile() : current;
    if (file == null) {
      req.response().setStatusCode(400).end("previous terminated container \"" + container.name() + "\" in pod \""
          + pod + "\" not found\n");
      return;
    }
    boolean follow = o.follow() && !o.previous();
    RunningContainer run = container.running();
    budget = o.limitBytes() == null ? Long.MAX_VALUE : o.limitBytes();
    HttpServerResponse resp = req.response().setChunked(true).putHeader("Content-Type", "text/plain");
    resp.closeHandler(v -> stop());
    vertx.executeBlocking(() -> {
      Object key = key(file);
      return new Read(readAll(file), key, false);
    }, false).onComplete(ar -> {
      if (ar.failed()) {
        resp.setStatusCode(500).end(String.valueOf(ar.cause().getMessage()));
        return;
      }
      fileKey = ar.result().key();
      CriLog.Decoded d = CriLog.decode(ar.result().data());
      offset = d.consumed();
      send(resp, o.render(o.tail(d.entries()), budget));
      if (!follow || budget <= 0) {
        resp.end();
        return;
      }
      poll(file, run, resp, o);
    });
  }

  private void send(HttpServerResponse resp, byte[] data) {
    if (data.length > 0) {
      budget -= data.length;
      resp.write(Buffer.buffer(data));
    }
  }

  private void poll(Path file, RunningContainer run, HttpServerResponse resp, LogOptions o) {
    long at = offset;
    Object key = fileKey;
    timer = vertx.setTimer(POLL_MS, t -> vertx.executeBlocking(() -> next(file, key, at), false).onComplete(ar -> {
      if (closed) {
        return;
      }
      byte[] data = new byte[0];
      if (ar.succeeded()) {
        data = ar.result().data();
        fileKey = ar.result().key();
        if (ar.result().restart()) {
          offset = 0;
        }
      }
      CriLog.Decoded d = CriLog.decode(data);
      offset += d.consumed();
      send(resp, o.render(d.entries(), budget));
      if (budget <= 0 || d.consumed() == 0 && (container.running() != run || run == null)) {
        resp.end();
        return;
      }
      poll(file, run, resp, o);
    }));
  }

  private void stop() {
    closed = true;
    vertx.cancelTimer(timer);
  }

  /** What a read gave: the bytes, the key of the file now followed, and whether it is a new file read from its start. */
  record Read(byte[] data, Object key, boolean restart) {
  }

  /**
   * The next bytes of the followed log: of the file {@code key} from {@code offset} while the path is that file; once
   * the path is another file (the kubelet rotated the log), the rest of the renamed one first, then the new one.
   */
  static Read next(Path file, Object key, long offset) throws IOException {
    Object now = key(file);
    if (key != null && now != null && !key.equals(now)) {
      Path renamed = renamed(file, key);
      byte[] rest = renamed == null ? new byte[0] : readFrom(renamed, offset);
      if (rest.length > 0) {
        return new Read(rest, key, false);
      }
      return new Read(readFrom(file, 0), now, true);
    }
    return new Read(readFrom(file, offset), now != null ? now : key, false);
  }

  /** The file's identity (device and inode), which a rename keeps; null when there is no file. */
  static Object key(Path file) {
    try {
      return Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    } catch (IOException e) {
      return null;
    }
  }

  /** The rotated file of {@code log} that is the file {@code key}, if it is still there uncompressed. */
  private static Path renamed(Path log, Object key) throws IOException {
    for (Path p : io.dekube.kubelet.logs.LogRotation.rotatedFiles(log)) {
      if (key.equals(key(p))) {
        return p;
      }
    }
    return null;
  }

  private static byte[] readAll(Path file) throws IOException {
    return Files.exists(file) ? Files.readAllBytes(file) : new byte[0];
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

}
