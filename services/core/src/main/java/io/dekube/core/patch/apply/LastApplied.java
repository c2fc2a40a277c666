package io.dekube.core.patch.apply;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.patch.smp.PatchSchema;
import java.io.IOException;
import java.util.List;
import java.util.function.Predicate;

/**
 * The bridge between client-side apply's {@code kubectl.kubernetes.io/last-applied-configuration}
 * annotation and server-side apply, as kube-apiserver's field manager has it (its
 * {@code lastAppliedManager} and {@code lastAppliedUpdater}), both only for the field manager
 * {@code kubectl} (kubectl's server-side default; another manager opts out):
 * <ul>
 *   <li>upgrade: a field that conflicts with another manager is no conflict when the annotation sets it
 *       to the value the live object still has: kubectl applied it before, client-side;</li>
 *   <li>downgrade: an apply of an object that has the annotation rewrites it to the applied
 *       configuration, so a later client-side {@code kubectl apply} diffs against what was applied last.</li>
 * </ul>
 * Pure.
 */
public final class LastApplied {

  /** The annotation client-side apply writes. */
  public static final String ANNOTATION = "kubectl.kubernetes.io/last-applied-configuration";

  /** The only field manager the annotation is upgraded and kept for. */
  public static final String MANAGER = "kubectl";

  /** Go's encoding/json writes map keys sorted and escapes HTML; kube encodes the annotation with it. */
  private static final ObjectWriter SORTED = Json.GO.with(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private LastApplied() {
  }

  /**
   * Which fields the live object's annotation applied with the value the object still has, in
   * {@code apiVersion}: the annotation is read once for all the paths asked. No annotation, an
   * unreadable one or one of another version explains nothing (kube then reports every conflict).
   */
  public static Predicate<List<String>> explained(ObjectNode live, String apiVersion, PatchSchema schema) {
    ObjectNode applied = annotation(live);
    if (applied == null || !apiVersion.equals(applied.path("apiVersion").asText())) {
      return path -> false;
    }
    FieldSet appliedFields = Paths.fieldsOf(applied, schema);
    return path -> {
      if (!appliedFields.contains(path)) {
        return false;
      }
      JsonNode was = Paths.valueAt(applied, path);
      JsonNode is = Paths.valueAt(live, path);
      return was != null && is != null && Json.sameValue(was, is);
    };
  }

  /**
   * The annotation's value after an apply of {@code config}: the configuration, without the
   * annotation itself, as compact JSON with sorted keys and a final newline (as kube encodes it).
   */
  public static String of(ObjectNode config) {
    ObjectNode copy = config.deepCopy();
    if (copy.path("metadata").get("annotations") instanceof ObjectNode annotations) {
      annotations.remove(ANNOTATION);
    }
    try {
      return SORTED.writeValueAsString(Json.MAPPER.treeToValue(copy, Object.class)) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode the applied configuration", e);
    }
  }

  /** Whether the object carries a non-empty annotation. */
  public static boolean present(ObjectNode obj) {
    return !obj.path("metadata").path("annotations").path(ANNOTATION).asText("").isEmpty();
  }

  private static ObjectNode annotation(ObjectNode live) {
    if (live == null || !present(live)) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(live.at("/metadata/annotations").get(ANNOTATION).asText()) instanceof ObjectNode o
          ? o : null;
    } catch (IOException e) {
      return null;
    }
  }
}
