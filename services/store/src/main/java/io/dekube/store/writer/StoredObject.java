package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * A committed object and the offset of its store record. The writer holds every object of the
 * cluster, so it keeps each as the JSON of its store record (~600 bytes for a small ConfigMap) and
 * not as a Jackson tree (~4 KB of small maps, strings and nodes, which garbage collection must copy
 * and trace): {@link #object()} parses it on each call, which costs microseconds for an object
 * of a few kilobytes. Immutable.
 */
final class StoredObject implements Versioned {

  private final byte[] json;
  private final long rv;
  private final boolean stale;
  /** Why no configured provider could read the record (encryption at rest), else null. */
  private final String unreadable;

  /** {@code json}: the object without resourceVersion, as its store record's value has it (decrypted). */
  StoredObject(byte[] json, long rv) {
    this(json, rv, false, null);
  }

  private StoredObject(byte[] json, long rv, boolean stale, String unreadable) {
    this.json = json;
    this.rv = rv;
    this.stale = stale;
    this.unreadable = unreadable;
  }

  /** An object whose record was read by another provider or key than the first: an update rewrites it. */
  static StoredObject stale(byte[] json, long rv) {
    return new StoredObject(json, rv, true, null);
  }

  /**
   * An object whose record no configured provider can read: every request that needs it fails with kube's
   * {@code Internal error occurred: <error>}, as kube-apiserver's storage does for a value it cannot transform.
   */
  static StoredObject unreadable(String error, long rv) {
    return new StoredObject(null, rv, false, error);
  }

  @Override
  public void requireReadable() {
    if (unreadable != null) {
      throw io.dekube.core.model.StatusException.internal("Internal error occurred: " + unreadable);
    }
  }

  @Override
  public boolean stale() {
    return stale;
  }

  /** A fresh tree of the object, without resourceVersion; the caller may change it. */
  @Override
  public ObjectNode object() {
    requireReadable();
    try {
      return (ObjectNode) Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("a stored object no longer parses", e); // it parsed when stored
    }
  }

  @Override
  public long rv() {
    return rv;
  }

  /** {@link #object()} is a fresh tree already. */
  @Override
  public ObjectNode copy() {
    return object();
  }
}
