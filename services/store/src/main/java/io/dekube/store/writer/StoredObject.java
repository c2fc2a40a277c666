package io.dekube.store.writer;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** A committed object and the offset of its store record. Immutable by convention. */
record StoredObject(ObjectNode object, long rv) implements Versioned {
}
