package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import java.util.List;

/**
 * The read side of one resource that controllers use: an {@link Informer}'s cache, or an
 * {@code InMemoryStore}'s in unit tests. Reads may come from any thread; objects returned are the
 * cached instances, to be treated as immutable.
 */
public interface ObjectCache {

  /** The resource cached. */
  ResourceType type();

  /** The cached object, or null. */
  ObjectNode get(ObjectKey key);

  /** The objects of a namespace ("" = all namespaces). */
  List<ObjectNode> list(String namespace);

  /**
   * Adds a handler of changes; it first gets {@code onAdd} for every cached object. Which thread
   * calls it is the implementation's: the informer uses the caller's Vert.x context.
   */
  HandlerRegistration addHandler(InformerHandler h);
}
