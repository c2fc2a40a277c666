package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * One served old version of a stored resource, with its conversion to and from the stored version.
 * Immutable and thread-safe; conversions are pure and work on copies.
 *
 * @param entry            the table entry (old apiVersion, plural, kind, stored resource)
 * @param storedApiVersion the apiVersion objects are stored as, e.g. {@code apps/v1}
 */
public record LegacyVersion(LegacyVersions.Entry entry, String storedApiVersion, LegacyConverter converter) {

  /** The old apiVersion, e.g. {@code extensions/v1beta1}. */
  public String apiVersion() {
    return entry.groupVersion();
  }

  public String kind() {
    return entry.kind();
  }

  /** The stored resource, as {@code ResourceType.resourceName()}: {@code deployments.apps}. */
  public String storedResourceName() {
    return entry.storedResourceName();
  }

  /** An object of this old version converted to the stored version (a copy). */
  public ObjectNode toStored(ObjectNode legacy) {
    return converter.toStored(legacy, entry.groupVersion(), storedApiVersion);
  }

  /** A stored object converted to this old version (a copy). */
  public ObjectNode fromStored(ObjectNode stored) {
    return converter.fromStored(stored, entry.groupVersion());
  }
}
