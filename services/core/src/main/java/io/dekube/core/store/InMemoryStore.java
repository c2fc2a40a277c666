package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.PodBinding;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.patch.Patches;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A store in memory, for unit tests of controllers, the scheduler and the kubelet (as client-go's
 * fake clientset): the writes of {@link StoreApi} with the writer's main rules (uid,
 * creationTimestamp, generation bumped on spec changes, resourceVersion preconditions, status kept
 * apart from spec, finalizers and deletionTimestamp, kube's {@code Status} errors), and a
 * {@link ObjectCache} per resource that sees every write at once. Handlers run synchronously on
 * the writing thread. Each write is recorded as an action ({@code "create pods ns/name"}) for
 * assertions. Thread-safe (one lock).
 */
public final class InMemoryStore implements StoreApi {

  private final ResourceRegistry registry;
  private final Map<String, TreeMap<ObjectKey, ObjectNode>> objects = new ConcurrentHashMap<>();
  private final Map<String, List<InformerHandler>> handlers = new ConcurrentHashMap<>();
  private final List<String> actions = new CopyOnWriteArrayList<>();
  private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
  private long rv = 1;
  private Instant now = Instant.parse("2026-01-01T00:00:00Z");

  /** A store of the built-in resources. */
  public InMemoryStore() {
    this(ResourceRegistry.builtIn());
  }

  /** A store of a registry's resources. */
  public InMemoryStore(ResourceRegistry registry) {
    this.registry = registry;
  }

  /** The type of a bus resource name ({@code pods}, {@code deployments.apps}). */
  public ResourceType type(String resourceName) {
    return registry.byResourceName(resourceName)
        .orElseThrow(() -> new IllegalArgumentException("unknown resource " + resourceName));
  }

  /** Sets the clock used for creationTimestamp and deletionTimestamp. */
  public synchronized void setNow(Instant t) {
    now = t;
  }

  /** The cache view of one resource. */
  public ObjectCache cache(ResourceType t) {
    return new ObjectCache() {
      @Override
      public ResourceType type() {
        return t;
      }

      @Override
      public ObjectNode get(ObjectKey key) {
        synchronized (InMemoryStore.this) {
          return table(t).get(key);
        }
      }

      @Override
      public List<ObjectNode> list(String namespace) {
        return InMemoryStore.this.items(t, namespace);
      }

      @Override
      public HandlerRegistration addHandler(InformerHandler h) {
        List<InformerHandler> hs = handlers.computeIfAbsent(t.resourceName(), k -> new CopyOnWriteArrayList<>());
        hs.add(h);
        items(t, "").forEach(h::onAdd);
        return () -> hs.remove(h);
      }
    };
  }

  /** Puts an object as is (test setup): fills uid, creationTimestamp and resourceVersion when missing. */
  public synchronized ObjectNode put(ResourceType t, ObjectNode obj) {
    ObjectNode o = obj.deepCopy();
    ObjectNode m = Json.metadata(o);
    if (!m.hasNonNull("uid")) {
      m.put("uid", UUID.randomUUID().toString());
    }
    if (!m.hasNonNull("creationTimestamp")) {
      m.put("creationTimestamp", now.truncatedTo(ChronoUnit.SECONDS).toString());
    }
    o.put("apiVersion", t.apiVersion()).put("kind", t.kind());
    store(t, ObjectKey.of(o), o);
    return o;
  }

  /** Puts a typed object (test setup). */
  public ObjectNode put(ResourceType t, Object typed) {
    return put(t, Typed.tree(typed));
  }

  /** The stored objects of a resource in a namespace ("" = all), in key order. */
  public synchronized List<ObjectNode> items(ResourceType t, String namespace) {
    return table(t).entrySet().stream()
        .filter(e -> namespace == null || namespace.isEmpty() || e.getKey().namespace().equals(namespace))
        .map(Map.Entry::getValue).toList();
  }

  /** The stored object, or null. */
  public synchronized ObjectNode object(ResourceType t, String namespace, String name) {
    return table(t).get(new ObjectKey(namespace, name));
  }

  /** The writes so far, as {@code "<verb> <resource> <ns>/<name>"}. */
  public List<String> actions() {
    return List.copyOf(actions);
  }

  /** How many {@code get}s the store answered. */
  public long reads() {
    return reads.get();
  }

  /** Forgets the recorded writes. */
  public void clearActions() {
    actions.clear();
  }

