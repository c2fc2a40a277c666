package io.dekube.kubelet.runtime.awk;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A user function's parameter or extra local: a scalar (passed by value), an array (passed by reference), or unset;
 * an unset argument the function uses as an array becomes that array in the caller too, as POSIX says.
 */
final class AwkLocal {

  private AwkValue value;
  private Map<String, AwkValue> array;
  /** The caller's variable an unset argument came from: where an array made here lives. */
  private final Supplier<Map<String, AwkValue>> caller;

  private AwkLocal(AwkValue value, Map<String, AwkValue> array, Supplier<Map<String, AwkValue>> caller) {
    this.value = value;
    this.array = array;
    this.caller = caller;
  }

  static AwkLocal unset() {
    return new AwkLocal(null, null, null);
  }

  static AwkLocal scalar(AwkValue v) {
    return new AwkLocal(v, null, null);
  }

  static AwkLocal array(Map<String, AwkValue> array) {
    return new AwkLocal(null, array, null);
  }

  /** An unset variable of the caller: its array, made when this local is first used as one. */
  static AwkLocal unsetOf(Supplier<Map<String, AwkValue>> caller) {
    return new AwkLocal(null, null, caller);
  }

  AwkValue get(String name) {
    if (array != null) {
      throw new AwkException("can't use array " + name + " in scalar context");
    }
    return value == null ? AwkValue.EMPTY : value;
  }

  void set(String name, AwkValue v) {
    if (array != null) {
      throw new AwkException("can't assign to " + name + "; it's an array name.");
    }
    value = v;
  }

  Map<String, AwkValue> array(String name) {
    if (array == null) {
      if (value != null) {
        throw new AwkException("can't use scalar " + name + " as array");
      }
      array = caller != null ? caller.get() : new LinkedHashMap<>();
    }
    return array;
  }

  boolean isArray() {
    return array != null;
  }

  boolean isUnset() {
    return value == null && array == null;
  }
}
