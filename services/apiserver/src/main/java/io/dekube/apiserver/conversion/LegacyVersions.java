package io.dekube.apiserver.conversion;

import java.util.List;
import java.util.Optional;

/**
 * The old API versions dekube serves next to the stored ones, so that the talk's 2017 manifests
 * apply unchanged: {@code apps/v1beta1}, {@code apps/v1beta2} and {@code extensions/v1beta1}
 * Deployments and {@code extensions/v1beta1} Ingresses. Discovery lists them as served,
 * non-preferred versions; the conversion code converts their objects to and from the stored
 * resource. A read-only table; thread-safe.
 *
 * <p>Created by the apiserver-front helper as the minimal agreement with the API-semantics helper,
 * who owns this package and this table after the merge.
 */
public final class LegacyVersions {

  /**
   * One old version of a stored resource.
   *
   * @param groupVersion       the old {@code apiVersion}, e.g. {@code extensions/v1beta1}
   * @param plural             the resource's plural under that version, e.g. {@code deployments}
   * @param kind               the kind, e.g. {@code Deployment}
   * @param storedResourceName the resource it is stored as ({@code ResourceType.resourceName()}),
   *                           e.g. {@code deployments.apps}
   */
  public record Entry(String groupVersion, String plural, String kind, String storedResourceName) {

    /** The API group: {@code extensions}. */
    public String group() {
      int slash = groupVersion.indexOf('/');
      return slash < 0 ? "" : groupVersion.substring(0, slash);
    }

    /** The version: {@code v1beta1}. */
    public String version() {
      return groupVersion.substring(groupVersion.indexOf('/') + 1);
    }
  }

  private static final List<Entry> ENTRIES = List.of(
      new Entry("apps/v1beta2", "deployments", "Deployment", "deployments.apps"),
      new Entry("apps/v1beta1", "deployments", "Deployment", "deployments.apps"),
      new Entry("extensions/v1beta1", "deployments", "Deployment", "deployments.apps"),
      new Entry("extensions/v1beta1", "ingresses", "Ingress", "ingresses.networking.k8s.io"));

  private LegacyVersions() {
  }

  /** Every entry, in the order discovery lists them (newer versions of a group first). */
  public static List<Entry> all() {
    return ENTRIES;
  }

  /** The entry for an old group, version and plural, if served. */
  public static Optional<Entry> find(String group, String version, String plural) {
    return ENTRIES.stream().filter(e -> e.group().equals(group) && e.version().equals(version)
        && e.plural().equals(plural)).findFirst();
  }

  /** The entry for an old apiVersion and kind, if served. */
  public static Optional<Entry> findByKind(String groupVersion, String kind) {
    return ENTRIES.stream().filter(e -> e.groupVersion().equals(groupVersion) && e.kind().equals(kind)).findFirst();
  }
}