  @Override
  public synchronized Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o) {
    try {
      ObjectNode c = obj.deepCopy();
      ObjectNode m = Json.metadata(c);
      String ns = t.namespaced() ? (namespace == null || namespace.isEmpty() ? m.path("namespace").asText("")
          : namespace) : "";
      if (t.namespaced()) {
        m.put("namespace", ns);
      } else {
        m.remove("namespace");
      }
      if (m.path("name").asText("").isEmpty() && m.hasNonNull("generateName")) {
        m.put("name", m.get("generateName").asText() + UUID.randomUUID().toString().substring(0, 5));
      }
      String name = m.path("name").asText("");
      if (name.isEmpty()) {
        throw StatusException.invalid(t, "", "metadata.name: Required value: name or generateName is required");
      }
      ObjectKey key = new ObjectKey(ns, name);
      if (table(t).containsKey(key)) {
        throw StatusException.alreadyExists(t, name);
      }
      m.put("uid", UUID.randomUUID().toString());
      m.put("creationTimestamp", now.truncatedTo(ChronoUnit.SECONDS).toString());
      Generation.onCreate(t, c);
      m.remove("resourceVersion");
      m.remove("deletionTimestamp");
      c.put("apiVersion", t.apiVersion()).put("kind", t.kind());
      actions.add("create " + t.resourceName() + " " + key);
      return Future.succeededFuture(store(t, key, c));
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public synchronized Future<ObjectNode> get(ResourceType t, String namespace, String name) {
    reads.incrementAndGet();
    ObjectNode o = table(t).get(new ObjectKey(t.namespaced() ? namespace : "", name));
    return o == null ? Future.failedFuture(StatusException.notFound(t, name)) : Future.succeededFuture(o.deepCopy());
  }

  @Override
  public synchronized Future<ObjectNode> list(ResourceType t, String namespace) {
    ObjectNode list = Json.object().put("apiVersion", t.apiVersion()).put("kind", t.kind() + "List");
    list.putObject("metadata").put("resourceVersion", Long.toString(rv - 1));
    ArrayNode items = list.putArray("items");
    items(t, namespace).forEach(o -> items.add(o.deepCopy()));
    return Future.succeededFuture(list);
  }

  @Override
  public synchronized Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o) {
    try {
      ObjectKey key = keyOf(t, obj);
      ObjectNode cur = current(t, key, obj, o);
      ObjectNode next = obj.deepCopy();
      if (t.hasSubresource("status")) {
        restore(next, cur, "status");
      }
      actions.add("update " + t.resourceName() + " " + key);
      return Future.succeededFuture(replace(t, key, cur, next, false));
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public synchronized Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o) {
    try {
      ObjectKey key = keyOf(t, obj);
      ObjectNode cur = current(t, key, obj, o);
      ObjectNode next = StatusSubresource.write(t, cur, obj);
      actions.add("update " + t.resourceName() + "/status " + key);
      return Future.succeededFuture(replace(t, key, cur, next, true));
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public synchronized Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType,
                                               JsonNode patch, WriteOptions o) {
    try {
      ObjectKey key = new ObjectKey(t.namespaced() ? namespace : "", name);
      ObjectNode cur = table(t).get(key);
      if (cur == null) {
        throw StatusException.notFound(t, name);
      }
      boolean binding = PodBinding.SUBRESOURCE.equals(o.subresource());
      ObjectNode next = binding ? PodBinding.bind(name, cur, patch) : Patches.apply(patchType, cur, patch, t, o);
      boolean statusOnly = "status".equals(o.subresource());
      if (statusOnly) {
        next = patchType.startsWith(Patches.APPLY) ? StatusSubresource.applied(t, cur, next)
            : StatusSubresource.write(t, cur, next);
      } else if (!binding && t.hasSubresource("status")) {
        restore(next, cur, "status");
      }
      actions.add("patch " + t.resourceName() + (o.subresource() == null ? " " : "/" + o.subresource() + " ") + key);
      return Future.succeededFuture(replace(t, key, cur, next, statusOnly));
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
  }

  @Override
  public synchronized Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o) {
    ObjectKey key = new ObjectKey(t.namespaced() ? namespace : "", name);
    ObjectNode cur = table(t).get(key);
    if (cur == null) {
      return Future.failedFuture(StatusException.notFound(t, name));
    }
    if (o.uid() != null && !o.uid().equals(cur.path("metadata").path("uid").asText())) {
      return Future.failedFuture(StatusException.conflict(t, name, "Precondition failed: UID in precondition: "
          + o.uid() + ", UID in object meta: " + cur.path("metadata").path("uid").asText()));
    }
    actions.add("delete " + t.resourceName() + " " + key);
    ObjectNode next = cur.deepCopy();
    ObjectNode m = Json.metadata(next);
    String policy = o.propagationPolicy();
    if ("Foreground".equals(policy) || "Orphan".equals(policy)) {
      String f = "Foreground".equals(policy) ? "foregroundDeletion" : "orphan";
      ArrayNode fs = m.has("finalizers") ? (ArrayNode) m.get("finalizers") : m.putArray("finalizers");
      boolean present = false;
      for (JsonNode x : fs) {
        present |= x.asText().equals(f);
      }
      if (!present) {
        fs.add(f);
      }
    }
    if (m.path("finalizers").isEmpty()) {
      table(t).remove(key);
      m.put("resourceVersion", Long.toString(rv++));
      handlers(t).forEach(h -> h.onDelete(next, rv - 1));
      return Future.succeededFuture(next);
    }
    if (!m.hasNonNull("deletionTimestamp")) {
      m.put("deletionTimestamp", now.truncatedTo(ChronoUnit.SECONDS).toString());
      m.put("deletionGracePeriodSeconds", 0);
    }
    return Future.succeededFuture(store(t, key, next));
  }

  private ObjectKey keyOf(ResourceType t, ObjectNode obj) {
    ObjectKey k = ObjectKey.of(obj);
    return t.namespaced() ? k : new ObjectKey("", k.name());
  }

  private ObjectNode current(ResourceType t, ObjectKey key, ObjectNode obj, WriteOptions o) {
    ObjectNode cur = table(t).get(key);
    if (cur == null) {
      throw StatusException.notFound(t, key.name());
    }
    String want = obj.path("metadata").path("resourceVersion").asText("");
    if (want.isEmpty() && o.resourceVersion() != null) {
      want = o.resourceVersion();
    }
    if (!want.isEmpty() && !want.equals(cur.path("metadata").path("resourceVersion").asText())) {
      throw StatusException.conflict(t, key.name(),
          "the object has been modified; please apply your changes to the latest version and try again");
    }
    return cur;
  }

  private ObjectNode replace(ResourceType t, ObjectKey key, ObjectNode cur, ObjectNode next, boolean statusOnly) {
    ObjectNode m = Json.metadata(next);
    JsonNode cm = cur.get("metadata");
    for (String f : List.of("uid", "creationTimestamp", "generation", "deletionTimestamp", "deletionGracePeriodSeconds")) {
      if (cm.has(f)) {
        m.set(f, cm.get(f));
      } else {
        m.remove(f);
      }
    }
    m.put("namespace", key.namespace());
    if (key.namespace().isEmpty()) {
      m.remove("namespace");
    }
    m.put("name", key.name());
    next.put("apiVersion", t.apiVersion()).put("kind", t.kind());
    if (!statusOnly) {
      Generation.onUpdate(t, cur, next);
    }
    if (m.hasNonNull("deletionTimestamp") && m.path("finalizers").isEmpty()) {
      table(t).remove(key);
      m.put("resourceVersion", Long.toString(rv++));
      handlers(t).forEach(h -> h.onDelete(next, rv - 1));
      return next;
    }
    return store(t, key, next);
  }

  private static void restore(ObjectNode target, ObjectNode from, String field) {
    if (from.has(field)) {
      target.set(field, from.get(field).deepCopy());
    } else {
      target.remove(field);
    }
  }

  private ObjectNode store(ResourceType t, ObjectKey key, ObjectNode o) {
    Json.metadata(o).put("resourceVersion", Long.toString(rv++));
    ObjectNode old = table(t).put(key, o);
    for (InformerHandler h : handlers(t)) {
      if (old == null) {
        h.onAdd(o);
      } else {
        h.onUpdate(old, o);
      }
    }
    return o.deepCopy();
  }

  private TreeMap<ObjectKey, ObjectNode> table(ResourceType t) {
    return objects.computeIfAbsent(t.resourceName(), k -> new TreeMap<>(
        (a, b) -> a.namespace().equals(b.namespace()) ? a.name().compareTo(b.name())
            : a.namespace().compareTo(b.namespace())));
  }

  private List<InformerHandler> handlers(ResourceType t) {
    return handlers.getOrDefault(t.resourceName(), List.of());
  }
}
