package io.dekube.apiserver.discovery;

import io.dekube.core.model.ResourceType;
import java.util.List;

/**
 * What discovery says about one subresource: its verbs and the group, version and kind it
 * answers with, as kube-apiserver lists them ({@code pods/status} get/patch/update Pod,
 * {@code deployments/scale} autoscaling/v1 Scale, {@code pods/log} get Pod...). Immutable.
 *
 * @param name    the subresource, e.g. {@code status}
 * @param verbs   the verbs it serves, sorted
 * @param group   the response kind's group ("" for core)
 * @param version the response kind's version
 * @param kind    the response kind
 */
public record SubresourceInfo(String name, List<String> verbs, String group, String version, String kind) {

  private static final List<String> GET_PATCH_UPDATE = List.of("get", "patch", "update");
  private static final List<String> CREATE = List.of("create");
  private static final List<String> CREATE_GET = List.of("create", "get");
  private static final List<String> PROXY = List.of("create", "delete", "get", "patch", "update");

  /** The discovery entry of {@code parent}'s subresource {@code name}. */
  public static SubresourceInfo of(ResourceType parent, String name) {
    return switch (name) {
      case "scale" -> new SubresourceInfo(name, GET_PATCH_UPDATE, "autoscaling", "v1", "Scale");
      case "binding" -> new SubresourceInfo(name, CREATE, "", "v1", "Binding");
      case "log" -> own(parent, name, List.of("get"));
      case "exec" -> new SubresourceInfo(name, CREATE_GET, "", "v1", "PodExecOptions");
      case "attach" -> new SubresourceInfo(name, CREATE_GET, "", "v1", "PodAttachOptions");
      case "portforward" -> new SubresourceInfo(name, CREATE_GET, "", "v1", "PodPortForwardOptions");
      case "proxy" -> new SubresourceInfo(name, PROXY, "", "v1", parent.kind() + "ProxyOptions");
      case "eviction" -> new SubresourceInfo(name, CREATE, "policy", "v1", "Eviction");
      case "finalize" -> own(parent, name, List.of("update"));
      case "token" -> new SubresourceInfo(name, CREATE, "authentication.k8s.io", "v1", "TokenRequest");
      default -> own(parent, name, GET_PATCH_UPDATE);
    };
  }

  private static SubresourceInfo own(ResourceType parent, String name, List<String> verbs) {
    return new SubresourceInfo(name, verbs, parent.group(), parent.version(), parent.kind());
  }
}
