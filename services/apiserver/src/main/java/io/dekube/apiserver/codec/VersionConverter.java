package io.dekube.apiserver.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * Serves legacy API versions ({@code apps/v1beta1}, {@code apps/v1beta2},
 * {@code extensions/v1beta1}) of stored resources: which stored resource a legacy group-version
 * addresses, and the conversion of objects to and from the stored version. The REST layer
 * converts request bodies to the stored version and responses back to the requested one.
 * Implemented over the API-semantics side's {@code io.dekube.apiserver.conversion} and, for custom
 * kinds, {@code io.dekube.apiserver.crd.CustomVersions}. A conversion is local (pure, synchronous:
 * the built-in legacy versions, a CRD's {@code None}) or {@link #remote remote} (a CRD's conversion
 * webhook): a remote one runs only through the asynchronous methods, which convert a list's objects in
 * one call. Thread-safe.
 */
public interface VersionConverter {

  /** Serves no legacy version. */
  VersionConverter NONE = new VersionConverter() {
    @Override
    public Optional<ResourceType> resolve(String group, String version, String plural) {
      return Optional.empty();
    }

    @Override
    public ObjectNode toStored(ResourceType stored, String apiVersion, ObjectNode object) {
      return object;
    }

    @Override
    public ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode object) {
      return object;
    }
  };

  /**
   * The stored resource served at a legacy group-version, e.g. {@code extensions/v1beta1
   * ingresses} → {@code ingresses.networking.k8s.io}; empty when not a served legacy version.
   */
  Optional<ResourceType> resolve(String group, String version, String plural);

  /**
   * Converts an object written in {@code apiVersion} to the stored version (setting its
   * {@code apiVersion}).
   *
   * @throws io.dekube.core.model.StatusException 400 BadRequest when it cannot be converted
   */
  ObjectNode toStored(ResourceType stored, String apiVersion, ObjectNode object);

  /** Converts a stored object to {@code apiVersion} (setting its {@code apiVersion}). */
  ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode object);

  /** Whether {@code stored}'s objects are converted remotely, so only by the asynchronous methods. */
  default boolean remote(ResourceType stored) {
    return false;
  }

  /**
   * Converts stored objects to {@code apiVersion}, in one call when remote.
   *
   * @param list whether they are a list's items (a remote conversion words its errors for a list)
   * @return the converted objects in order; fails with a {@link io.dekube.core.model.StatusException}
   */
  default Future<List<ObjectNode>> fromStored(ResourceType stored, String apiVersion, List<ObjectNode> objects,
                                              boolean list) {
    try {
      return Future.succeededFuture(objects.stream().map(o -> fromStored(stored, apiVersion, o)).toList());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** As {@link #toStored(ResourceType, String, ObjectNode)}, also remotely. */
  default Future<ObjectNode> toStoredAsync(ResourceType stored, String apiVersion, ObjectNode object) {
    try {
      return Future.succeededFuture(toStored(stored, apiVersion, object));
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }
}
