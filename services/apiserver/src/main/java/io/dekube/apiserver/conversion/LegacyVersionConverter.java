package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.VersionConverter;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.util.Optional;

/**
 * The REST layer's view of {@link LegacyVersions}: which stored resource an old group-version
 * serves, and the conversions both ways. Stateless apart from the registry; thread-safe.
 */
public final class LegacyVersionConverter implements VersionConverter {

  private final ResourceRegistry registry;

  public LegacyVersionConverter(ResourceRegistry registry) {
    this.registry = registry;
  }

  @Override
  public Optional<ResourceType> resolve(String group, String version, String plural) {
    return LegacyVersions.find(group, version, plural)
        .flatMap(e -> registry.byResourceName(e.storedResourceName()));
  }

  @Override
  public ObjectNode toStored(ResourceType stored, String apiVersion, ObjectNode object) {
    if (stored.apiVersion().equals(apiVersion)) {
      return object;
    }
    return LegacyVersions.lookupKind(apiVersion, stored.kind()).map(v -> v.toStored(object)).orElse(object);
  }

  @Override
  public ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode object) {
    if (stored.apiVersion().equals(apiVersion)) {
      return object;
    }
    return LegacyVersions.fromStored(object, apiVersion);
  }
}
