package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.function.Function;

/**
 * The kubelet's look-up of a pod's RuntimeClass before it creates the pod's sandbox, as kube's
 * {@code runtimeClassManager} and CRI do it: a RuntimeClass's {@code handler} names the runtime that
 * must run the pod, and a dekube node has exactly one (its {@code jvm}, {@code process} or
 * {@code simulated} runtime). A class that does not exist, or whose handler is not this node's runtime,
 * fails the sandbox as kube's kubelet words it ({@code RuntimeClass "x" not found}, containerd's
 * {@code no runtime for "x" is configured}). Pure.
 */
final class RuntimeHandlers {

  private RuntimeHandlers() {
  }

  /**
   * Why the pod's sandbox cannot be created on a node of {@code runtime}, or null when it can.
   *
   * @param classes one RuntimeClass by name, or null
   */
  static String problem(Pod pod, Function<String, ObjectNode> classes, String runtime) {
    String className = pod.getSpec().getRuntimeClassName();
    if (className == null || className.isEmpty()) {
      return null;
    }
    ObjectNode rc = classes.apply(className);
    if (rc == null) {
      return "RuntimeClass \"" + className + "\" not found";
    }
    String handler = rc.path("handler").asText("");
    return handler.equals(runtime) ? null
        : "rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for \"" + handler
            + "\" is configured";
  }
}
