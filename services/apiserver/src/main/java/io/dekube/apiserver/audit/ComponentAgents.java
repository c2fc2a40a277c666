package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.endpoints.VersionEndpoint;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.ResourceType;

/**
 * The User-Agent each of kube's components sends, by the user it writes as: client-go's default
 * ({@code <command>/<version> (<os>/<arch>) kubernetes/<commit>}, the version and commit of this build's
 * {@code /version}, cut as client-go cuts them), with the suffix the component's client builder adds —
 * kube-controller-manager's controllers their service account's user ({@code --use-service-account-credentials}),
 * its own client {@code leader-election} or {@code tokens-controller}, kube-scheduler {@code scheduler} (its events
 * and its leader election as kube's own clients for them). The field managers of the same writes are the first part
 * of these ({@code FieldManagedStore}). Pure.
 */
final class ComponentAgents {

  private static final String CONTROLLERS = "system:serviceaccount:kube-system:";
  /** Rancher's provisioner is built with client-go's defaults: no version stamped in. */
  static final String LOCAL_PATH_PROVISIONER = "local-path-provisioner/v0.0.0 (linux/amd64) kubernetes/$Format";

  private static final String BASE = base(VersionEndpoint.document());

  private ComponentAgents() {
  }

  /** client-go's {@code DefaultKubernetesUserAgent} without the command: {@code /v1.32.0 (linux/amd64) kubernetes/unknown}. */
  static String base(ObjectNode version) {
    String v = version.path("gitVersion").asText("");
    v = v.contains("-") ? v.substring(0, v.indexOf('-')) : v; // client-go keeps what is before the first dash
    String commit = version.path("gitCommit").asText("");
    commit = commit.isEmpty() ? "unknown" : commit.length() > 7 ? commit.substring(0, 7) : commit;
    return "/" + v + " (" + version.path("platform").asText("linux/amd64") + ") kubernetes/" + commit;
  }

  /** The User-Agent of {@code user}'s writes of {@code t}. */
  static String of(UserInfo user, ResourceType t) {
    String name = user.name();
    boolean lease = t.group().equals("coordination.k8s.io") && t.plural().equals("leases");
    boolean event = t.plural().equals("events");
    if (name.startsWith("system:node:")) {
      return "kubelet" + BASE;
    }
    if (name.equals(CONTROLLERS + "local-path-provisioner-service-account")) {
      return LOCAL_PATH_PROVISIONER;
    }
    if (name.startsWith(CONTROLLERS)) {
      return "kube-controller-manager" + BASE + "/" + name;
    }
    return switch (name) {
      case "system:kube-scheduler" -> "kube-scheduler" + BASE + (lease ? "/leader-election" : event ? "" : "/scheduler");
      case "system:kube-controller-manager" -> "kube-controller-manager" + BASE
          + (lease ? "/leader-election" : t.plural().equals("secrets") ? "/tokens-controller" : "");
      case "system:kube-proxy" -> "kube-proxy" + BASE;
      // dekube's own writers (the ingest): named after their field manager, as a client-go program of that name
      default -> (name.startsWith("system:dekube:") ? "dekube-" + name.substring("system:dekube:".length()) : "dekube")
          + BASE;
    };
  }
}
