package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.BusBinding;
import io.dekube.core.bus.BusMonitor;
import io.dekube.core.bus.KafkaClientConfigs;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.core.Closeable;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of one resource, kept current from its store topic: replaying the topic is the LIST,
 * tailing it is the WATCH. Every object carries {@code metadata.resourceVersion} = the offset of
 * the record it came from. Get one per resource and Vert.x instance with {@link #shared}.
 *
 * <p>Threading. A dedicated consumer thread ({@link StoreTail}) reads the topic
 * ({@code read_committed}, from offset 0) and hands decoded batches to the informer's own
 * event-loop context. Only that context changes state: it applies a whole batch to the cache
 * under a write lock, appends to the watch window, releases waiters and hands the events to each
 * handler's context. Reads ({@link #get}, {@link #list}, {@link #byIndex}, {@link #snapshot}) may
 * come from any thread and see the cache between two batches, never in the middle of one; they
 * take a read lock for as long as a map lookup or a copy of the values takes. Futures returned here
 * complete on the caller's context. Objects returned are the cached instances: treat them as
 * immutable.
 */
public final class Informer implements ObjectCache {

  /**
   * A consistent view: the objects and the resource version they are current at.
   *
   * @param resourceVersion the last offset reflected (-1 before any record), the list RV to watch from
   * @param items           the objects
   */
  public record Snapshot(long resourceVersion, List<ObjectNode> items) {
  }

  /**
   * An object whose latest store record no configured provider could read (encryption at rest): the cache keeps
   * what it had for the key, and the apiserver answers kube's errors for it.
   *
   * @param path  its storage path, as kube names the etcd key ({@code /registry/secrets/default/s1})
   * @param error the transformer's words ({@code no matching prefix found})
   */
  public record Unreadable(String path, String error) {

    /** kube's error for a GET of it (before {@code Internal error occurred: }). */
    public String getMessage() {
      return error;
    }

    /** kube's error for a LIST that includes it (before {@code Internal error occurred: }). */
    public String listMessage() {
      return "unable to transform key \"" + path + "\": " + error;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(Informer.class);

  private final Vertx vertx;
  private final ResourceType type;
  private final ContextInternal context;
  private final InformerStore store = new InformerStore();
  private final EventWindow window;
  private final StoreTail tail;
  private final Promise<Void> synced;
  private final AtomicBoolean started = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final Runnable onClose;
  private final Closeable closeHook = completion -> close().onComplete(completion);
  private volatile boolean isSynced;
  private final BusBinding bus;
  /** Consistent reads waiting for the broker's end offset: failed with 504 when the bus is lost. */
  private final java.util.Set<Promise<Long>> endReads = java.util.concurrent.ConcurrentHashMap.newKeySet();
  /** Callers waiting for the first sync: failed with 503 when the bus is lost (it will not come meanwhile). */
  private final java.util.Set<Promise<Void>> syncWaits = java.util.concurrent.ConcurrentHashMap.newKeySet();
  // informer context only
  private final List<Registration> registrations = new ArrayList<>();
  private final TreeMap<Long, List<Promise<Void>>> waiters = new TreeMap<>();
  private long syncTarget = -1;
  private long startNanos;

  Informer(Vertx vertx, String bootstrapServers, ResourceType type, InformerOptions options, Runnable onClose) {
    this.vertx = vertx;
    this.type = type;
    this.onClose = onClose;
    this.context = ((VertxInternal) vertx).createEventLoopContext();
    this.synced = context.promise();
    this.window = new EventWindow(options.windowCapacity(), -1);
    this.tail = new StoreTail(type.resourceName(), type.storeTopic(), consumerConfig(bootstrapServers, options),
        options.pollTimeout(), context, new StoreTail.Sink() {
          @Override
          public void onEnd(long end) {
            onStartEnd(end);
          }

          @Override
          public void onBatch(List<StoreRecord> records, long position) {
            apply(records, position);
          }

          @Override
          public void onRelist(List<StoreRecord> records, long position) {
            relisted(records, position);
          }
        });
    this.bus = new BusBinding(bootstrapServers, new BusMonitor.Listener() {
      @Override
      public void onLost(String reason) {
        BusMonitor m = bus.monitor();
        List.copyOf(endReads).forEach(p -> p.tryFail(m.outcomeUnknown("a consistent read of "
            + type.resourceName())));
        List.copyOf(syncWaits).forEach(p -> p.tryFail(m.unavailable()));
      }

      @Override
      public void onBack() {
      }
    });
    ((VertxInternal) vertx).addCloseHook(closeHook);
  }

  /**
   * The informer of a resource shared by every caller on this Vert.x instance (created on first
   * use, not started). Thread-safe.
   */
  public static Informer shared(Vertx vertx, String bootstrapServers, ResourceType type) {
    return SharedInformers.of(vertx).informer(bootstrapServers, type);
  }

  /** A new informer of its own (not shared), e.g. with a different window; close it when done. */
  public static Informer create(Vertx vertx, String bootstrapServers, ResourceType type, InformerOptions options) {
    return new Informer(vertx, bootstrapServers, type, options, () -> { });
  }

  /** How long a fetch waits at the broker for data (and for commit markers) when there is none. */
  public static final int IDLE_FETCH_WAIT_MS = 20_000;

  private static Map<String, Object> consumerConfig(String bootstrapServers, InformerOptions options) {
    Map<String, Object> c = KafkaClientConfigs.base(bootstrapServers);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // "none": a position that is gone (topic recreated, broker data lost) is an error the tail
    // turns into a relist, never a silent jump back to the beginning under a cache that is ahead
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
    // Writer rule 6: a parked fetch is woken by new data within ~1 ms, a commit marker that moves
    // the last stable offset too, so a long wait costs a consistent read nothing and keeps an idle
    // cluster idle: one fetch per informer every 20 s (`up` runs ~35 informers: 500 ms made 70
    // fetches a second, a visible share of the idle CPU of both processes; it stays under the
    // consumer's 30 s request timeout). Never 0: busy polling.
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, IDLE_FETCH_WAIT_MS);
    c.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.putAll(options.consumerConfig());
    return c;
  }

  /** The resource this informer caches. */
  @Override
  public ResourceType type() {
    return type;
  }

  /**
   * Starts consuming (first call) and completes once the topic is replayed up to the end offset
   * found at start. Idempotent. With a {@link BusMonitor} running, a caller that would wait for the
   * first replay fails with 503 while the bus is down (the replay goes on once it is back).
   */
  public Future<Void> start() {
    if (closed.get()) {
      return Future.failedFuture(new IllegalStateException("informer " + type.resourceName() + " is closed"));
    }
    if (started.compareAndSet(false, true)) {
      startNanos = System.nanoTime();
      tail.start();
    }
    if (isSynced) {
      return onCaller(synced.future());
    }
    if (bus.down()) { // no replay while the bus is down: answer now, keep consuming for later
      return Future.failedFuture(bus.monitor().unavailable());
    }
    Promise<Void> p = callerContext().promise();
    syncWaits.add(p);
    synced.future().onComplete(ar -> {
      syncWaits.remove(p);
      if (ar.failed()) {
        p.tryFail(ar.cause());
      } else {
        p.tryComplete();
      }
    });
    return p.future();
  }

  /**
   * Completes, on the caller's context, once the initial replay is done; unlike {@link #start} it starts nothing (an
   * observer's wait for whoever starts the informer).
   */
  public Future<Void> whenSynced() {
    return onCaller(synced.future());
  }

  /** Whether the initial replay is done. */
  public boolean synced() {
    return isSynced;
  }

  /** Why the key's latest store record could not be read (encryption at rest), or null. Any thread. */
  public Unreadable unreadable(ObjectKey key) {
    return store.unreadable(key);
  }

  /** The unreadable objects of a namespace ("" or null = all); empty almost always. Any thread. */
  public List<Unreadable> unreadable(String namespace) {
    return store.unreadable(namespace);
  }

  /** The cached object, or null. */
  @Override
  public ObjectNode get(ObjectKey key) {
    return store.get(key);
  }

  /** The cached object, or null ({@code namespace} "" for cluster-scoped). */
  public ObjectNode get(String namespace, String name) {
    return store.get(new ObjectKey(namespace, name));
  }

  /** Every cached object. */
  public List<ObjectNode> list() {
    return store.list(o -> true);
  }

  /** The objects of a namespace ("" = all namespaces), through the namespace index. */
  @Override
  public List<ObjectNode> list(String namespace) {
    return namespace == null || namespace.isEmpty() ? list() : byIndex(Indexers.NAMESPACE, namespace);
  }

  /** The cached objects a filter accepts. */
  public List<ObjectNode> list(Predicate<ObjectNode> filter) {
    return store.list(filter);
  }

  /** The objects a filter accepts and the resource version they are current at, read together. */
  public Snapshot snapshot(Predicate<ObjectNode> filter) {
    return store.snapshot(filter);
  }

  /** Every object and the resource version they are current at, read together. */
  public Snapshot snapshot() {
    return store.snapshot(o -> true);
  }

  /**
   * The objects an index maps a value to. Built in: {@code namespace} and {@code spec.nodeName};
   * {@code label:<key>} indexes are added on first use; others must be added with {@link #addIndex}.
   *
   * @throws IllegalArgumentException for an unknown index
   */
  public List<ObjectNode> byIndex(String index, String value) {
    List<ObjectNode> found = store.byIndex(index, value);
    if (found != null) {
      return found;
    }
    if (index.startsWith(Indexers.LABEL_PREFIX)) {
      store.addIndex(index, Indexers.label(index.substring(Indexers.LABEL_PREFIX.length())));
      return store.byIndex(index, value);
    }
    throw new IllegalArgumentException("informer " + type.resourceName() + " has no index " + index);
  }

  /** Adds (or replaces) an index, filled at once from the cached objects. Any thread; blocks writes meanwhile. */
  public void addIndex(String name, Function<ObjectNode, Collection<String>> fn) {
    store.addIndex(name, fn);
  }

  /** The last offset reflected in the cache (-1 before any): the store's current RV as this informer sees it. */
  public long resourceVersion() {
    return store.position() - 1;
  }

  /** The number of cached objects. */
  public int size() {
    return store.size();
  }

  /**
   * A consistent read: asks the broker for the store topic's end offset (on the consumer thread)
   * and completes once the cache has applied everything before it. Starts the informer if needed.
   * With a {@link BusMonitor} running: fails at once with 503 while the bus is down, and with 504
   * when the bus is lost before the broker answered.
   */
  public Future<Void> waitForCurrent() {
    if (bus.down()) {
      return Future.failedFuture(bus.monitor().unavailable());
    }
    return start().compose(v -> endOffset())
        .recover(e -> Future.failedFuture(e instanceof StatusException ? e
            : StatusException.timeout("cannot read the end of " + type.storeTopic() + ": " + e.getMessage())))
        .compose(end -> waitForPosition(end));
  }

  private Future<Long> endOffset() {
    Promise<Long> p = context.promise();
    endReads.add(p);
    tail.endOffset().whenComplete((end, e) -> {
      if (e != null) {
        p.tryFail(e);
      } else {
        p.tryComplete(end);
      }
    });
    return p.future().andThen(ar -> endReads.remove(p));
  }

  /** Completes once the cache reflects resource version {@code rv} (every record up to offset rv). */
  public Future<Void> waitFor(long rv) {
    return start().compose(v -> waitForPosition(rv + 1));
  }

  private Future<Void> waitForPosition(long position) {
    Promise<Void> p = callerContext().promise();
    context.runOnContext(v -> {
      if (closed.get()) {
        p.tryFail(new IllegalStateException("informer " + type.resourceName() + " is closed"));
      } else if (store.position() >= position) {
        p.tryComplete();
      } else {
        waiters.computeIfAbsent(position, k -> new ArrayList<>()).add(p);
      }
    });
    return p.future();
  }

  /**
   * Adds a handler; its events run on the caller's Vert.x context (a new event-loop context when
   * called off Vert.x). It first gets {@code onAdd} for every object cached at that point, then
   * every change. Any thread.
   */
  @Override
  public HandlerRegistration addHandler(InformerHandler h) {
    Registration reg = new Registration(type.resourceName(), callerContext(), c -> dispatch(h, c), Long.MIN_VALUE,
        this::unregister);
    context.runOnContext(v -> {
      List<InformerStore.Change> current = store.list(o -> true).stream().map(o -> new InformerStore.Change(
          new InformerEvent(InformerEvent.Type.ADDED, o, rvOf(o)), null)).toList();
      reg.deliver(current);
      registrations.add(reg);
    });
    return reg;
  }

  /**
   * A watch: every event after {@code afterRv} (the recent ones from the {@link EventWindow}, then
   * live ones) on the caller's context. Fails with 410 Expired when {@code afterRv} is older than the
   * window. Waits for the initial sync first.
   */
  public Future<HandlerRegistration> watch(long afterRv, Handler<InformerEvent> handler) {
    return watch(afterRv, handler, e -> { });
  }

  /**
   * A watch as {@link #watch(long, Handler)} that may end: {@code onEnd} gets a 410 Expired
   * {@link StatusException} (on the caller's context, once, after the last event) when the informer
   * lost the history the watch follows and re-listed; the client must re-list too.
   */
  public Future<HandlerRegistration> watch(long afterRv, Handler<InformerEvent> handler,
                                           Handler<StatusException> onEnd) {
    ContextInternal caller = callerContext();
    Promise<HandlerRegistration> p = caller.promise();
    start().onComplete(ar -> context.runOnContext(v -> {
      if (ar.failed()) {
        p.tryFail(ar.cause());
        return;
      }
      try {
        List<InformerStore.Change> backlog = window.since(afterRv).stream()
            .map(e -> new InformerStore.Change(e, null)).toList();
        Registration reg = new Registration(type.resourceName(), caller, c -> handler.handle(c.event()), afterRv,
            this::unregister, onEnd);
        reg.deliver(backlog);
        registrations.add(reg);
        p.tryComplete(reg);
      } catch (StatusException e) {
        p.tryFail(e);
      }
    }));
    return p.future();
  }

  /** The window of recent events watches are served from (empty until synced). */
  public EventWindow window() {
    return window;
  }

  /** Stops consuming and fails pending waits. Idempotent; any thread. */
  public Future<Void> close() {
    if (!closed.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    onClose.run();
    bus.unbind();
    ((VertxInternal) vertx).removeCloseHook(closeHook);
    Promise<Void> p = callerContext().promise();
    boolean running = !started.compareAndSet(false, true); // a later start() sees closed and fails
    (running ? tail.stop() : CompletableFuture.<Void>completedFuture(null)).whenComplete((v, e) -> context.runOnContext(x -> {
      IllegalStateException gone = new IllegalStateException("informer " + type.resourceName() + " is closed");
      synced.tryFail(gone);
      waiters.values().forEach(l -> l.forEach(w -> w.tryFail(gone)));
      waiters.clear();
      registrations.clear();
      p.tryComplete();
    }));
    return p.future();
  }

  private void onStartEnd(long end) {
    syncTarget = end;
    LOG.debug("informer {}: replaying {} up to offset {}", type.resourceName(), type.storeTopic(), end);
    checkSynced();
  }

  private void apply(List<StoreRecord> records, long position) {
    List<InformerStore.Change> changes = store.apply(records, position);
    if (synced()) {
      changes.forEach(c -> window.append(c.event()));
    }
    for (Registration reg : registrations) {
      reg.deliver(changes);
    }
    checkSynced();
    releaseWaiters(store.position());
  }

  /**
   * The topic was read again from its beginning because the offsets the cache was at are gone:
   * the cache becomes what the topic holds now, handlers get what changed (ADDED, MODIFIED,
   * DELETED), and watches end with 410 Expired (as kube-apiserver ends watches whose history it
   * lost) so their clients re-list; the window starts over at the new resource version.
   */
  private void relisted(List<StoreRecord> records, long position) {
    List<InformerStore.Change> changes = store.replace(records, position);
    LOG.warn("informer {}: re-listed {} objects at rv {} ({} changed); open watches end with 410 Expired",
        type.resourceName(), store.size(), position - 1, changes.size());
    window.reset(position - 1);
    StatusException gone = new StatusException(410, "Expired", "the history of " + type.resourceName()
        + " is gone (its store topic was recreated or the broker lost data); re-list from the current state");
    for (Registration reg : List.copyOf(registrations)) {
      if (reg.isWatch()) {
        registrations.remove(reg);
        reg.end(gone);
      } else {
        reg.deliver(changes);
      }
    }
    checkSynced();
    releaseWaiters(Long.MAX_VALUE); // the cache is current as of the topic's end when the relist began
  }

  private void checkSynced() {
    long position = store.position();
    if (syncTarget >= 0 && position >= syncTarget && !isSynced && !closed.get()) {
      window.reset(position - 1);
      isSynced = true;
      synced.tryComplete();
      LOG.info("informer {}: synced {} objects at rv {} in {} ms", type.resourceName(), store.size(),
          position - 1, (System.nanoTime() - startNanos) / 1_000_000);
    }
  }

  private void releaseWaiters(long position) {
    var ready = waiters.headMap(position, true);
    ready.values().forEach(l -> l.forEach(Promise::tryComplete));
    ready.clear();
  }

  private void unregister(Registration reg) {
    context.runOnContext(v -> registrations.remove(reg));
  }

  private static void dispatch(InformerHandler h, InformerStore.Change c) {
    InformerEvent e = c.event();
    switch (e.type()) {
      case ADDED -> h.onAdd(e.object());
      case MODIFIED -> h.onUpdate(c.old(), e.object());
      case DELETED -> h.onDelete(e.object(), e.rv());
      default -> throw new IllegalStateException(e.type().name());
    }
  }

  private static long rvOf(ObjectNode o) {
    return Long.parseLong(o.path("metadata").path("resourceVersion").asText("-1"));
  }

  private <T> Future<T> onCaller(Future<T> f) {
    Promise<T> p = callerContext().promise();
    f.onComplete(p);
    return p.future();
  }

  private ContextInternal callerContext() {
    return ((VertxInternal) vertx).getOrCreateContext();
  }

  /** The informer's own context, where its state changes (for tests and diagnostics). */
  Context context() {
    return context;
  }
}
