package io.dekube.core.patch.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A set of field paths as server-side apply tracks them, in the tree form of {@code fieldsV1}: each
 * key a path element ({@code f:spec}, {@code k:{"name":"web"}}, {@code v:"a"}), {@code "."} marking a
 * node that is itself a member. Mutable; not thread-safe.
 */
public final class FieldSet {

  private final Map<String, FieldSet> children = new TreeMap<>();
  private boolean member;

  /** Parses a {@code fieldsV1} tree. */
  public static FieldSet fromFieldsV1(JsonNode fields) {
    FieldSet s = new FieldSet();
    if (fields == null || !fields.isObject()) {
      return s;
    }
    fields.fields().forEachRemaining(e -> {
      if (e.getKey().equals(".")) {
        s.member = true;
      } else {
        FieldSet child = fromFieldsV1(e.getValue());
        if (e.getValue().isEmpty()) {
          child.member = true;
        }
        s.children.put(e.getKey(), child);
      }
    });
    return s;
  }

  /** The {@code fieldsV1} tree of this set. */
  public ObjectNode toFieldsV1() {
    ObjectNode o = Json.object();
    if (member && !children.isEmpty()) {
      o.putObject(".");
    }
    children.forEach((k, v) -> o.set(k, v.toFieldsV1()));
    return o;
  }

  /** Adds a path as a member. */
  public void insert(List<String> path) {
    FieldSet node = this;
    for (String e : path) {
      node = node.children.computeIfAbsent(e, k -> new FieldSet());
    }
    node.member = true;
  }

  /** Whether the path is a member. */
  public boolean contains(List<String> path) {
    FieldSet node = at(path);
    return node != null && node.member;
  }

  /** Removes a path's membership (and prunes empty branches). */
  public void remove(List<String> path) {
    remove(path, 0);
  }

  private boolean remove(List<String> path, int i) {
    if (i == path.size()) {
      member = false;
    } else {
      FieldSet child = children.get(path.get(i));
      if (child != null && child.remove(path, i + 1)) {
        children.remove(path.get(i));
      }
    }
    return !member && children.isEmpty();
  }

  /** Every member path, parents before their children. */
  public List<List<String>> paths() {
    List<List<String>> out = new ArrayList<>();
    collect(new ArrayList<>(), out);
    return out;
  }

  private void collect(List<String> prefix, List<List<String>> out) {
    if (member) {
      out.add(List.copyOf(prefix));
    }
    children.forEach((k, v) -> {
      prefix.add(k);
      v.collect(prefix, out);
      prefix.remove(prefix.size() - 1);
    });
  }

  /** The subtree at a path (shared, not a copy), or null when nothing is at or below it. */
  public FieldSet at(List<String> path) {
    FieldSet node = this;
    for (String e : path) {
      node = node.children.get(e);
      if (node == null) {
        return null;
      }
    }
    return node;
  }

  /** The subtrees below this node by path element ({@code f:name}, {@code k:{..}}, {@code v:..}); read-only. */
  public Map<String, FieldSet> children() {
    return java.util.Collections.unmodifiableMap(children);
  }

  /** Whether this node itself is a member. */
  public boolean isMember() {
    return member;
  }

  /** Adds every member of {@code other}. */
  public void addAll(FieldSet other) {
    other.paths().forEach(this::insert);
  }

  /** Whether the path has members below it (it is not a leaf). */
  public boolean hasChildren(List<String> path) {
    FieldSet node = at(path);
    return node != null && !node.children.isEmpty();
  }

  public boolean isEmpty() {
    return !member && children.isEmpty();
  }

  public FieldSet copy() {
    return fromFieldsV1(toFieldsV1WithRoot());
  }

  private ObjectNode toFieldsV1WithRoot() {
    ObjectNode o = toFieldsV1();
    if (member && children.isEmpty()) {
      o.putObject(".");
    }
    return o;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSet f && f.paths().equals(paths());
  }

  @Override
  public int hashCode() {
    return paths().hashCode();
  }

  /** Renders a path as kube's conflict messages do: {@code .spec.containers[name="web"].image}. */
  public static String render(List<String> path) {
    StringBuilder sb = new StringBuilder();
    for (String e : path) {
      String body = e.substring(2);
      switch (e.substring(0, 2)) {
        case "f:" -> sb.append('.').append(body);
        case "k:" -> {
          sb.append('[');
          JsonNode keys = Paths.parse(body);
          List<String> parts = new ArrayList<>();
          keys.fields().forEachRemaining(k -> parts.add(k.getKey() + "=" + k.getValue()));
          sb.append(String.join(",", parts)).append(']');
        }
        case "v:" -> sb.append("[=").append(body).append(']');
        case "i:" -> sb.append('[').append(body).append(']');
        default -> sb.append(e);
      }
    }
    return sb.toString();
  }
}
