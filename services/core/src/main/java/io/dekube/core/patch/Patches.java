package io.dekube.core.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Applies a patch by its HTTP content type. Built in: JSON patch ({@link JsonPatch}) and JSON merge
 * patch ({@link MergePatch}).
 *
 * <p>Strategic merge patch ({@value #STRATEGIC_MERGE}, {@link StrategicMergePatch}) and server-side
 * apply ({@value #APPLY}, {@link ServerSideApply}) are built in too; {@link #register} replaces a
 * strategy at start-up. Thread-safe; the strategies are pure functions.
 */
public final class Patches {

  /** RFC 6902 JSON patch. */
  public static final String JSON = JsonPatch.TYPE;
  /** RFC 7386 JSON merge patch. */
  public static final String MERGE = MergePatch.TYPE;
  /** Kubernetes strategic merge patch. */
  public static final String STRATEGIC_MERGE = "application/strategic-merge-patch+json";
  /** Kubernetes server-side apply. */
  public static final String APPLY = "application/apply-patch+yaml";

  /** The built-in table: patch type to strategy. */
  private static final Map<String, PatchStrategy> BUILT_IN = Map.of(
      JSON, new JsonPatch(),
      MERGE, new MergePatch(),
      STRATEGIC_MERGE, new StrategicMergePatch(),
      APPLY, new ServerSideApply());

  private static final Map<String, PatchStrategy> STRATEGIES = new ConcurrentHashMap<>(BUILT_IN);

  private Patches() {
  }

  /**
   * The patched object. Does not modify {@code current} or {@code patch}.
   *
   * @param patchType the content type; parameters such as {@code ; charset=utf-8} are ignored
   * @param current   the current object (with its resourceVersion), or null when absent
   * @throws StatusException 415 for an unknown or not yet supported type; 400/422/409 from the strategy
   */
  public static ObjectNode apply(String patchType, ObjectNode current, JsonNode patch, ResourceType type,
                                 WriteOptions o) {
    PatchStrategy s = STRATEGIES.get(mediaType(patchType));
    if (s == null) {
      throw unsupportedMediaType(patchType);
    }
    return s.apply(current, patch, type, o == null ? WriteOptions.none() : o);
  }

  /** Whether a strategy for the type is registered (it may still be the 415 placeholder). */
  public static boolean known(String patchType) {
    return STRATEGIES.containsKey(mediaType(patchType));
  }

  /** Plugs in (or replaces) the strategy of a patch type. */
  public static void register(String patchType, PatchStrategy strategy) {
    STRATEGIES.put(mediaType(patchType), Objects.requireNonNull(strategy, "strategy"));
  }

  /** A placeholder strategy answering 415 UnsupportedMediaType. */
  public static PatchStrategy unsupported(String patchType) {
    return (current, patch, type, o) -> {
      throw unsupportedMediaType(patchType);
    };
  }

  private static StatusException unsupportedMediaType(String patchType) {
    return new StatusException(415, "UnsupportedMediaType", "the body of the request was in an unknown format - "
        + "accepted media types include: " + JSON + ", " + MERGE + ", " + STRATEGIC_MERGE + ", " + APPLY
        + " (got " + patchType + ")");
  }

  private static String mediaType(String patchType) {
    if (patchType == null) {
      return "";
    }
    int semi = patchType.indexOf(';');
    return (semi < 0 ? patchType : patchType.substring(0, semi)).trim().toLowerCase(java.util.Locale.ROOT);
  }
}
