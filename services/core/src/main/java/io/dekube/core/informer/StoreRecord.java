package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ObjectKey;

/**
 * A decoded store record.
 *
 * @param key    the record key
 * @param value  the object with {@code metadata.resourceVersion} = offset; null for a tombstone
 * @param offset the record's offset
 */
record StoreRecord(ObjectKey key, ObjectNode value, long offset) {
}
