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
 * new lines are sent as they are written until the run ends or the client goes. File reads run on
 * worker threads.
 */
final class LogStream {

  private static final long POLL_MS = 200;

  private final Vertx vertx;
  private final HttpServerRequest req;
  private final ContainerRecord container;
  private final String pod;
  private long offset;
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
    vertx.executeBlocking(() -> readAll(file), false).onComplete(ar -> {
      if (ar.failed()) {
        resp.setStatusCode(500).end(String.valueOf(ar.cause().getMessage()));
        return;
      }
      CriLog.Decoded d = CriLog.decode(ar.result());
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
    timer = vertx.setTimer(POLL_MS, t -> vertx.executeBlocking(() -> readFrom(file, offset), false).onComplete(ar -> {
      if (closed) {
        return;
      }
      byte[] data = ar.succeeded() ? ar.result() : new byte[0];
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
