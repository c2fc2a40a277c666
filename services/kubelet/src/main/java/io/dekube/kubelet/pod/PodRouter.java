package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Indexers;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.vertx.core.Context;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One pods informer handler for every kubelet of a process: it hands each pod event to the kubelet
 * of the pod's {@code spec.nodeName}, on that kubelet's context. A thousand simulated nodes cost
 * one handler, not a thousand. Thread-safe.
 */
public final class PodRouter {

  /** Receives the pods of one node (on its context). */
  public interface Listener {
    void onPod(ObjectNode pod, boolean deleted);
  }

  private record Target(Context context, Listener listener) {
  }

  private static final Map<Informer, PodRouter> BY_INFORMER = new ConcurrentHashMap<>();

  private final Informer pods;
  private final Map<String, Target> nodes = new ConcurrentHashMap<>();
  private final HandlerRegistration registration;

  private PodRouter(Informer pods) {
    this.pods = pods;
    this.registration = pods.addHandler(new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        route(object, false);
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        route(newObject, false);
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        route(last, true);
      }
    });
  }

  /** The router of a pods informer (one per informer). */
  public static PodRouter of(Informer pods) {
    return BY_INFORMER.computeIfAbsent(pods, PodRouter::new);
  }

  /** Sends the pods of {@code node} to {@code listener} on {@code context}, starting with the cached ones. */
  public void register(String node, Context context, Listener listener) {
    nodes.put(node, new Target(context, listener));
    context.runOnContext(v -> pods.byIndex(Indexers.NODE_NAME, node).forEach(p -> listener.onPod(p, false)));
  }

  public void unregister(String node) {
    nodes.remove(node);
  }

  private void route(ObjectNode pod, boolean deleted) {
    String node = pod.path("spec").path("nodeName").asText("");
    if (node.isEmpty()) {
      return;
    }
    Target t = nodes.get(node);
    if (t != null) {
      t.context().runOnContext(v -> t.listener().onPod(pod, deleted));
    }
  }

  /** Stops routing (tests). */
  public void close() {
    registration.remove();
    BY_INFORMER.remove(pods);
  }
}
