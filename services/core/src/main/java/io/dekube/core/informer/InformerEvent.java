package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One change of a store topic as an informer applied it: the unit a watch delivers and the
 * apiserver's watch cache keeps in its {@link EventWindow}. Immutable (treat {@code object} as
 * read-only).
 *
 * @param type   what happened
 * @param object the object after the change; for {@link Type#DELETED} the last object with
 *               {@code metadata.resourceVersion} set to the tombstone's offset
 * @param rv     the store record's offset, equal to {@code object.metadata.resourceVersion}
 */
public record InformerEvent(Type type, ObjectNode object, long rv) {

  /** Watch event types, spelled as in a Kubernetes {@code WatchEvent}. */
  public enum Type {
    ADDED, MODIFIED, DELETED
  }
}
