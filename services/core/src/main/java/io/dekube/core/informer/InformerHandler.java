package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ObjectKey;
import java.util.function.Consumer;

/**
 * Receives the changes an {@link Informer} applies, on the Vert.x context that was current when
 * the handler was added ({@link Informer#addHandler}). A handler added to an informer that already
 * holds objects first gets {@link #onAdd} for each of them, as client-go does, then every change in
 * store order. Objects are shared with the informer's cache: treat them as immutable (copy with
 * {@code deepCopy()} before changing one).
 */
public interface InformerHandler {

  /** An object appeared (or was there when the handler was added). */
  void onAdd(ObjectNode object);

  /** An object changed; both carry their own {@code metadata.resourceVersion}. */
  void onUpdate(ObjectNode oldObject, ObjectNode newObject);

  /**
   * An object was deleted (a tombstone).
   *
   * @param last the last object, with {@code metadata.resourceVersion} = the tombstone's offset
   * @param rv   the tombstone's offset
   */
  void onDelete(ObjectNode last, long rv);

  /**
   * A handler that only reports the key of every changed object, for controllers that enqueue
   * keys into a work queue and re-read the cache when they sync.
   */
  static InformerHandler keys(Consumer<ObjectKey> enqueue) {
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        enqueue.accept(ObjectKey.of(object));
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        enqueue.accept(ObjectKey.of(newObject));
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        enqueue.accept(ObjectKey.of(last));
      }
    };
  }
}
