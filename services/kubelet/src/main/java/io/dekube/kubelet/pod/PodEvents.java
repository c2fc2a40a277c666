package io.dekube.kubelet.pod;

import io.dekube.core.event.EventRecorder;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.StoreApi;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The kubelet's Events about pods and its node ({@code source.component: kubelet},
 * {@code source.host} and {@code reportingInstance}: the node's name), through core's
 * {@link EventRecorder} (so repeats are counted as kube counts them). Also remembers which images
 * this node has pulled, for {@code IfNotPresent}. Simulated nodes record nothing, as kwok's nodes.
 * Thread-safe.
 */
public final class PodEvents {

  /** The component name kube's kubelet reports. */
  public static final String COMPONENT = "kubelet";

  private final EventRecorder recorder;
  private final String nodeName;
  private final Set<String> pulled = new HashSet<>();

  /** @param enabled false: nothing is written (simulated nodes) */
  public PodEvents(StoreApi store, String nodeName, boolean enabled) {
    this.nodeName = nodeName;
    this.recorder = enabled ? new EventRecorder(store, ResourceRegistry.builtIn().byResourceName("events")
        .orElseThrow(), Clock.systemUTC(), nodeName, nodeName) : null;
  }

  /** An event about a pod ({@code container} null) or one of its containers. */
  public void pod(Pod pod, ContainerRecord container, String type, String reason, String message) {
    if (recorder == null) {
      return;
    }
    String field = container == null ? null
        : (container.init ? "spec.initContainers{"
            : container.ephemeral ? "spec.ephemeralContainers{" : "spec.containers{") + container.name + "}";
    ObjectReference ref = EventRecorder.reference(pod, field);
    ref.setApiVersion("v1");
    ref.setKind("Pod");
    recorder.record(COMPONENT, ref, type, reason, message);
  }

  /** An event about this node (kube's node reference: kind Node, uid = the node's name). */
  public void node(String type, String reason, String message) {
    if (recorder == null) {
      return;
    }
    ObjectReference ref = new ObjectReference();
    ref.setKind("Node");
    ref.setName(nodeName);
    ref.setUid(nodeName);
    recorder.record(COMPONENT, ref, type, reason, message);
  }

  /**
   * A pull's duration as the kubelet prints it: truncated to milliseconds, then as Go prints a
   * {@code time.Duration} ({@code 0s}, {@code 3ms}, {@code 1.2s}, {@code 1m2.5s}).
   */
  static String duration(long nanos) {
    long ms = nanos / 1_000_000;
    if (ms == 0) {
      return "0s";
    }
    if (ms < 1000) {
      return ms + "ms";
    }
    long minutes = ms / 60_000;
    String seconds = new java.math.BigDecimal(ms % 60_000).movePointLeft(3).stripTrailingZeros().toPlainString() + "s";
    return minutes == 0 ? seconds : minutes + "m" + seconds;
  }

  /** Whether this node pulled {@code image} before. */
  public synchronized boolean present(String image) {
    return pulled.contains(image);
  }

  public synchronized void pulled(String image) {
    pulled.add(image);
  }

  /** The images this node pulled, as the pods named them (the node status' {@code images}). */
  public synchronized List<String> pulledImages() {
    return List.copyOf(pulled);
  }
}
