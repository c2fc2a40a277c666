package io.dekube.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts between the JSON trees of the store and informers and fabric8's typed model classes
 * ({@code Pod}, {@code Deployment}, {@code Quantity}...), which controllers, the scheduler and the
 * kubelet work on. Convert once at the informer, not per field. Stateless and thread-safe.
 *
 * <p>fabric8 8's models carry Jackson 3 serializers ({@code Quantity}, {@code IntOrString}), so
 * the typed side goes through a Jackson 3 mapper and meets the store's Jackson 2 trees as bytes.
 */
public final class Typed {

  private static final JsonMapper MODEL = JsonMapper.builder()
      .changeDefaultPropertyInclusion(i -> i.withValueInclusion(JsonInclude.Include.NON_NULL))
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .build();

  private Typed() {
  }

  /** The tree as a typed model object; fields the model does not know are dropped. */
  public static <T> T from(ObjectNode tree, Class<T> type) {
    try {
      return MODEL.readValue(Json.MAPPER.writeValueAsBytes(tree), type);
    } catch (JacksonException | IOException e) {
      throw new IllegalArgumentException("cannot read " + type.getSimpleName() + ": " + e.getMessage(), e);
    }
  }

  /** The typed object as a JSON tree for {@code StoreClient} (nulls left out). */
  public static ObjectNode tree(Object typed) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(MODEL.writeValueAsBytes(typed));
    } catch (IOException e) {
      throw new IllegalStateException("cannot write " + typed.getClass().getSimpleName() + ": " + e.getMessage(), e);
    }
  }
}
