package io.dekube.controllermanager.common;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.Typed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Typed reads of one cached resource: each cached tree is converted to its fabric8 model once and
 * the model is reused until the tree changes. Returned objects are shared: copy with {@link #copy}
 * before changing one. Thread-safe.
 *
 * @param <T> the model class
 */
public final class Lister<T> {

  private record Entry<T>(ObjectNode tree, T typed) {
  }

  private final ObjectCache cache;
  private final Class<T> type;
  private final Map<ObjectKey, Entry<T>> converted = new ConcurrentHashMap<>();

  public Lister(ObjectCache cache, Class<T> type) {
    this.cache = cache;
    this.type = type;
  }

  /** The underlying cache. */
  public ObjectCache cache() {
    return cache;
  }

  /** The object, or null. */
  public T get(String namespace, String name) {
    ObjectKey key = new ObjectKey(namespace, name);
    ObjectNode tree = cache.get(key);
    if (tree == null) {
      converted.remove(key);
      return null;
    }
    return typed(key, tree);
  }

  /** The object of a key, or null. */
  public T get(ObjectKey key) {
    return get(key.namespace(), key.name());
  }

  /** The objects of a namespace ("" = all). */
  public List<T> list(String namespace) {
    List<T> out = new ArrayList<>();
    for (ObjectNode tree : cache.list(namespace)) {
      out.add(typed(ObjectKey.of(tree), tree));
    }
    return out;
  }

  private T typed(ObjectKey key, ObjectNode tree) {
    Entry<T> e = converted.get(key);
    if (e != null && e.tree() == tree) {
      return e.typed();
    }
    T t = Typed.from(tree, type);
    converted.put(key, new Entry<>(tree, t));
    return t;
  }

  /** A deep copy of a model object, safe to change. */
  @SuppressWarnings("unchecked")
  public static <T> T copy(T obj) {
    return (T) Typed.from(Typed.tree(obj), obj.getClass());
  }
}
