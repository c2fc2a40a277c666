package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.ResponseFormat.Shape;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.rest.list.Paging;
import io.dekube.apiserver.rest.list.StateAt;
import io.dekube.apiserver.rest.table.IncludeObject;
import io.dekube.apiserver.rest.table.Printers;
import io.dekube.apiserver.rest.table.TableBuilder;
import io.dekube.apiserver.rest.watch.WatchConfig;
import io.dekube.apiserver.rest.watch.WatchEvents;
import io.dekube.apiserver.rest.watch.WatchStream;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.InformerEvent;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One watch: a chunked {@code application/json} stream of {@code {"type","object"}} lines
 * from a resource version, fed by the watch cache. Without a resource version (or {@code 0}) it
 * starts with synthetic ADDED events for the current objects; {@code sendInitialEvents=true}
 * ends those with a BOOKMARK annotated {@code k8s.io/initial-events-end}. A resource version
 * older than the kept window gets an ERROR event with a 410 Expired Status (HTTP 200, as kube).
 * With selectors, an object that stops matching is sent as DELETED and one that starts matching
 * as ADDED. BOOKMARKs come periodically when allowed; {@code timeoutSeconds} (default 30-60
 * minutes) ends the stream. A client that does not read fast enough is dropped rather than
 * buffered without bound. When the watch cache re-lists (its store topic was recreated or the broker
 * lost data), open watches end with an ERROR event carrying 410 Expired, so clients re-list.
 * A WebSocket upgrade request gets the same events as text messages
 * ({@link WatchStream}). Confined to the request's event loop.
 */
final class WatchSession {

  private final ApiRequest r;
  private final ListOptions o;
  private final Selection sel;
  private final ObjectCache cache;
  private final ReadPoint readPoint;
  private final Vertx vertx;
  private final WatchConfig config;
  private final WatchStream out;
  private final Set<String> visible = new HashSet<>();
  private final IncludeObject include;
  private HandlerRegistration registration;
  private long lastRv;
  private boolean headersSent;
  private boolean ended;
  private int backlog;
  private long bookmarkTimer = -1;
  private long timeoutTimer = -1;
  /** The events being converted by a remote conversion, in order (completed when there are none). */
  private Future<Void> converted = Future.succeededFuture();

  WatchSession(ApiRequest r, ListOptions o, Selection sel, ObjectCache cache, ReadPoint readPoint, Vertx vertx,
               WatchConfig config) {
    this.r = r;
    this.o = o;
    this.sel = sel;
    this.cache = cache;
    this.readPoint = readPoint;
    this.vertx = vertx;
    this.config = config;
    this.out = WatchStream.of(r.ctx());
    this.include = r.format().shape() == Shape.TABLE ? IncludeObject.parse(r.query("includeObject")) : null;
  }

  /** Starts streaming; failures before the stream starts are answered as a Status. */
  void start() {
    out.onClose(this::stop);
    long rv = o.rv();
    Future<Long> from;
    if (Boolean.TRUE.equals(o.sendInitialEvents()) || rv <= 0 && !Boolean.FALSE.equals(o.sendInitialEvents())) {
      from = readPoint.ready(cache, o.resourceVersion()).map(v -> initialState());
    } else if (rv <= 0) {
      from = cache.start().map(v -> Math.max(cache.resourceVersion(), 0));
    } else {
      from = readPoint.atLeast(cache, rv).map(v -> seedAt(rv));
    }
    from.compose(this::subscribe)
        .onFailure(e -> {
          if (e instanceof StatusException se && (out.opened() || se.code() == 410)) {
            writeLine(WatchEvents.error(se)); // kube: a watch too old to serve is an ERROR event, HTTP 200
            end();
          } else {
            Responses.fail(r.ctx(), e, r.pretty());
          }
        });
  }

  /** Sends the current objects as ADDED (and the initial-events-end bookmark); the rv they are at. */
  private long initialState() {
    ObjectCache.Snapshot s = cache.snapshot(sel);
    long at = Math.max(s.resourceVersion(), 0);
    List<ObjectNode> items = s.items().stream().sorted(Paging.BY_KEY).toList();
    open();
    for (ObjectNode item : items) {
      visible.add(Paging.key(item));
      send("ADDED", item);
    }
    if (Boolean.TRUE.equals(o.sendInitialEvents())) {
      inOrder(() -> writeLine(WatchEvents.bookmark(r.type().kind(), r.apiVersion(), at, true)));
    }
    return at;
  }

  /** For a selective watch from an older rv: which objects the client could see then. */
  private long seedAt(long rv) {
    if (sel.selective()) {
      ObjectCache.Snapshot now = cache.snapshot(sel::inScope);
      var window = cache.window();
      StateAt.Result state = StateAt.at(rv, now.items(), now.resourceVersion(), window.since(window.startRv()),
          window.startRv(), sel::inScope);
      state.objects().forEach((k, obj) -> {
        if (sel.test(obj)) {
          visible.add(k);
        }
      });
      visible.addAll(state.unknownKeys()); // unknown past: assume the client saw it, so it learns if it left
    }
    return rv;
  }

