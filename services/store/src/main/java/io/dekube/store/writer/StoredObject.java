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

  /** {@code json}: the object without resourceVersion, as its store record's value has it. */
  StoredObject(byte[] json, long rv) {
    this.json = json;
    this.rv = rv;
  }

  /** A fresh tree of the object, without resourceVersion; the caller may change it. */
  @Override
  public ObjectNode object() {
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
