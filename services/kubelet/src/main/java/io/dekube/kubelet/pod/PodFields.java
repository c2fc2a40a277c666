package io.dekube.kubelet.pod;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.TreeMap;

/** The pod fields the downward API exposes (env fieldRef and downwardAPI volumes). Pure. */
final class PodFields {

  private PodFields() {
  }

  static String value(Pod pod, String path, String podIp, String hostIp) {
    var m = pod.getMetadata();
    if (path.startsWith("metadata.labels['") || path.startsWith("metadata.annotations['")) {
      Map<String, String> map = path.startsWith("metadata.labels") ? m.getLabels() : m.getAnnotations();
      String key = path.substring(path.indexOf("['") + 2, path.lastIndexOf("']"));
      return map == null ? "" : map.getOrDefault(key, "");
    }
    return switch (path) {
      case "metadata.name" -> m.getName();
      case "metadata.namespace" -> m.getNamespace();
      case "metadata.uid" -> m.getUid();
      case "metadata.labels" -> lines(m.getLabels());
      case "metadata.annotations" -> lines(m.getAnnotations());
      case "spec.nodeName" -> pod.getSpec().getNodeName();
      case "spec.serviceAccountName" -> pod.getSpec().getServiceAccountName();
      case "status.podIP", "status.podIPs" -> podIp;
      case "status.hostIP", "status.hostIPs" -> hostIp;
      default -> "";
    };
  }

  /** {@code key="value"} lines, sorted, as downwardAPI files of labels and annotations hold them. */
  static String lines(Map<String, String> map) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(map == null ? Map.<String, String>of() : map)
        .forEach((k, v) -> b.append(k).append("=\"").append(v.replace("\"", "\\\"")).append("\"\n"));
    return b.toString();
  }
}
