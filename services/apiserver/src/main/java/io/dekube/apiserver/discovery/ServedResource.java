package io.dekube.apiserver.discovery;

import java.util.List;

/**
 * One resource as discovery lists it under one group version. Immutable.
 *
 * @param group              the group it is served under ("" for core)
 * @param version            the version it is served under
 * @param plural             e.g. {@code deployments}
 * @param singular           e.g. {@code deployment}
 * @param kind               e.g. {@code Deployment}
 * @param namespaced         whether objects live in namespaces
 * @param verbs              the verbs served on the collection and objects, sorted
 * @param shortNames         kubectl short names (none for old versions)
 * @param categories         categories such as {@code all} (none for old versions)
 * @param storageVersionHash hash of the stored group/version/kind, as kube-apiserver computes it
 * @param subresources       the subresources served under this version
 */
public record ServedResource(String group, String version, String plural, String singular, String kind,
                             boolean namespaced, List<String> verbs, List<String> shortNames, List<String> categories,
                             String storageVersionHash, List<SubresourceInfo> subresources) {

  /** The verbs every dekube resource serves. */
  public static final List<String> ALL_VERBS =
      List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");
  /** Namespaces: kube's namespace storage has no collection delete, so discovery lists none. */
  private static final List<String> NAMESPACE_VERBS =
      List.of("create", "delete", "get", "list", "patch", "update", "watch");

  /** The verbs a built-in resource serves, as kube 1.32's discovery lists them. */
  public static List<String> verbsOf(String group, String plural) {
    return deletesCollections(group, plural) ? ALL_VERBS : NAMESPACE_VERBS;
  }

  /** Whether DELETE on the collection is served (kube's 405 MethodNotAllowed where not). */
  public static boolean deletesCollections(String group, String plural) {
    return !(group.isEmpty() && plural.equals("namespaces"));
  }
}
