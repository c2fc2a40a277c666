package io.dekube.controller.api;

import io.fabric8.kubernetes.api.model.HasMetadata;

/**
 * The key a controller syncs: an object's namespace ("" for cluster-scoped objects) and name. Immutable.
 *
 * @param namespace the namespace, "" for cluster-scoped objects
 * @param name      the name
 */
public record Key(String namespace, String name) {

  public Key {
    namespace = namespace == null ? "" : namespace;
  }

  /** The key of an object. */
  public static Key of(HasMetadata obj) {
    return new Key(obj.getMetadata().getNamespace(), obj.getMetadata().getName());
  }

  @Override
  public String toString() {
    return namespace.isEmpty() ? name : namespace + "/" + name;
  }
}
