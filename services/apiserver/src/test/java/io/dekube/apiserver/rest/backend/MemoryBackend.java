package io.dekube.apiserver.rest.backend;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.EventWindow;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.InformerEvent;
import io.dekube.core.model.Json;
import io.dekube.core.model.PodBinding;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StatusSubresource;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * An in-memory store and watch cache with the writer's and informer's semantics that matter to
 * the REST layer (resourceVersion per resource, preconditions, status subresource, finalizers,
 * event window), for tests without Kafka. Thread-safe (synchronized).
 */
public final class MemoryBackend implements ObjectStore {

  private final Map<String, Cache> caches = new HashMap<>();
  private final int windowCapacity;

  public MemoryBackend(int windowCapacity) {
    this.windowCapacity = windowCapacity;
  }

  /** The watch cache of a resource. */
  public synchronized Cache cache(ResourceType t) {
    return caches.computeIfAbsent(t.resourceName(), k -> new Cache(windowCapacity));
  }

  @Override
  public synchronized Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o) {
    lastCreate = o;
    return attempt(() -> cache(t).create(t, obj.deepCopy(), o));
  }

  @Override
  public synchronized Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o) {
    return attempt(() -> cache(t).update(t, obj.deepCopy(), o, false));
  }

  @Override
  public synchronized Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o) {
    return attempt(() -> cache(t).update(t, obj.deepCopy(), o, true));
  }

  private volatile WriteOptions lastPatch;
  private volatile WriteOptions lastCreate;

  /** The options of the last create (the request's user, field manager...), or null. */
  public WriteOptions lastCreate() {
    return lastCreate;
  }

  /** The options of the last patch (the writer's field manager, subresource...), or null. */
  public WriteOptions lastPatch() {
    return lastPatch;
  }

  @Override
  public synchronized Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType,
                                               JsonNode patch, WriteOptions o) {
    lastPatch = o;
    return attempt(() -> {
      Cache c = cache(t);
      ObjectNode current = c.get(namespace, name);
      if (current == null) {
        if (patchType.startsWith(Patches.APPLY)) {
          return c.create(t, Patches.apply(patchType, null, patch, t, o), o);
        }
        throw StatusException.notFound(t, name);
      }
      ObjectNode patched = PodBinding.SUBRESOURCE.equals(o.subresource()) ? PodBinding.bind(name, current, patch)
          : Patches.apply(patchType, current, patch, t, o);
      if (o.resourceVersion() != null) {
        Json.metadata(patched).put("resourceVersion", o.resourceVersion());
      } else {
        Json.metadata(patched).remove("resourceVersion");
      }
      boolean status = "status".equals(o.subresource());
      return c.update(t, patched, o.withResourceVersion(null), status, status && patchType.startsWith(Patches.APPLY));
    });
  }

  @Override
  public synchronized Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o) {
    return attempt(() -> cache(t).delete(t, namespace, name, o));
  }

  private static Future<ObjectNode> attempt(java.util.function.Supplier<ObjectNode> s) {
    try {
      return Future.succeededFuture(s.get());
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
  }

  /** One resource: objects by store key, its resource version, window and watchers. */
  public static final class Cache implements ObjectCache {
    private final TreeMap<String, ObjectNode> objects = new TreeMap<>();
    /** Keys whose store record no provider could read: {storage path, error} (encryption at rest). */
    private final Map<String, String[]> unreadable = new HashMap<>();
    private final EventWindow window;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private final List<Map.Entry<Long, Promise<Void>>> waiters = new ArrayList<>();
    private long rv;

    Cache(int capacity) {
      this.window = new EventWindow(capacity, 0);
    }

    private record Watcher(Context context, Handler<InformerEvent> handler) {
    }

    /** Marks an object as unreadable at rest, as an informer does when no configured provider reads its record. */
    public synchronized void unreadable(String namespace, String name, String path, String error) {
      unreadable.put(namespace + "/" + name, new String[] {path, error});
    }

    @Override
    public synchronized String unreadable(String namespace, String name) {
      String[] u = unreadable.get(namespace + "/" + name);
      return u == null ? null : u[1];
    }

    @Override
    public synchronized String unreadableIn(String namespace) {
      return unreadable.entrySet().stream().filter(e -> namespace.isEmpty() || e.getKey().startsWith(namespace + "/"))
          .map(e -> "unable to transform key \"" + e.getValue()[0] + "\": " + e.getValue()[1]).findFirst().orElse(null);
    }

    synchronized ObjectNode create(ResourceType t, ObjectNode obj, WriteOptions o) {
      ObjectNode m = Json.metadata(obj);
      if (m.path("name").asText("").isEmpty() && !m.path("generateName").asText("").isEmpty()) {
        m.put("name", m.get("generateName").asText() + UUID.randomUUID().toString().substring(0, 5));
      }
      String key = ObjectKey.of(obj).toString();
      if (objects.containsKey(key)) {
        throw StatusException.alreadyExists(t, m.path("name").asText());
      }
      m.put("uid", UUID.randomUUID().toString());
      m.put("creationTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
      m.put("generation", 1);
      return commit(o, InformerEvent.Type.ADDED, key, obj);
    }

    synchronized ObjectNode update(ResourceType t, ObjectNode obj, WriteOptions o, boolean statusOnly) {
      return update(t, obj, o, statusOnly, false);
    }

    /** {@code statusApplied}: a server-side apply of the status, whose managedFields the object carries. */
    synchronized ObjectNode update(ResourceType t, ObjectNode obj, WriteOptions o, boolean statusOnly,
                                   boolean statusApplied) {
      String key = ObjectKey.of(obj).toString();
      ObjectNode current = objects.get(key);
      String name = obj.path("metadata").path("name").asText();
      if (current == null) {
        throw StatusException.notFound(t, name);
      }
      String want = obj.path("metadata").path("resourceVersion").asText("");
      if (o.resourceVersion() != null) {
        want = o.resourceVersion();
      }
      if (!want.isEmpty() && !want.equals(current.path("metadata").path("resourceVersion").asText())) {
        throw StatusException.conflict(t, name,
            "the object has been modified; please apply your changes to the latest version and try again");
      }
      ObjectNode next;
      if (statusApplied) {
        next = StatusSubresource.applied(t, current, obj);
      } else if (statusOnly) {
        next = current.deepCopy();
        if (obj.has("status")) {
          next.set("status", obj.get("status"));
        }
      } else {
        next = obj;
        for (String f : new String[] {"uid", "creationTimestamp", "generation", "deletionTimestamp"}) {
          if (current.path("metadata").has(f)) {
            Json.metadata(next).set(f, current.path("metadata").get(f));
          }
        }
        if (t.hasSubresource("status") && !PodBinding.SUBRESOURCE.equals(o.subresource())) {
          if (current.has("status")) {
            next.set("status", current.get("status"));
          } else {
            next.remove("status");
          }
        }
      }
      if (next.path("metadata").has("deletionTimestamp") && next.path("metadata").path("finalizers").isEmpty()) {
        return commit(o, InformerEvent.Type.DELETED, key, next);
      }
      return commit(o, InformerEvent.Type.MODIFIED, key, next);
    }

    synchronized ObjectNode delete(ResourceType t, String ns, String name, WriteOptions o) {
      String key = new ObjectKey(ns, name).toString();
      ObjectNode current = objects.get(key);
      if (current == null) {
        throw StatusException.notFound(t, name);
      }
      if (o.uid() != null && !o.uid().equals(current.path("metadata").path("uid").asText())) {
        throw StatusException.conflict(t, name, "Precondition failed: UID in precondition: " + o.uid()
            + ", UID in object meta: " + current.path("metadata").path("uid").asText());
      }
      if (o.resourceVersion() != null
          && !o.resourceVersion().equals(current.path("metadata").path("resourceVersion").asText())) {
        throw StatusException.conflict(t, name, "Precondition failed: ResourceVersion in precondition: "
            + o.resourceVersion() + ", ResourceVersion in object meta: "
            + current.path("metadata").path("resourceVersion").asText());
      }
      ObjectNode next = current.deepCopy();
      if (!next.path("metadata").path("finalizers").isEmpty()) {
        Json.metadata(next).put("deletionTimestamp", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
        return commit(o, InformerEvent.Type.MODIFIED, key, next);
      }
      return commit(o, InformerEvent.Type.DELETED, key, next);
    }

    private ObjectNode commit(WriteOptions o, InformerEvent.Type type, String key, ObjectNode obj) {
      if (o.dryRun()) {
        Json.metadata(obj).put("resourceVersion", Long.toString(rv));
        return obj;
      }
      rv++;
      Json.metadata(obj).put("resourceVersion", Long.toString(rv));
      if (type == InformerEvent.Type.DELETED) {
        objects.remove(key);
      } else {
        objects.put(key, obj);
      }
      InformerEvent e = new InformerEvent(type, obj, rv);
      window.append(e);
      for (Watcher w : watchers) {
        w.context().runOnContext(v -> w.handler().handle(e));
      }
      waiters.removeIf(en -> {
        if (en.getKey() <= rv) {
          en.getValue().tryComplete();
          return true;
        }
        return false;
      });
      return obj;
    }

    @Override
    public Future<Void> start() {
      return Future.succeededFuture();
    }

    @Override
    public Future<Void> waitForCurrent() {
      return Future.succeededFuture();
    }

    @Override
    public synchronized Future<Void> waitFor(long target) {
      if (target <= rv) {
        return Future.succeededFuture();
      }
      Promise<Void> p = Promise.promise();
      waiters.add(Map.entry(target, p));
      return p.future();
    }

    @Override
    public synchronized long resourceVersion() {
      return rv;
    }

    @Override
    public synchronized ObjectNode get(String namespace, String name) {
      return objects.get(new ObjectKey(namespace, name).toString());
    }

    @Override
    public synchronized Snapshot snapshot(Predicate<ObjectNode> filter) {
      return new Snapshot(rv, objects.values().stream().filter(filter).toList());
    }

    @Override
    public EventWindow window() {
      return window;
    }

    @Override
    public synchronized Future<HandlerRegistration> watch(long afterRv, Handler<InformerEvent> handler) {
      List<InformerEvent> backlog;
      try {
        backlog = window.since(afterRv);
      } catch (StatusException e) {
        return Future.failedFuture(e);
      }
      Context ctx = Vertx.currentContext();
      Watcher w = new Watcher(ctx, handler);
      for (InformerEvent e : backlog) {
        ctx.runOnContext(v -> handler.handle(e));
      }
      watchers.add(w);
      return Future.succeededFuture(() -> watchers.remove(w));
    }
  }
}
