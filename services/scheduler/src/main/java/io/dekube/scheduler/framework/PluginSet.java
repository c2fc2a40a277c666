package io.dekube.scheduler.framework;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The plugins of one extension point as a profile configures them: enabled (with weights) and
 * disabled names ({@code "*"} disables every default). Immutable.
 */
record PluginSet(List<Named> enabled, List<String> disabled) {

  /** A plugin name with its score weight (0 when not given). */
  record Named(String name, long weight) {
  }

  static final PluginSet EMPTY = new PluginSet(List.of(), List.of());

  boolean disables(String name) {
    return disabled.contains("*") || disabled.contains(name);
  }

  @SuppressWarnings("unchecked")
  static PluginSet parse(Object raw, String where) {
    if (raw == null) {
      return EMPTY;
    }
    if (!(raw instanceof Map<?, ?> m)) {
      throw new ConfigException(where + ": must be an object with enabled and disabled lists");
    }
    List<Named> enabled = new ArrayList<>();
    List<String> disabled = new ArrayList<>();
    int i = 0;
    for (Object e : list(m.get("enabled"), where + ".enabled")) {
      Map<String, Object> p = (Map<String, Object>) e;
      Object name = p.get("name");
      if (name == null || name.toString().isEmpty()) {
        throw new ConfigException(where + ".enabled[" + i + "].name: Required value");
      }
      Object w = p.get("weight");
      long weight;
      try {
        weight = w == null ? 0 : Long.parseLong(w.toString());
      } catch (NumberFormatException ex) {
        throw new ConfigException(where + ".enabled[" + i + "].weight: Invalid value: \"" + w + "\": must be a number");
      }
      if (weight < 0) {
        throw new ConfigException(where + ".enabled[" + i + "].weight: Invalid value: " + weight
            + ": must be a positive number");
      }
      enabled.add(new Named(name.toString(), weight));
      i++;
    }
    for (Object e : list(m.get("disabled"), where + ".disabled")) {
      Object name = ((Map<String, Object>) e).get("name");
      disabled.add(name == null ? "" : name.toString());
    }
    return new PluginSet(enabled, disabled);
  }

  private static List<?> list(Object raw, String where) {
    if (raw == null) {
      return List.of();
    }
    if (!(raw instanceof List<?> l) || !l.stream().allMatch(e -> e instanceof Map)) {
      throw new ConfigException(where + ": must be a list of {name: ...} objects");
    }
    return l;
  }
}
