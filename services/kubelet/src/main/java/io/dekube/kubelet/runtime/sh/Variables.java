package io.dekube.kubelet.runtime.sh;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A shell's variables, and which of them are exported (the environment of the commands it runs). Not thread-safe. */
final class Variables {

  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> exported = new HashSet<>();
  /** bash's indexed arrays by name; element 0 is also the variable's value ({@code $a} is {@code ${a[0]}}). */
  private final Map<String, List<String>> arrays = new HashMap<>();

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
    List<String> array = arrays.get(name);
    if (array != null) {
      if (array.isEmpty()) {
        array.add(value);
      } else {
        array.set(0, value);
      }
    }
  }

  /** bash's {@code name=(elements…)}. */
  void setArray(String name, List<String> elements) {
    arrays.put(name, new ArrayList<>(elements));
    if (elements.isEmpty()) {
      values.remove(name);
    } else {
      values.put(name, elements.get(0));
    }
  }

  /** The elements of array {@code name}: a scalar is an array of one, an unset name of none. */
  List<String> array(String name) {
    List<String> array = arrays.get(name);
    if (array != null) {
      return List.copyOf(array);
    }
    String v = get(name);
    return v == null ? List.of() : List.of(v);
  }

  void export(String name) {
    exported.add(name);
  }

  void unset(String name) {
    values.remove(name);
    arrays.remove(name);
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
    arrays.forEach((k, v) -> c.arrays.put(k, new ArrayList<>(v)));
    return c;
  }
}
