package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@code metadata.generation}, as kube-apiserver's registry strategies keep it: only the kinds whose
 * strategy sets it to 1 on create and bumps it when the desired state changes (the workloads, Ingress,
 * IngressClass, PodDisruptionBudget, HorizontalPodAutoscaler, CRDs and every custom resource). Pods,
 * Services, ConfigMaps, Secrets, Nodes, Events and the other built-in kinds carry none: a client that
 * compares {@code status.observedGeneration} with it only does so for kinds that have both. The writer
 * and the in-memory store of unit tests both follow it. Stateless, thread-safe.
 */
public final class Generation {

  /** Built-in kinds whose strategy tracks generation (kube's pkg/registry/.../strategy.go). */
  private static final Set<String> TRACKED = Set.of(
      "replicationcontrollers", "podtemplates",
      "deployments.apps", "replicasets.apps", "statefulsets.apps", "daemonsets.apps",
      "jobs.batch", "cronjobs.batch",
      "horizontalpodautoscalers.autoscaling",
      "ingresses.networking.k8s.io", "ingressclasses.networking.k8s.io", "networkpolicies.networking.k8s.io",
      "poddisruptionbudgets.policy",
      "customresourcedefinitions.apiextensions.k8s.io",
      "validatingwebhookconfigurations.admissionregistration.k8s.io",
      "mutatingwebhookconfigurations.admissionregistration.k8s.io",
      "validatingadmissionpolicies.admissionregistration.k8s.io",
      "validatingadmissionpolicybindings.admissionregistration.k8s.io",
      "flowschemas.flowcontrol.apiserver.k8s.io", "prioritylevelconfigurations.flowcontrol.apiserver.k8s.io");

  /** Every built-in kind: what is not one is a custom resource (a CRD's or a plugin's), which tracks it. */
  private static final Set<String> BUILT_IN = ResourceRegistry.builtIn().all().stream()
      .map(ResourceType::resourceName).collect(Collectors.toUnmodifiableSet());

  private Generation() {
  }

  /** Whether objects of {@code type} carry a generation. */
  public static boolean tracked(ResourceType type) {
    return TRACKED.contains(type.resourceName()) || !BUILT_IN.contains(type.resourceName());
  }

  /** A create: generation 1 where the kind tracks it, none where it does not (a client's value is dropped). */
  public static void onCreate(ResourceType type, ObjectNode obj) {
    if (tracked(type)) {
      Json.metadata(obj).put("generation", 1L);
    } else {
      Json.metadata(obj).remove("generation");
    }
  }

  /**
   * An update of the main resource: the current generation, plus one when the desired state changed —
   * anything but metadata and status (a custom resource without a status subresource: anything but
   * metadata), and for a Deployment its annotations too, which it copies to its ReplicaSets.
   */
  public static void onUpdate(ResourceType type, ObjectNode current, ObjectNode next) {
    if (!tracked(type)) {
      return; // kept as stored (objects written before this rule keep theirs)
    }
    long gen = current.path("metadata").path("generation").asLong(0);
    boolean statusIsSpec = !BUILT_IN.contains(type.resourceName()) && !type.hasSubresource("status");
    boolean changed = !Json.sameValue(desired(current, statusIsSpec), desired(next, statusIsSpec))
        || "deployments.apps".equals(type.resourceName())
        && !Json.sameValue(current.path("metadata").path("annotations"), next.path("metadata").path("annotations"));
    Json.metadata(next).put("generation", changed ? gen + 1 : Math.max(gen, 1));
  }

  private static ObjectNode desired(ObjectNode o, boolean withStatus) {
    ObjectNode c = Json.object();
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      if (!e.getKey().equals("metadata") && (withStatus || !e.getKey().equals("status"))) {
        c.set(e.getKey(), e.getValue());
      }
    }
    return c;
  }
}
