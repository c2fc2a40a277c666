package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The committed objects of one resource, by store key, in key order, and the store topic's last
 * offset. Changed only with committed records (after a rebuild read, or after a batch's transaction
 * committed). Confined to the writer's loop thread.
 */
final class ResourceState {

  private final ResourceType type;
  private final TreeMap<String, StoredObject> objects = new TreeMap<>();
  private long lastOffset = -1;

  ResourceState(ResourceType type) {
    this.type = type;
  }

  ResourceType type() {
    return type;
  }

  /**
   * Applies a committed record: an object (the record's JSON value, without resourceVersion), or a
   * tombstone ({@code json} null).
   */
  void apply(String key, byte[] json, long offset) {
    if (json == null) {
      objects.remove(key);
    } else {
      objects.put(key, new StoredObject(json, offset));
    }
    lastOffset = Math.max(lastOffset, offset);
  }

  /** Applies a committed record read by the rebuild: an object, possibly stale or unreadable (encryption at rest). */
  void apply(String key, StoredObject object) {
    objects.put(key, object);
    lastOffset = Math.max(lastOffset, object.rv());
  }

  /** Raises the last offset to cover records that hold no object (transaction markers, aborted records). */
  void advanceTo(long offset) {
    lastOffset = Math.max(lastOffset, offset);
  }

  StoredObject get(String key) {
    return objects.get(key);
  }

  /** The objects of a namespace ("" = all), in key order. */
  List<StoredObject> list(String namespace) {
    return new ArrayList<>(byKey(namespace).values());
  }

  /** A read-only view of the objects of a namespace ("" = all) by store key. */
  NavigableMap<String, StoredObject> byKey(String namespace) {
    return Collections.unmodifiableNavigableMap(namespace == null || namespace.isEmpty() ? objects
        : objects.subMap(namespace + "/", true, namespace + "0", false)); // '0' follows '/'
  }

  /** The offset of the last record known (-1 for an empty topic). */
  long lastOffset() {
    return lastOffset;
  }

  int size() {
    return objects.size();
  }
}
