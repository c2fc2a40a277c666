package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ObjectKey;

/**
 * A decoded store record.
 *
 * @param key        the record key
 * @param value      the object with {@code metadata.resourceVersion} = offset; null for a tombstone, or when unreadable
 * @param offset     the record's offset
 * @param unreadable why no configured provider could read the value (encryption at rest), else null
 */
record StoreRecord(ObjectKey key, ObjectNode value, long offset, Informer.Unreadable unreadable) {

  StoreRecord(ObjectKey key, ObjectNode value, long offset) {
    this(key, value, offset, null);
  }
}
