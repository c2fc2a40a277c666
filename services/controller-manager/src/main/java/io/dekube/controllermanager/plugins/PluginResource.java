package io.dekube.controllermanager.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controller.api.ApiException;
import io.dekube.controller.api.Key;
import io.dekube.controller.api.PatchType;
import io.dekube.controller.api.Resource;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * A plugin's typed {@link Resource}: reads convert the informer cache's trees to fresh model objects,
 * writes go through the store with the controller's name as field manager. Thread-safe.
 *
 * @param <T> the model class
 */
final class PluginResource<T> implements Resource<T> {

  private final ResourceType type;
  private final Class<T> model;
  private final ObjectCache cache;
  private final StoreApi store;
  private final String fieldManager;

  PluginResource(ResourceType type, Class<T> model, ObjectCache cache, StoreApi store, String fieldManager) {
    this.type = type;
    this.model = model;
    this.cache = cache;
    this.store = store;
    this.fieldManager = fieldManager;
  }

  ResourceType type() {
    return type;
  }

  ObjectCache cache() {
    return cache;
  }

  /** The tree as a fresh model object. */
  T typed(ObjectNode tree) {
    return Typed.from(tree, model);
  }

  @Override
  public String resourceName() {
    return type.resourceName();
  }

  @Override
  public String apiVersion() {
    return type.apiVersion();
  }

  @Override
  public String kind() {
    return type.kind();
  }

  @Override
  public boolean namespaced() {
    return type.namespaced();
  }

  @Override
  public T get(String namespace, String name) {
    ObjectNode tree = cache.get(new ObjectKey(type.namespaced() && namespace != null ? namespace : "", name));
    return tree == null ? null : typed(tree);
  }

  @Override
  public T get(Key key) {
    return get(key.namespace(), key.name());
  }

  @Override
  public List<T> list(String namespace) {
    return cache.list(namespace == null ? "" : namespace).stream().map(this::typed).toList();
  }

  @Override
  public List<T> list(String namespace, Map<String, String> labels) {
    return cache.list(namespace == null ? "" : namespace).stream().filter(o -> hasLabels(o, labels))
        .map(this::typed).toList();
  }

  private static boolean hasLabels(ObjectNode o, Map<String, String> labels) {
    JsonNode have = o.path("metadata").path("labels");
    return labels.entrySet().stream().allMatch(e -> e.getValue().equals(have.path(e.getKey()).asText(null)));
  }

  @Override
  public CompletionStage<T> read(String namespace, String name) {
    return typedStage(store.get(type, ns(namespace), name));
  }

  @Override
  public CompletionStage<T> create(T obj) {
    ObjectNode tree = tree(obj);
    return typedStage(store.create(type, ns(tree), tree, writes()));
  }

  @Override
  public CompletionStage<T> update(T obj) {
    return typedStage(store.update(type, tree(obj), writes()));
  }

  @Override
  public CompletionStage<T> updateStatus(T obj) {
    return typedStage(store.updateStatus(type, tree(obj), writes()));
  }

  @Override
  public CompletionStage<T> patch(String namespace, String name, PatchType patchType, Object patch) {
    return patch(namespace, name, patchType, patch, writes());
  }

  @Override
  public CompletionStage<T> patchStatus(String namespace, String name, PatchType patchType, Object patch) {
    return patch(namespace, name, patchType, patch, writes().withSubresource("status"));
  }

  private CompletionStage<T> patch(String namespace, String name, PatchType patchType, Object patch, WriteOptions o) {
    JsonNode doc;
    try {
      // JSON text as is; anything else through the model mapper (fabric8's Quantity, IntOrString...), as a field
      doc = patch instanceof String text ? Json.MAPPER.readTree(text) : Typed.tree(Map.of("patch", patch)).get("patch");
    } catch (IOException | RuntimeException e) {
      return Future.<T>failedFuture(new ApiException(400, "BadRequest", "the patch is not JSON: " + e.getMessage()))
          .toCompletionStage();
    }
    return typedStage(store.patch(type, ns(namespace), name, patchType.contentType(), doc, o));
  }

  @Override
  public CompletionStage<T> apply(T obj) {
    ObjectNode tree = tree(obj);
    String name = tree.path("metadata").path("name").asText();
    return typedStage(store.patch(type, ns(tree), name, Patches.APPLY, tree, writes().withForce(true)));
  }

  @Override
  public CompletionStage<Void> delete(String namespace, String name) {
    return Stages.toStage(store.delete(type, ns(namespace), name, WriteOptions.none()).mapEmpty());
  }

  private WriteOptions writes() {
    return WriteOptions.none().withFieldManager(fieldManager);
  }

  private CompletionStage<T> typedStage(Future<ObjectNode> f) {
    return Stages.toStage(f.map(this::typed));
  }

  /** The object as the store's tree, with this resource's apiVersion and kind when it has none. */
  private ObjectNode tree(T obj) {
    ObjectNode tree = Typed.tree(obj);
    if (tree.path("apiVersion").asText("").isEmpty()) {
      tree.put("apiVersion", type.apiVersion());
    }
    if (tree.path("kind").asText("").isEmpty()) {
      tree.put("kind", type.kind());
    }
    return tree;
  }

  private String ns(String namespace) {
    return type.namespaced() && namespace != null ? namespace : "";
  }

  private String ns(ObjectNode tree) {
    return ns(tree.path("metadata").path("namespace").asText(""));
  }
}
