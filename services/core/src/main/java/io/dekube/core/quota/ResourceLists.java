package io.dekube.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities.Amount;
import java.util.Collection;
import java.util.Iterator;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * Resource lists ({@code resource name → amount}, sorted by name) and the arithmetic kube's quota
 * code does on them ({@code quota.Add}, {@code Mask}, {@code SubtractWithNonNegativeResult},
 * {@code LessThanOrEqual}). Pure and thread-safe; lists are plain mutable maps owned by the caller.
 */
public final class ResourceLists {

  private ResourceLists() {
  }

  /** The quantities of a JSON resource list ({@code spec.hard}); entries that are not quantities are left out. */
  public static TreeMap<String, Amount> of(JsonNode list) {
    TreeMap<String, Amount> out = new TreeMap<>();
    if (list != null && list.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> it = list.fields();
      while (it.hasNext()) {
        Map.Entry<String, JsonNode> e = it.next();
        Amount a = Quantities.parse(e.getValue());
        if (a != null) {
          out.put(e.getKey(), a);
        }
      }
    }
    return out;
  }

  /** Adds {@code more} into {@code sum} (changed in place) and returns it. */
  public static TreeMap<String, Amount> addInto(TreeMap<String, Amount> sum, Map<String, Amount> more) {
    more.forEach((k, v) -> sum.merge(k, v, Amount::plus));
    return sum;
  }

  /** {@code a - b} per resource of {@code a}, never below zero. */
  public static TreeMap<String, Amount> subtractNonNegative(Map<String, Amount> a, Map<String, Amount> b) {
    TreeMap<String, Amount> out = new TreeMap<>();
    a.forEach((k, v) -> {
      Amount d = b.containsKey(k) ? v.minus(b.get(k)) : v;
      out.put(k, d.value().signum() < 0 ? new Amount(java.math.BigDecimal.ZERO, v.binary()) : d);
    });
    return out;
  }

  /** The entries of {@code list} whose names are in {@code names}. */
  public static TreeMap<String, Amount> mask(Map<String, Amount> list, Collection<String> names) {
    TreeMap<String, Amount> out = new TreeMap<>();
    for (String n : names) {
      if (list.containsKey(n)) {
        out.put(n, list.get(n));
      }
    }
    return out;
  }

  /** {@code list} without its zero entries. */
  public static TreeMap<String, Amount> withoutZeros(Map<String, Amount> list) {
    TreeMap<String, Amount> out = new TreeMap<>();
    list.forEach((k, v) -> {
      if (v.value().signum() != 0) {
        out.put(k, v);
      }
    });
    return out;
  }

  /** {@code name=amount} pairs joined by commas, in name order (kube's {@code prettyPrint}). */
  public static String pretty(Map<String, Amount> list) {
    StringJoiner j = new StringJoiner(",");
    new TreeMap<>(list).forEach((k, v) -> j.add(k + "=" + v));
    return j.toString();
  }

  /** The list as a JSON object of canonical quantities. */
  public static ObjectNode toJson(Map<String, Amount> list) {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    new TreeMap<>(list).forEach((k, v) -> o.put(k, v.toString()));
    return o;
  }
}
