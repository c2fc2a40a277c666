package io.dekube.apiserver.openapi;

import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' OpenAPI definition names: {@code io.k8s.api.apps.v1.Deployment} for a group's types,
 * {@code io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta} for the shared meta types. Pure.
 */
public final class SchemaNames {

  static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  static final String TIME = META + "Time";
  static final String INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";
  static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  static final String FIELDS_V1 = META + "FieldsV1";
  static final String PATCH = META + "Patch";

  /** client-java model simple names (without version prefix) that live in meta/v1. */
  static final Set<String> META_TYPES = Set.of("ObjectMeta", "ListMeta", "LabelSelector",
      "LabelSelectorRequirement", "ManagedFieldsEntry", "OwnerReference", "Status", "StatusDetails",
      "StatusCause", "DeleteOptions", "Preconditions", "Condition", "WatchEvent", "APIResource",
      "APIResourceList", "APIGroup", "APIGroupList", "APIVersions", "GroupVersionForDiscovery",
      "ServerAddressByClientCIDR");

  private static final Map<String, String> GROUP_PACKAGES = Map.of(
      "apiextensions.k8s.io", "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions",
      "apiregistration.k8s.io", "io.k8s.kube-aggregator.pkg.apis.apiregistration");

  private SchemaNames() {
  }

  /** The package prefix of a group-version's types: {@code io.k8s.api.apps.v1.}. */
  public static String packageOf(String group, String version) {
    if (group.isEmpty()) {
      return "io.k8s.api.core." + version + ".";
    }
    String pkg = GROUP_PACKAGES.get(group);
    if (pkg != null) {
      return pkg + "." + version + ".";
    }
    String first = group.contains(".") ? group.substring(0, group.indexOf('.')) : group;
    return "io.k8s.api." + first + "." + version + ".";
  }

  /** The kube type name of a client-java model class: {@code V1DeploymentSpec} → {@code DeploymentSpec}. */
  public static String typeName(Class<?> modelClass) {
    String n = modelClass.getSimpleName();
    if (n.startsWith("CoreV1") || n.startsWith("EventsV1") || n.startsWith("DiscoveryV1")
        || n.startsWith("StorageV1") || n.startsWith("RbacV1") || n.startsWith("AuthenticationV1")) {
      return n.replaceFirst("^[A-Z][a-z]+V1", "");
    }
    return n.replaceFirst("^V[0-9]+((alpha|beta)[0-9]+)?", "");
  }

  /** The client-java class-name prefix of a version: {@code v1} → {@code V1}, {@code v1beta1} → {@code V1beta1}. */
  public static String classPrefix(String version) {
    return "V" + version.substring(1);
  }
}
