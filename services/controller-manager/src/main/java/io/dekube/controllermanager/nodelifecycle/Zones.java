package io.dekube.controllermanager.nodelifecycle;

import io.fabric8.kubernetes.api.model.Node;
import java.util.Map;

/** How kube groups nodes into zones for the eviction rate limits, as pure functions. Stateless. */
public final class Zones {

  /** The label that keeps a node out of its zone's health (kube's {@code LabelNodeExcludeDisruption}). */
  public static final String EXCLUDE_DISRUPTION = "node.kubernetes.io/exclude-disruption";

  private Zones() {
  }

  /**
   * kube's {@code GetZoneKey}: {@code region + ":\0:" + zone} from {@code topology.kubernetes.io/region} and
   * {@code /zone} (else the deprecated {@code failure-domain.beta.kubernetes.io} ones); "" when the node has
   * neither — so a cluster without zone labels is one zone.
   */
  public static String key(Node node) {
    Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
    if (labels == null) {
      return "";
    }
    String zone = labels.containsKey("topology.kubernetes.io/zone") ? labels.get("topology.kubernetes.io/zone")
        : labels.getOrDefault("failure-domain.beta.kubernetes.io/zone", "");
    String region = labels.containsKey("topology.kubernetes.io/region") ? labels.get("topology.kubernetes.io/region")
        : labels.getOrDefault("failure-domain.beta.kubernetes.io/region", "");
    zone = zone == null ? "" : zone;
    region = region == null ? "" : region;
    return region.isEmpty() && zone.isEmpty() ? "" : region + ":\0:" + zone;
  }

  /** Whether the node is left out of its zone's health ({@code node.kubernetes.io/exclude-disruption}), as kube. */
  public static boolean excluded(Node node) {
    Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
    return labels != null && labels.containsKey(EXCLUDE_DISRUPTION);
  }

  /** The zone key as klog prints a string value (quoted, the separator's NUL as {@code \x00}). */
  static String quoted(String zone) {
    return "\"" + zone.replace("\\", "\\\\").replace("\"", "\\\"").replace("\0", "\\x00") + "\"";
  }
}