  private Future<Void> subscribe(long afterRv) {
    lastRv = afterRv;
    return cache.watch(afterRv, this::onEvent, this::expired).map(reg -> {
      registration = reg;
      open();
      if (ended) {
        reg.remove();
        return null;
      }
      if (o.allowWatchBookmarks()) {
        bookmarkTimer = vertx.setPeriodic(config.bookmarkIntervalMs(), t -> bookmark());
      }
      long timeout = o.timeoutSeconds() != null && o.timeoutSeconds() > 0 ? o.timeoutSeconds()
          : config.minTimeoutSeconds() + ThreadLocalRandom.current().nextLong(config.minTimeoutSeconds() + 1);
      timeoutTimer = vertx.setTimer(timeout * 1000, t -> end());
      return null;
    });
  }

  /** The cache lost the history this watch follows: an ERROR event (410 Expired) ends it; the client re-lists. */
  private void expired(StatusException e) {
    writeLine(WatchEvents.error(e));
    end();
  }

  private void open() {
    if (out.opened() || ended) {
      return;
    }
    out.open();
  }

  private void onEvent(InformerEvent e) {
    if (ended) {
      return;
    }
    lastRv = Math.max(lastRv, e.rv());
    ObjectNode obj = e.object();
    if (!sel.inScope(obj)) {
      return;
    }
    boolean matches = sel.test(obj);
    if (!sel.selective()) {
      send(e.type().name(), obj);
      return;
    }
    String key = Paging.key(obj);
    boolean wasVisible = visible.contains(key);
    switch (e.type()) {
      case ADDED, MODIFIED -> {
        if (matches) {
          visible.add(key);
          send(wasVisible ? "MODIFIED" : "ADDED", obj);
        } else if (wasVisible) {
          visible.remove(key);
          send("DELETED", obj);
        }
      }
      case DELETED -> {
        if (visible.remove(key)) {
          send("DELETED", obj);
        }
      }
    }
  }

  private void send(String type, ObjectNode stored) {
    if (r.remoteConversion()) {
      // a CRD's conversion webhook: one review per event, written in the order of the events; a failed
      // conversion ends the watch with an ERROR event carrying kube's 500
      converted = converted.compose(v -> r.outAsync(stored)).map(versioned -> {
        sendVersioned(type, versioned);
        return (Void) null;
      }).recover(e -> {
        if (!ended) {
          writeLine(WatchEvents.error(e instanceof StatusException se ? se
              : StatusException.internal("Internal error occurred: " + e.getMessage())));
          end();
        }
        return Future.succeededFuture();
      });
      return;
    }
    sendVersioned(type, r.out(stored));
  }

  private void sendVersioned(String type, ObjectNode versioned) {
    ObjectNode object = switch (r.format().shape()) {
      case OBJECT -> versioned;
      case PARTIAL_METADATA -> TableBuilder.partialMetadata(versioned, r.format().metaVersion());
      case TABLE -> table(versioned);
    };
    writeLine(WatchEvents.event(type, object));
  }

  private ObjectNode table(ObjectNode versioned) {
    ObjectNode meta = Json.object();
    meta.put("resourceVersion", versioned.path("metadata").path("resourceVersion").asText(""));
    ObjectNode t = TableBuilder.table(Printers.of(r.type(), r.custom(), r.path().version()), List.of(versioned), include, r.format().metaVersion(),
        meta, !headersSent, Instant.now());
    headersSent = true;
    return t;
  }

  private void bookmark() {
    inOrder(() -> writeLine(WatchEvents.bookmark(r.type().kind(), r.apiVersion(), lastRv, false)));
  }

  /** Writes now, or after the events a remote conversion is still converting. */
  private void inOrder(Runnable write) {
    if (r.remoteConversion()) {
      converted = converted.map(v -> {
        write.run();
        return null;
      });
      return;
    }
    write.run();
  }

  private void writeLine(ObjectNode event) {
    if (ended || out.closed()) {
      return;
    }
    open();
    if (out.writeQueueFull()) {
      // write futures complete when netty takes the bytes, not when the client reads them: the
      // write queue is what fills behind a slow reader
      if (++backlog > config.maxPendingWrites()) {
        drop();
        return;
      }
      out.drainHandler(() -> backlog = 0);
    }
    out.write(Buffer.buffer(Responses.encode(event, false, false)));
  }

  /** The client reads too slowly: give up on it (it re-watches from its last resource version). */
  private void drop() {
    stop();
    out.reset();
  }

  private void end() {
    if (ended) {
      return;
    }
    stop();
    out.end();
  }

  private void stop() {
    ended = true;
    if (registration != null) {
      registration.remove();
    }
    if (bookmarkTimer >= 0) {
      vertx.cancelTimer(bookmarkTimer);
    }
    if (timeoutTimer >= 0) {
      vertx.cancelTimer(timeoutTimer);
    }
  }
}
