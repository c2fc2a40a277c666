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

  /**
   * {@code key="value"} lines, sorted, as downwardAPI files of labels and annotations hold them (kube's
   * {@code FormatMap}: no newline after the last).
   */
  static String lines(Map<String, String> map) {
    StringBuilder b = new StringBuilder();
    new TreeMap<>(map == null ? Map.<String, String>of() : map)
        .forEach((k, v) -> b.append(b.length() > 0 ? "\n" : "").append(k).append('=').append(quoted(v)));
    return b.toString();
  }

  /** {@code value} in double quotes with Go's {@code %q} escapes ({@code \\}, {@code \"}, {@code \n}...). */
  static String quoted(String value) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '\\' -> b.append("\\\\");
        case '"' -> b.append("\\\"");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> b.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
      }
    }
    return b.append('"').toString();
  }
}
