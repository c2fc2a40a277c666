package io.dekube.kubelet.server;

import io.dekube.kubelet.pod.ContainerRecord;
import io.dekube.kubelet.runtime.CriLog;
import io.dekube.kubelet.runtime.RunningContainer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code GET /containerLogs/<ns>/<pod>/<container>}: the container's log ({@code previous}: the run
 * before), with kube's {@code PodLogOptions} applied by {@link LogOptions} — {@code tailLines},
 * {@code sinceSeconds}/{@code sinceTime}, {@code timestamps}, {@code limitBytes}; with {@code follow},
 * new lines are sent as they are written until the run ends or the client goes — across the log's rotations, as
 * kube's reader ({@link FollowedLog}).
 * File reads run on worker threads.
 */
final class LogStream {

  private static final long POLL_MS = 200;
  /** The most one read takes of a log. */
  private static final int CHUNK = 1 << 20;

  private final Vertx vertx;
  private final HttpServerRequest req;
  private final ContainerRecord container;
  private final String pod;
  private FollowedLog log;
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
    log = new FollowedLog(file, CHUNK);
    vertx.executeBlocking(log::readAll, false).onComplete(ar -> {
      if (ar.failed()) {
        log.close();
        resp.setStatusCode(500).end(String.valueOf(ar.cause().getMessage()));
        return;
      }
      CriLog.Decoded d = CriLog.decode(ar.result());
      log.advance(d.consumed());
      send(resp, o.render(o.tail(d.entries()), budget));
      if (!follow || budget <= 0) {
        end(resp);
        return;
      }
      poll(run, resp, o, POLL_MS);
    });
  }

  private void send(HttpServerResponse resp, byte[] data) {
    if (data.length > 0) {
      budget -= data.length;
      resp.write(Buffer.buffer(data));
    }
  }

  /**
   * Reads what the log got since the last read after {@code delayMs}: at once again after a full chunk (a container
   * writing faster than a chunk per poll would leave the follower ever further behind), after the client took what was
   * sent when its connection is full.
   */
  private void poll(RunningContainer run, HttpServerResponse resp, LogOptions o, long delayMs) {
    timer = vertx.setTimer(delayMs, t -> vertx.executeBlocking(log::next, false).onComplete(ar -> {
      if (closed) {
        return;
      }
      byte[] data = ar.succeeded() ? ar.result() : new byte[0];
      CriLog.Decoded d = CriLog.decode(data);
      log.advance(d.consumed());
      send(resp, o.render(d.entries(), budget));
      if (budget <= 0 || d.consumed() == 0 && (container.running() != run || run == null)) {
        end(resp);
        return;
      }
      long next = data.length >= CHUNK ? 1 : POLL_MS;
      if (resp.writeQueueFull()) {
        resp.drainHandler(v -> {
          resp.drainHandler(null);
          poll(run, resp, o, next);
        });
      } else {
        poll(run, resp, o, next);
      }
    }));
  }

  private void end(HttpServerResponse resp) {
    log.close();
    resp.end();
  }

  private void stop() {
    closed = true;
    vertx.cancelTimer(timer);
    if (log != null) {
      vertx.executeBlocking(() -> {
        log.close();
        return null;
      }, false);
    }
  }
}
