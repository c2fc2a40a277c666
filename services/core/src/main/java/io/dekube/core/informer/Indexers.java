package io.dekube.core.informer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * Ready-made index functions for {@link Informer#addIndex}: each maps an object to the values it
 * is indexed under (none when the field is absent). Pure and thread-safe.
 */
public final class Indexers {

  /** The built-in index of every informer: objects by {@code metadata.namespace} ("" if cluster-scoped). */
  public static final String NAMESPACE = "namespace";
  /** The built-in index of pods by node: {@code spec.nodeName}. */
  public static final String NODE_NAME = "spec.nodeName";
  /** Prefix of the label indexes an informer adds on first use: {@code label:app}. */
  public static final String LABEL_PREFIX = "label:";
  /** Name of the {@link #labels()} index: one {@code key=value} entry per label. */
  public static final String LABELS = "labels";

  private Indexers() {
  }

  /** Objects by {@code metadata.namespace}. */
  public static Function<ObjectNode, Collection<String>> namespace() {
    return o -> List.of(o.path("metadata").path("namespace").asText(""));
  }

  /** Objects by the scalar at a dotted path, e.g. {@code field("spec.nodeName")}; absent or "" is not indexed. */
  public static Function<ObjectNode, Collection<String>> field(String path) {
    return o -> {
      String v = FieldSelector.fieldValue(o, path);
      return v.isEmpty() ? List.of() : List.of(v);
    };
  }

  /** Objects by the value of one label, e.g. {@code label("app")}; the index name is {@code label:app}. */
  public static Function<ObjectNode, Collection<String>> label(String key) {
    return o -> {
      JsonNode v = o.path("metadata").path("labels").get(key);
      return v == null || !v.isValueNode() ? List.of() : List.of(v.asText());
    };
  }

  /** The name {@link Informer#byIndex} knows the {@link #label(String)} index of a key by. */
  public static String labelIndex(String key) {
    return LABEL_PREFIX + key;
  }

  /** Objects by every label pair, as {@code key=value}: one index answers any equality selector. */
  public static Function<ObjectNode, Collection<String>> labels() {
    return o -> {
      List<String> out = new ArrayList<>();
      o.path("metadata").path("labels").fields().forEachRemaining(e -> out.add(e.getKey() + "=" + e.getValue().asText()));
      return out;
    };
  }
}
