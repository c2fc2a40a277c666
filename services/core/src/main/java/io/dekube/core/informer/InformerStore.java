package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The cache of an informer: objects by key, their indexes and the applied position. One writer
 * (the informer's context) applies whole batches under the write lock, so a reader on any thread
 * sees the state between two batches, never half of one.
 */
final class InformerStore {

  /** A change applied: the event and the object it replaced (null for ADDED). */
  record Change(InformerEvent event, ObjectNode old) {
  }

  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  private final Map<ObjectKey, ObjectNode> objects = new HashMap<>();
  private final Map<String, ObjectIndex> indexes = new HashMap<>();
  private long position;
  /** Keys whose last record no configured provider could read (encryption at rest). */
  private final Map<ObjectKey, Informer.Unreadable> unreadable = new HashMap<>();

  InformerStore() {
    indexes.put(Indexers.NAMESPACE, new ObjectIndex(Indexers.NAMESPACE, Indexers.namespace()));
    indexes.put(Indexers.NODE_NAME, new ObjectIndex(Indexers.NODE_NAME, Indexers.field(Indexers.NODE_NAME)));
  }

  /** Applies records in offset order and moves the position; returns the changes. Informer context only. */
  List<Change> apply(List<StoreRecord> records, long newPosition) {
    List<Change> changes = new ArrayList<>(records.size());
    lock.writeLock().lock();
    try {
      for (StoreRecord r : records) {
        Change c = applyOne(r);
        if (c != null) {
          changes.add(c);
        }
      }
      position = Math.max(position, newPosition);
    } finally {
      lock.writeLock().unlock();
    }
    return changes;
  }

  /**
   * Replaces every object with those {@code records} leave (a relist from the topic's beginning) and
   * sets the position, even to a lower one; returns what changed against the old content: ADDED,
   * MODIFIED (any difference, the resource version included), DELETED (at the new last rv).
   * Informer context only.
   */
  List<Change> replace(List<StoreRecord> records, long newPosition) {
    Map<ObjectKey, ObjectNode> next = new HashMap<>();
    Map<ObjectKey, Informer.Unreadable> bad = new HashMap<>();
    for (StoreRecord r : records) {
      if (r.unreadable() != null) {
        bad.put(r.key(), r.unreadable());
        continue;
      }
      bad.remove(r.key());
      if (r.value() == null) {
        next.remove(r.key());
      } else {
        next.put(r.key(), r.value());
      }
    }
    List<Change> changes = new ArrayList<>();
    lock.writeLock().lock();
    try {
      for (Map.Entry<ObjectKey, ObjectNode> e : next.entrySet()) {
        ObjectNode old = objects.get(e.getKey());
        if (!e.getValue().equals(old)) {
          long rv = Long.parseLong(e.getValue().path("metadata").path("resourceVersion").asText("-1"));
          changes.add(new Change(new InformerEvent(old == null ? InformerEvent.Type.ADDED : InformerEvent.Type.MODIFIED,
              e.getValue(), rv), old));
        }
      }
      for (Map.Entry<ObjectKey, ObjectNode> e : objects.entrySet()) {
        if (!next.containsKey(e.getKey())) {
          ObjectNode last = e.getValue().deepCopy();
          Json.metadata(last).put("resourceVersion", Long.toString(Math.max(newPosition - 1, 0)));
          changes.add(new Change(new InformerEvent(InformerEvent.Type.DELETED, last, Math.max(newPosition - 1, 0)),
              e.getValue()));
        }
      }
      for (Change c : changes) {
        ObjectKey key = ObjectKey.of(c.event().object());
        ObjectNode now = next.get(key);
        indexes.values().forEach(i -> i.update(key, c.old(), now));
        if (now == null) {
          objects.remove(key);
        } else {
          objects.put(key, now);
        }
      }
      position = newPosition;
      unreadable.clear();
      unreadable.putAll(bad);
    } finally {
      lock.writeLock().unlock();
    }
    return changes;
  }

  private Change applyOne(StoreRecord r) {
    if (r.unreadable() != null) {
      unreadable.put(r.key(), r.unreadable()); // the cache keeps the object it had
      return null;
    }
    if (!unreadable.isEmpty()) {
      unreadable.remove(r.key());
    }
    ObjectNode old = r.value() == null ? objects.remove(r.key()) : objects.put(r.key(), r.value());
    if (r.value() == null && old == null) {
      return null; // a tombstone whose object was compacted away before we read it
    }
    indexes.values().forEach(i -> i.update(r.key(), old, r.value()));
    if (r.value() != null) {
      InformerEvent.Type type = old == null ? InformerEvent.Type.ADDED : InformerEvent.Type.MODIFIED;
      return new Change(new InformerEvent(type, r.value(), r.offset()), old);
    }
    ObjectNode last = old.deepCopy();
    Json.metadata(last).put("resourceVersion", Long.toString(r.offset()));
    return new Change(new InformerEvent(InformerEvent.Type.DELETED, last, r.offset()), old);
  }

  /** Why the key's last record could not be read, or null. */
  Informer.Unreadable unreadable(ObjectKey key) {
    return read(() -> unreadable.isEmpty() ? null : unreadable.get(key));
  }

  /** The unreadable keys of a namespace ("" or null = all), in no order. */
  List<Informer.Unreadable> unreadable(String namespace) {
    return read(() -> unreadable.isEmpty() ? List.of() : unreadable.entrySet().stream()
        .filter(e -> namespace == null || namespace.isEmpty() || namespace.equals(e.getKey().namespace()))
        .map(Map.Entry::getValue).toList());
  }

  ObjectNode get(ObjectKey key) {
    return read(() -> objects.get(key));
  }

  List<ObjectNode> list(Predicate<ObjectNode> filter) {
    return read(() -> objects.values().stream().filter(filter).toList());
  }

  /** The objects under an index value, or null when there is no such index. */
  List<ObjectNode> byIndex(String name, String value) {
    return read(() -> {
      ObjectIndex index = indexes.get(name);
      return index == null ? null : index.get(value).stream().map(objects::get).toList();
    });
  }

  /** Adds (or replaces) an index and fills it from the current objects. Any thread. */
  void addIndex(String name, Function<ObjectNode, Collection<String>> fn) {
    lock.writeLock().lock();
    try {
      ObjectIndex index = new ObjectIndex(name, fn);
      objects.forEach((k, o) -> index.update(k, null, o));
      indexes.put(name, index);
    } finally {
      lock.writeLock().unlock();
    }
  }

  boolean hasIndex(String name) {
    return read(() -> indexes.containsKey(name));
  }

  /** The next offset to apply (every record below it is reflected). */
  long position() {
    return read(() -> position);
  }

  Informer.Snapshot snapshot(Predicate<ObjectNode> filter) {
    return read(() -> new Informer.Snapshot(position - 1, objects.values().stream().filter(filter).toList()));
  }

  int size() {
    return read(objects::size);
  }

  private <T> T read(Supplier<T> s) {
    lock.readLock().lock();
    try {
      return s.get();
    } finally {
      lock.readLock().unlock();
    }
  }
}
