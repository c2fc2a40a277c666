package io.dekube.controllermanager;

import io.dekube.core.auth.SystemUsers;
import io.dekube.core.auth.UserInfo;
import java.util.Map;

/**
 * Who each controller writes as: kube-controller-manager with {@code --use-service-account-credentials}
 * (as kubeadm runs it) gives each controller its own service account of {@code kube-system}, named as
 * kube names them; the token controller and leader election use the controller-manager's own
 * credentials. Pure.
 */
final class ControllerUsers {

  /** The namespace of the controllers' service accounts. */
  static final String NAMESPACE = "kube-system";

  /** {@link Controllers.Spec#name()} → the service account kube gives that controller. */
  private static final Map<String, String> ACCOUNTS = Map.ofEntries(
      Map.entry("replicaset", "replicaset-controller"),
      Map.entry("replicationcontroller", "replication-controller"),
      Map.entry("deployment", "deployment-controller"),
      Map.entry("endpoints", "endpoint-controller"),
      Map.entry("endpointslice", "endpointslice-controller"),
      Map.entry("namespace", "namespace-controller"),
      Map.entry("garbagecollector", "generic-garbage-collector"),
      Map.entry("statefulset", "statefulset-controller"),
      Map.entry("daemonset", "daemon-set-controller"),
      Map.entry("job", "job-controller"),
      Map.entry("cronjob", "cronjob-controller"),
      Map.entry("ttl-after-finished", "ttl-after-finished-controller"),
      Map.entry("disruption", "disruption-controller"),
      Map.entry("nodelifecycle", "node-controller"),
      Map.entry("tainteviction", "taint-eviction-controller"),
      Map.entry("podgc", "pod-garbage-collector"),
      Map.entry("nodeipam", "node-controller"),
      Map.entry("persistentvolume-binder", "persistent-volume-binder"),
      Map.entry("persistentvolume-reclaimer", "persistent-volume-binder"),
      Map.entry("pvc-protection", "pvc-protection-controller"),
      Map.entry("pv-protection", "pv-protection-controller"),
      Map.entry("ephemeral-volume", "ephemeral-volume-controller"),
      Map.entry("persistentvolume-expander", "expand-controller"),
      Map.entry("horizontalpodautoscaling", "horizontal-pod-autoscaler"),
      Map.entry("resourcequota", "resourcequota-controller"),
      Map.entry("serviceaccount", "service-account-controller"),
      Map.entry("root-ca-cert-publisher", "root-ca-cert-publisher"),
      // not kube's: the local-path provisioner runs inside the controller-manager here
      Map.entry("local-path-provisioner", "local-path-provisioner-service-account"),
      Map.entry("local-path-reclaimer", "local-path-provisioner-service-account"));

  private ControllerUsers() {
  }

  /** The user of the controller named {@code controller}; the controller-manager's own for the rest. */
  static UserInfo of(String controller) {
    String account = ACCOUNTS.get(controller);
    return account == null ? SystemUsers.KUBE_CONTROLLER_MANAGER : SystemUsers.serviceAccount(NAMESPACE, account);
  }
}
