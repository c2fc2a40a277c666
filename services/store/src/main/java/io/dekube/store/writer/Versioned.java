package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/** An object as the store holds it (without resourceVersion) and the offset of its record. */
interface Versioned {

  /** The object without {@code metadata.resourceVersion}; never modify it. */
  ObjectNode object();

  /** Fails with kube's Internal error when no configured provider could read its store record. */
  default void requireReadable() {
  }

  /** Whether its store record was read by another provider or key than the first (a write must re-encrypt it). */
  default boolean stale() {
    return false;
  }

  /** The offset of the object's store record; -1 while that record is not yet sent. */
  long rv();

  /** A copy of the object with {@code metadata.resourceVersion} set (left out while unknown). */
  default ObjectNode withRv() {
    return putRv(copy(), rv());
  }

  /** A tree of the object (without resourceVersion) that the caller may change. */
  default ObjectNode copy() {
    return object().deepCopy();
  }

  /** Sets {@code metadata.resourceVersion} of {@code object} to {@code rv} (unless negative); returns it. */
  static ObjectNode putRv(ObjectNode object, long rv) {
    if (rv >= 0) {
      Json.metadata(object).put("resourceVersion", Long.toString(rv));
    }
    return object;
  }
}
