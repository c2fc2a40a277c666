package io.dekube.scheduler.plugins.helper;

import java.util.List;
import java.util.Map;

/** Reads plugin args as parsed from YAML (maps, lists, strings, numbers), with clear errors. */
public final class Args {

  private Args() {
  }

  /** A nested map, or an empty map when absent. */
  @SuppressWarnings("unchecked")
  public static Map<String, Object> map(Map<String, Object> args, String key) {
    Object v = args == null ? null : args.get(key);
    if (v == null) {
      return Map.of();
    }
    if (!(v instanceof Map)) {
      throw new IllegalArgumentException(key + ": must be an object, not " + v);
    }
    return (Map<String, Object>) v;
  }

  /** A list of maps, or an empty list when absent. */
  @SuppressWarnings("unchecked")
  public static List<Map<String, Object>> list(Map<String, Object> args, String key) {
    Object v = args == null ? null : args.get(key);
    if (v == null) {
      return List.of();
    }
    if (!(v instanceof List<?> l) || !l.stream().allMatch(e -> e instanceof Map)) {
      throw new IllegalArgumentException(key + ": must be a list of objects, not " + v);
    }
    return (List<Map<String, Object>>) v;
  }

  /** A string, or the default when absent. */
  public static String string(Map<String, Object> args, String key, String dflt) {
    Object v = args == null ? null : args.get(key);
    return v == null ? dflt : v.toString();
  }

  /** A whole number, or the default when absent. */
  public static long number(Map<String, Object> args, String key, long dflt) {
    Object v = args == null ? null : args.get(key);
    if (v == null) {
      return dflt;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(key + ": must be a number, not " + v);
    }
  }
}
