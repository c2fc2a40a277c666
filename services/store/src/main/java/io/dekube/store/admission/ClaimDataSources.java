package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A claim's {@code dataSource} and {@code dataSourceRef} as kube 1.32's claim strategy leaves them (KEP 1495,
 * AnyVolumeDataSource on): after the disabled fields are dropped ({@link DisabledFields#claimSpec}), a
 * {@code dataSource} that is neither a PersistentVolumeClaim nor a {@code snapshot.storage.k8s.io} VolumeSnapshot is
 * dropped when the claim gives no {@code dataSourceRef} and the stored one had no data source (older clients' garbage
 * was ignored), then each of the two is filled from the other when only one is given ({@code dataSourceRef} only
 * without a namespace), so {@code kubectl get pvc -o yaml} shows both. Pure; changes the given spec.
 */
final class ClaimDataSources {

  private ClaimDataSources() {
  }

  /** {@code oldSpec} is the stored claim's, null on a create. */
  static void apply(ObjectNode spec, JsonNode oldSpec) {
    enforceBackwardsCompatibility(spec, oldSpec);
    normalize(spec);
  }

  private static void enforceBackwardsCompatibility(ObjectNode spec, JsonNode oldSpec) {
    boolean oldHadSource = oldSpec != null && (oldSpec.hasNonNull("dataSource") || oldSpec.hasNonNull("dataSourceRef"));
    if (oldHadSource || spec.hasNonNull("dataSourceRef")) {
      return;
    }
    JsonNode source = spec.get("dataSource");
    if (source != null && !source.isNull() && !claimOrSnapshot(source)) {
      spec.remove("dataSource");
    }
  }

  private static boolean claimOrSnapshot(JsonNode source) {
    String kind = source.path("kind").asText("");
    String group = source.path("apiGroup").asText("");
    return kind.equals("PersistentVolumeClaim") && group.isEmpty()
        || kind.equals("VolumeSnapshot") && group.equals("snapshot.storage.k8s.io");
  }

  /** Fills {@code dataSource} from {@code dataSourceRef} or the other way, where only one is given. */
  static void normalize(ObjectNode spec) {
    JsonNode source = spec.get("dataSource");
    JsonNode ref = spec.get("dataSourceRef");
    boolean hasSource = source instanceof ObjectNode;
    boolean hasRef = ref instanceof ObjectNode;
    if (hasSource && !hasRef) {
      spec.set("dataSourceRef", reference(source));
    } else if (hasRef && !hasSource && ref.path("namespace").asText("").isEmpty()) {
      spec.set("dataSource", reference(ref));
    }
  }

  /** The apiGroup (when given), kind and name of a reference, without its namespace. */
  private static ObjectNode reference(JsonNode from) {
    ObjectNode to = JsonNodeFactory.instance.objectNode();
    if (from.hasNonNull("apiGroup")) {
      to.set("apiGroup", from.get("apiGroup"));
    }
    to.put("kind", from.path("kind").asText(""));
    to.put("name", from.path("name").asText(""));
    return to;
  }
}
