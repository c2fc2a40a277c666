package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;

/**
 * One store record a batch will send: the object to store, or a tombstone. {@link #offset()} is set
 * once the record's send completed (its future), before the replies are built. Confined to the
 * writer's loop thread.
 */
final class StoreWrite implements Versioned {

  private final ResourceType type;
  private final String key;
  private final ObjectNode object;
  private final boolean tombstone;
  private final byte[] value;
  private final byte[] atRest;
  private final String uid;
  private final String requestId;
  private long offset = -1;

  private StoreWrite(ResourceType type, String key, ObjectNode object, boolean tombstone, byte[] value,
                     byte[] atRest, String uid, String requestId) {
    this.type = type;
    this.key = key;
    this.object = object;
    this.tombstone = tombstone;
    this.value = value;
    this.atRest = atRest;
    this.uid = uid;
    this.requestId = requestId;
  }

  /**
   * A record storing {@code object} (without resourceVersion), serialized as {@code value} and kept on the topic as
   * {@code atRest} (the value itself, or encrypted when its resource is encrypted at rest).
   */
  static StoreWrite put(ResourceType type, String key, ObjectNode object, byte[] value, byte[] atRest, String uid,
                        String requestId) {
    return new StoreWrite(type, key, object, false, value, atRest, uid, requestId);
  }

  /** A tombstone; {@code lastState} is the object as deleted (for the reply), never stored. */
  static StoreWrite tombstone(ResourceType type, String key, ObjectNode lastState, String uid, String requestId) {
    return new StoreWrite(type, key, lastState, true, null, null, uid, requestId);
  }

  ResourceType type() {
    return type;
  }

  String key() {
    return key;
  }

  /** The stored object, or for a tombstone the object's last state. */
  @Override
  public ObjectNode object() {
    return object;
  }

  boolean tombstone() {
    return tombstone;
  }

  /** The record value: the object's JSON, null for a tombstone. */
  byte[] value() {
    return value;
  }

  /** The record value on the topic: {@link #value()}, encrypted when the resource is; null for a tombstone. */
  byte[] atRest() {
    return atRest;
  }

  String uid() {
    return uid;
  }

  String requestId() {
    return requestId;
  }

  @Override
  public long rv() {
    return offset;
  }

  long offset() {
    return offset;
  }

  void offset(long offset) {
    this.offset = offset;
  }
}
