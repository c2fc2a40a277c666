package io.dekube.core.patch.smp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.List;

/**
 * List helpers of the strategic merge patch: find and remove by merge key, de-duplicate primitives,
 * and restore element order (patch order for patched items, live order for server-only items,
 * interleaved as kube's {@code normalizeElementOrder} does). Pure.
 */
public final class ListMerge {

  private ListMerge() {
  }

  /** Index of the element whose {@code key} equals {@code value}, or -1. */
  public static int indexByKey(ArrayNode list, String key, JsonNode value) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      if (e.isObject() && sameScalar(e.get(key), value)) {
        return i;
      }
    }
    return -1;
  }

  /** A copy of the list without the elements whose {@code key} equals {@code value}. */
  public static ArrayNode removeByKey(ArrayNode list, String key, JsonNode value) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode e : list) {
      if (!(e.isObject() && sameScalar(e.get(key), value))) {
        out.add(e);
      }
    }
    return out;
  }

  /** Original then patch primitives, without duplicates. */
  public static ArrayNode dedupe(ArrayNode original, ArrayNode patch) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (ArrayNode a : new ArrayNode[] {original, patch}) {
      for (JsonNode e : a) {
        if (indexOf(out, e, "") < 0) {
          out.add(e);
        }
      }
    }
    return out;
  }

  /** The original primitives minus those listed in {@code remove}. */
  public static ArrayNode deleteFromPrimitives(ArrayNode original, ArrayNode remove) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode e : original) {
      if (indexOf(remove, e, "") < 0) {
        out.add(e);
      }
    }
    return out;
  }

  /**
   * Orders a merged list: the items named in {@code patchOrder} in that order, the others (server-only)
   * in their {@code serverOrder} order, interleaved by their positions in the server's list. Items of
   * {@code patchOrder} marked {@code $patch: delete} are dropped.
   */
  public static ArrayNode order(ArrayNode merged, ArrayNode patchOrder, ArrayNode serverOrder, String mergeKey) {
    List<JsonNode> patchItems = new ArrayList<>();
    List<JsonNode> serverOnly = new ArrayList<>();
    for (JsonNode e : merged) {
      (indexOf(patchOrder, e, mergeKey) >= 0 ? patchItems : serverOnly).add(e);
    }
    sortBy(patchItems, patchOrder, mergeKey);
    sortBy(serverOnly, serverOrder, mergeKey);
    ArrayNode out = Json.MAPPER.createArrayNode();
    int i = 0;
    int j = 0;
    while (i < serverOnly.size() || j < patchItems.size()) {
      if (i >= serverOnly.size()) {
        out.add(patchItems.get(j++));
      } else if (j >= patchItems.size()) {
        out.add(serverOnly.get(i++));
      } else {
        int li = indexOf(serverOrder, serverOnly.get(i), mergeKey);
        int ri = indexOf(serverOrder, patchItems.get(j), mergeKey);
        if (li >= 0 && ri >= 0 && li < ri) {
          out.add(serverOnly.get(i++));
        } else {
          out.add(patchItems.get(j++));
        }
      }
    }
    return out;
  }

  private static void sortBy(List<JsonNode> items, ArrayNode order, String mergeKey) {
    List<JsonNode> found = new ArrayList<>();
    List<JsonNode> missing = new ArrayList<>();
    for (JsonNode e : items) {
      (indexOf(order, e, mergeKey) >= 0 ? found : missing).add(e);
    }
    found.sort((a, b) -> Integer.compare(indexOf(order, a, mergeKey), indexOf(order, b, mergeKey)));
    items.clear();
    items.addAll(missing);
    items.addAll(found);
  }

  /** Position of {@code item} in {@code list}: by merge key for objects, by value for primitives. */
  static int indexOf(ArrayNode list, JsonNode item, String mergeKey) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode e = list.get(i);
      if (mergeKey.isEmpty() ? sameScalar(e, item)
          : e.isObject() && item.isObject() && sameScalar(e.get(mergeKey), item.get(mergeKey))) {
        return i;
      }
    }
    return -1;
  }

  static boolean sameScalar(JsonNode a, JsonNode b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.decimalValue().compareTo(b.decimalValue()) == 0;
    }
    return a.equals(b);
  }
}
