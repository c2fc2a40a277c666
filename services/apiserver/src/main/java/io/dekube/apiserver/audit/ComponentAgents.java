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

  private static final ObjectNode VERSION = VersionEndpoint.document();
  private static final String BASE = base(VERSION);
  /** kubectl's: what an administrator's {@code kubectl apply} of an addon's manifests sends. */
  static final String KUBECTL = "kubectl" + BASE;
  /**
   * The User-Agents of the programs whose part dekube's own components play, built as those programs build them:
   * ingress-nginx's {@code <binary>/<release> (<os>/<arch>) ingress-nginx/<commit>} (the release kube 1.32's docs
   * install), CoreDNS's {@code CoreDNS/<version> git_commit:<commit> (<os>/<arch>/<go version>)} (the version
   * kubeadm 1.32 deploys); the commit and runtime are this build's, as in the others.
   */
  static final String INGRESS_NGINX = "nginx-ingress-controller/v1.12.0 (" + VERSION.path("platform").asText()
      + ") ingress-nginx/" + commit(VERSION);
  static final String COREDNS = "CoreDNS/1.11.3 git_commit:" + commit(VERSION) + " ("
      + VERSION.path("platform").asText() + "/" + VERSION.path("goVersion").asText() + ")";

  private ComponentAgents() {
  }

  /** client-go's {@code DefaultKubernetesUserAgent} without the command: {@code /v1.32.0 (linux/amd64) kubernetes/unknown}. */
  static String base(ObjectNode version) {
    String v = version.path("gitVersion").asText("");
    v = v.contains("-") ? v.substring(0, v.indexOf('-')) : v; // client-go keeps what is before the first dash
    return "/" + v + " (" + version.path("platform").asText("linux/amd64") + ") kubernetes/" + commit(version);
  }

  /** The commit as client-go cuts it: its first 7 characters, {@code unknown} when not stamped. */
  private static String commit(ObjectNode version) {
    String commit = version.path("gitCommit").asText("");
    return commit.isEmpty() ? "unknown" : commit.length() > 7 ? commit.substring(0, 7) : commit;
  }

  /**
   * The User-Agent of {@code user}'s informers: kube-controller-manager's shared informer factory has a client of
   * its own ({@code shared-informers}), kube-scheduler's uses its {@code scheduler} client, the others their one.
   */
  static String ofInformers(UserInfo user) {
    return switch (user.name()) {
      case "system:kube-controller-manager" -> "kube-controller-manager" + BASE + "/shared-informers";
      case "system:kube-scheduler" -> "kube-scheduler" + BASE + "/scheduler";
      default -> of(user, null);
    };
  }

  /** The User-Agent of {@code user}'s writes of {@code t} (null: its client's without a resource's suffix). */
  static String of(UserInfo user, ResourceType t) {
    String name = user.name();
    boolean lease = t != null && t.group().equals("coordination.k8s.io") && t.plural().equals("leases");
    boolean event = t != null && t.plural().equals("events");
    if (name.startsWith("system:node:")) {
      return "kubelet" + BASE;
    }
    if (name.equals(CONTROLLERS + "local-path-provisioner-service-account")) {
      return LOCAL_PATH_PROVISIONER;
    }
    if (name.equals(BusAudit.COREDNS.name())) {
      return COREDNS;
    }
    if (name.equals(BusAudit.INGRESS_NGINX.name())) {
      return INGRESS_NGINX;
    }
    if (name.equals(BusAudit.KUBE_PROXY.name())) {
      return "kube-proxy" + BASE;
    }
    if (name.equals(BusAudit.SERVICE_CONTROLLER.name())) {
      // k8s.io/cloud-provider's service controller, with --use-service-account-credentials as kube's
      return "cloud-controller-manager" + BASE + "/" + name;
    }
    if (name.startsWith(CONTROLLERS)) {
      return "kube-controller-manager" + BASE + "/" + name;
    }
    return switch (name) {
      case "system:kube-scheduler" -> "kube-scheduler" + BASE + (lease ? "/leader-election" : event ? "" : "/scheduler");
      case "system:kube-controller-manager" -> "kube-controller-manager" + BASE
          + (lease ? "/leader-election" : t != null && t.plural().equals("secrets") ? "/tokens-controller" : "");
      case "system:kube-proxy" -> "kube-proxy" + BASE;
      // the loopback client of kube-apiserver: client-go's default User-Agent for its binary
      case "system:apiserver" -> "kube-apiserver" + BASE;
      // kubeadm's admin.conf client: client-go's default User-Agent for the kubeadm binary
      case "kubernetes-admin" -> "kubeadm" + BASE;
      // dekube's own writers (the ingest): named after their field manager, as a client-go program of that name
      default -> (name.startsWith("system:dekube:") ? "dekube-" + name.substring("system:dekube:".length()) : "dekube")
          + BASE;
    };
  }
}
