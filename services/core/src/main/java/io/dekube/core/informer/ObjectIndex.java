package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ObjectKey;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One index of an informer's cache: value to keys. Not thread-safe: {@link InformerStore} guards it. */
final class ObjectIndex {

  private static final Logger LOG = LoggerFactory.getLogger(ObjectIndex.class);

  private final String name;
  private final Function<ObjectNode, Collection<String>> fn;
  private final Map<String, Set<ObjectKey>> keys = new HashMap<>();

  ObjectIndex(String name, Function<ObjectNode, Collection<String>> fn) {
    this.name = name;
    this.fn = fn;
  }

  void update(ObjectKey key, ObjectNode oldObject, ObjectNode newObject) {
    if (oldObject != null) {
      for (String v : values(key, oldObject)) {
        Set<ObjectKey> set = keys.get(v);
        if (set != null && set.remove(key) && set.isEmpty()) {
          keys.remove(v);
        }
      }
    }
    if (newObject != null) {
      for (String v : values(key, newObject)) {
        keys.computeIfAbsent(v, x -> new LinkedHashSet<>()).add(key);
      }
    }
  }

  /** The values of an object; a failing or null-returning index function indexes it under none. */
  private Collection<String> values(ObjectKey key, ObjectNode object) {
    try {
      Collection<String> values = fn.apply(object);
      return values == null ? Set.of() : values;
    } catch (RuntimeException e) {
      LOG.warn("index {} failed on {}: {}", name, key, e.toString());
      return Set.of();
    }
  }

  Set<ObjectKey> get(String value) {
    return keys.getOrDefault(value, Set.of());
  }
}
