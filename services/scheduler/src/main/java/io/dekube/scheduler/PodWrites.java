package io.dekube.scheduler;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.event.EventRecorder;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * The scheduler's writes: binding (the {@code pods/binding} subresource: {@code spec.nodeName} and
 * the {@code PodScheduled} condition in one write), the {@code PodScheduled=False} condition of a pod
 * that failed to be scheduled, {@code nominatedNodeName}, deleting victims and Events. Futures complete on
 * the caller's context.
 */
final class PodWrites {

  private final StoreApi store;
  private final ResourceType pods;
  private final EventBroadcaster broadcaster;

  PodWrites(StoreApi store, ResourceRegistry registry, EventBroadcaster broadcaster) {
    this.store = store;
    this.pods = registry.byGroupPlural("", "pods").orElseThrow();
    this.broadcaster = broadcaster;
  }

  /**
   * Binds through the {@code pods/binding} subresource (precondition: the same pod uid): one write
   * that sets the node name and PodScheduled=True, refused when the pod is bound or being deleted.
   */
  Future<Void> bind(Pod pod, String node) {
    ObjectNode binding = Json.object();
    binding.putObject("spec").put("nodeName", node);
    return store.patch(pods, pod.getMetadata().getNamespace(), pod.getMetadata().getName(), Patches.MERGE, binding,
        WriteOptions.none().withUid(pod.getMetadata().getUid()).withSubresource("binding")).mapEmpty();
  }

  /**
   * Sets PodScheduled=False with {@code reason} ({@code Unschedulable}, {@code SchedulerError}) and {@code message},
   * as kube's {@code updatePod} with {@code UpdatePodCondition}: nothing is written when the condition already has
   * that status, reason and message, and the transition time is kept while the status stays False.
   */
  Future<Void> markNotScheduled(Pod pod, String reason, String message) {
    PodCondition old = null;
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition c : pod.getStatus().getConditions()) {
        if ("PodScheduled".equals(c.getType())) {
          old = c;
        }
      }
    }
    if (old != null && "False".equals(old.getStatus()) && reason.equals(old.getReason())
        && message.equals(old.getMessage()) && old.getLastProbeTime() == null) {
      return Future.succeededFuture();
    }
    String since = old != null && "False".equals(old.getStatus()) && old.getLastTransitionTime() != null
        ? old.getLastTransitionTime() : Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
    return store.patch(pods, pod.getMetadata().getNamespace(), pod.getMetadata().getName(), Patches.MERGE,
        conditions(pod, "False", reason, message, since), WriteOptions.none().withSubresource("status")).mapEmpty();
  }

  private static ObjectNode conditions(Pod pod, String status, String reason, String message, String since) {
    ObjectNode c = Json.object().put("type", "PodScheduled").put("status", status);
    c.putNull("lastProbeTime");
    c.put("lastTransitionTime", since);
    if (reason != null) {
      c.put("reason", reason).put("message", message);
    }
    // kube's UpdatePodCondition: the condition replaced where it is, else appended
    ArrayNode list = Json.MAPPER.createArrayNode();
    boolean placed = false;
    if (pod.getStatus() != null && pod.getStatus().getConditions() != null) {
      for (PodCondition old : pod.getStatus().getConditions()) {
        boolean scheduled = "PodScheduled".equals(old.getType());
        list.add(scheduled ? c : io.dekube.core.model.Typed.tree(old));
        placed |= scheduled;
      }
    }
    if (!placed) {
      list.add(c);
    }
    ObjectNode patch = Json.object();
    patch.putObject("status").set("conditions", list);
    return patch;
  }

  /** Sets (or clears, with null) {@code status.nominatedNodeName}. */
  Future<Void> nominate(Pod pod, String node) {
    ObjectNode patch = Json.object();
    ObjectNode st = patch.putObject("status");
    if (node == null) {
      st.putNull("nominatedNodeName");
    } else {
      st.put("nominatedNodeName", node);
    }
    return store.patch(pods, pod.getMetadata().getNamespace(), pod.getMetadata().getName(), Patches.MERGE, patch,
        WriteOptions.none().withSubresource("status")).mapEmpty();
  }

  /**
   * Sets a pod's {@code DisruptionTarget} condition (True, {@code reason}, {@code message}) by a strategic
   * merge of its status (conditions merge by type), by uid.
   */
  Future<Void> markDisrupted(Pod pod, String reason, String message) {
    ObjectNode patch = Json.object();
    patch.putObject("status").putArray("conditions").addObject().put("type", "DisruptionTarget").put("status", "True")
        .put("reason", reason).put("message", message)
        .put("lastTransitionTime", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    return store.patch(pods, pod.getMetadata().getNamespace(), pod.getMetadata().getName(), Patches.STRATEGIC_MERGE,
        patch, WriteOptions.none().withSubresource("status").withUid(pod.getMetadata().getUid())).mapEmpty();
  }

  /** Deletes a pod (a preemption victim), by uid. */
  Future<Void> delete(Pod pod) {
    return store.delete(pods, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
        WriteOptions.none().withUid(pod.getMetadata().getUid())).mapEmpty();
  }

  /**
   * Records an Event about a pod through the events.k8s.io broadcaster, as kube-scheduler does: reported by the
   * pod's profile ({@code spec.schedulerName}), with kube's action for the reason ({@code Scheduling},
   * {@code Binding}, {@code Preempting}).
   */
  void event(Pod pod, String type, String reason, String message) {
    event(pod, null, type, reason, message);
  }

  /** An Event about a pod that names a related pod (a victim's {@code Preempted}: its preemptor), or null. */
  void event(Pod pod, Pod related, String type, String reason, String message) {
    broadcaster.record(PodEvents.schedulerName(related != null ? related : pod), EventRecorder.reference(pod, null),
        related == null ? null : EventRecorder.reference(related, null), type, reason, action(reason), message);
  }

  /** kube-scheduler's action of each of its reasons ({@code Scheduling} for a plugin's own). */
  static String action(String reason) {
    return switch (reason) {
      case "Scheduled" -> "Binding";
      case "Preempted" -> "Preempting";
      default -> "Scheduling";
    };
  }
}
