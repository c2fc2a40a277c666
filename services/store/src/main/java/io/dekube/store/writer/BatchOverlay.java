package io.dekube.store.writer;

import io.dekube.core.model.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * A copy-on-write view of the committed state for one batch: later requests of the batch see the
 * writes of earlier ones, while the committed {@link ResourceState}s stay untouched until the
 * batch's transaction commits (writer rule 4). Confined to the writer's loop thread.
 */
final class BatchOverlay {

  private final Function<ResourceType, ResourceState> base;
  private final Map<String, Map<String, StoreWrite>> latest = new HashMap<>();
  private final Map<String, StoreWrite> lastWriteOfResource = new HashMap<>();
  private final List<StoreWrite> writes = new ArrayList<>();

  /** @param base the committed state of a resource (created empty or loaded on demand) */
  BatchOverlay(Function<ResourceType, ResourceState> base) {
    this.base = base;
  }

  /** The current object under {@code key}, or null when absent (or deleted in this batch). */
  Versioned get(ResourceType type, String key) {
    StoreWrite w = latest.getOrDefault(type.resourceName(), Map.of()).get(key);
    if (w != null) {
      return w.tombstone() ? null : w;
    }
    return base.apply(type).get(key);
  }

  /** The current objects of a namespace ("" = all), in key order. */
  List<Versioned> list(ResourceType type, String namespace) {
    Map<String, StoreWrite> mine = latest.getOrDefault(type.resourceName(), Map.of());
    ResourceState committed = base.apply(type);
    if (mine.isEmpty()) {
      return new ArrayList<>(committed.list(namespace));
    }
    TreeMap<String, Versioned> merged = new TreeMap<>(committed.byKey(namespace));
    String prefix = namespace == null || namespace.isEmpty() ? "" : namespace + "/";
    for (Map.Entry<String, StoreWrite> e : mine.entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        continue;
      }
      if (e.getValue().tombstone()) {
        merged.remove(e.getKey());
      } else {
        merged.put(e.getKey(), e.getValue());
      }
    }
    return new ArrayList<>(merged.values());
  }

  /**
   * The offset of the resource's last record as the replies of this batch must report it: the last
   * write of this batch (known once sent), else the committed last offset.
   */
  java.util.function.LongSupplier lastOffset(ResourceType type) {
    StoreWrite w = lastWriteOfResource.get(type.resourceName());
    if (w != null) {
      return w::offset;
    }
    long committed = base.apply(type).lastOffset();
    return () -> committed;
  }

  /** Records a write of this batch. */
  void put(StoreWrite w) {
    latest.computeIfAbsent(w.type().resourceName(), k -> new LinkedHashMap<>()).put(w.key(), w);
    lastWriteOfResource.put(w.type().resourceName(), w);
    writes.add(w);
  }

  /** The writes of this batch, in order. */
  List<StoreWrite> writes() {
    return writes;
  }
}
