package io.dekube.core.patch.smp;

import java.util.List;

/**
 * How one field of a Kubernetes type merges: its strategic-merge-patch strategy and merge key
 * ({@code x-kubernetes-patch-strategy}/{@code -merge-key}) and its server-side-apply list type
 * ({@code x-kubernetes-list-type}/{@code -list-map-keys}). Immutable.
 *
 * @param strategy  "merge", "replace", "retainKeys", "merge,retainKeys" or "" (none: lists are replaced)
 * @param mergeKey  the field identifying list elements when strategy merges a list of objects, else ""
 * @param listType  "atomic", "set", "map" or "" (not a list)
 * @param mapKeys   the keys of a {@code map} list
 */
public record PatchMeta(String strategy, String mergeKey, String listType, List<String> mapKeys) {

  /** No metadata: maps merge, lists are replaced as a whole. */
  public static final PatchMeta NONE = new PatchMeta("", "", "", List.of());

  /** Whether a list under this field merges element by element (strategy contains "merge"). */
  public boolean mergesList() {
    for (String s : strategy.split(",")) {
      if (s.equals("merge")) {
        return true;
      }
    }
    return false;
  }

  /** Whether the field is replaced as a whole by a strategic merge patch. */
  public boolean replaces() {
    for (String s : strategy.split(",")) {
      if (s.equals("replace")) {
        return true;
      }
    }
    return false;
  }
}
