package io.dekube.core.model;

import java.util.List;

/**
 * One kind of object the cluster stores: its group, served version, plural name and scope.
 * Immutable and thread-safe.
 *
 * @param group        API group, "" for core
 * @param version      the stored (and preferred served) version
 * @param plural       lower-case plural resource name, e.g. {@code deployments}
 * @param singular     lower-case singular name, e.g. {@code deployment}
 * @param kind         the object's kind, e.g. {@code Deployment}
 * @param namespaced   whether objects live in a namespace
 * @param shortNames   kubectl short names, e.g. {@code deploy}
 * @param categories   discovery categories, e.g. {@code all}
 * @param subresources served subresources, e.g. {@code status}, {@code scale}
 */
public record ResourceType(String group, String version, String plural, String singular, String kind,
                           boolean namespaced, List<String> shortNames, List<String> categories,
                           List<String> subresources) {

  /** The {@code apiVersion} of objects of this type: {@code v1} or {@code apps/v1}. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** The name that identifies this resource on the bus: {@code pods}, {@code deployments.apps}. */
  public String resourceName() {
    return group.isEmpty() ? plural : plural + "." + group;
  }

  /** The compacted store topic: {@code dekube.store.pods}, {@code dekube.store.deployments.apps}. */
  public String storeTopic() {
    return "dekube.store." + resourceName();
  }

  /** Whether the resource serves the named subresource. */
  public boolean hasSubresource(String name) {
    return subresources.contains(name);
  }
}
