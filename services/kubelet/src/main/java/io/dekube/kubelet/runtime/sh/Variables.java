package io.dekube.kubelet.runtime.sh;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/** A shell's variables, and which of them are exported (the environment of the commands it runs). Not thread-safe. */
final class Variables {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> exported = new HashSet<>();

  /** Variables from the container's environment, all exported. */
  Variables(Map<String, String> environment) {
    values.putAll(environment);
    exported.addAll(environment.keySet());
  }

  private Variables() {
  }

  /** The value of {@code name}, null when unset; {@code RANDOM} unset is a new number from 0 to 32767 each time. */
  String get(String name) {
    String v = values.get(name);
    return v == null && name.equals("RANDOM")
        ? Integer.toString(java.util.concurrent.ThreadLocalRandom.current().nextInt(32768)) : v;
  }

  void set(String name, String value) {
    values.put(name, value);
  }

  void export(String name) {
    exported.add(name);
  }

  void unset(String name) {
    values.remove(name);
    exported.remove(name);
  }

  /** The exported variables that have a value, in the order they were set. */
  Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    values.forEach((k, v) -> {
      if (exported.contains(k)) {
        env.put(k, v);
      }
    });
    return env;
  }

  /** All variables, for {@code set} without arguments. */
  Map<String, String> all() {
    return values;
  }

  /** A copy, for a subshell. */
  Variables copy() {
    Variables c = new Variables();
    c.values.putAll(values);
    c.exported.addAll(exported);
    return c;
  }
}
