package io.dekube.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.VersionConverter;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.util.Optional;

/**
 * The served versions of custom kinds besides their storage version, with conversion {@code None}
 * (only {@code apiVersion} changes), in front of another converter (the built-in legacy versions).
 * Reads the registry at each call. Pure and thread-safe.
 */
public final class CustomVersions implements VersionConverter {

  private final ResourceRegistry registry;
  private final VersionConverter next;

  public CustomVersions(ResourceRegistry registry, VersionConverter next) {
    this.registry = registry;
    this.next = next;
  }

  @Override
  public Optional<ResourceType> resolve(String group, String version, String plural) {
    Optional<CustomKind> custom = registry.byGroupPlural(group, plural).flatMap(t -> registry.custom(t.resourceName()));
    if (custom.isPresent()) {
      return custom.get().served(version).map(v -> custom.get().type());
    }
    return next.resolve(group, version, plural);
  }

  @Override
  public ObjectNode toStored(ResourceType stored, String apiVersion, ObjectNode object) {
    if (registry.custom(stored.resourceName()).isPresent()) {
      object.put("apiVersion", stored.apiVersion());
      return object;
    }
    return next.toStored(stored, apiVersion, object);
  }

  @Override
  public ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode object) {
    if (registry.custom(stored.resourceName()).isPresent()) {
      object.put("apiVersion", apiVersion);
      return object;
    }
    return next.fromStored(stored, apiVersion, object);
  }
}
