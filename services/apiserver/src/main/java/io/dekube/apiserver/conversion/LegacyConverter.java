package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Converts one kind between an old served version and its stored version. Pure; works on copies. */
interface LegacyConverter {

  /** The object of the old version (any {@code apiVersion} of the entry) as the stored version. */
  ObjectNode toStored(ObjectNode legacy, String legacyApiVersion, String storedApiVersion);

  /** The stored object as the old version. */
  ObjectNode fromStored(ObjectNode stored, String legacyApiVersion);
}
