package io.dekube.apiserver.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.conversion.LegacyVersions;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.Optional;

/**
 * Where one ingested object goes: its stored resource (found by apiVersion and kind, also through a
 * legacy version or a CRD's other versions), the object in the stored version, its namespace
 * ({@code default} when a namespaced object names none, none for cluster-scoped kinds) and its name.
 * Pure apart from the registry it reads.
 *
 * @param type       the stored resource
 * @param object     the apply configuration in the stored version, but in {@code apiVersion} when a CRD's conversion
 *                   webhook converts it ({@link #remote})
 * @param namespace  the namespace ("" for cluster-scoped)
 * @param name       the name
 * @param apiVersion a custom kind's served version the document is in when it is not the storage one, else null
 * @param remote     whether the configuration is still in {@code apiVersion}, for the CRD's conversion webhook
 */
record IngestTarget(ResourceType type, ObjectNode object, String namespace, String name, String apiVersion,
                    boolean remote) {

  static final String DEFAULT_NAMESPACE = "default";

  /**
   * Resolves an object.
   *
   * @throws StatusException 400 without apiVersion, kind or name, 404 for a kind not served
   */
  static IngestTarget of(ObjectNode obj, ResourceRegistry registry, Codecs codecs) {
    String apiVersion = obj.path("apiVersion").asText("");
    String kind = obj.path("kind").asText("");
    if (kind.isEmpty()) {
      throw StatusException.badRequest("Object 'Kind' is missing in the document");
    }
    if (apiVersion.isEmpty()) {
      throw StatusException.badRequest("Object 'apiVersion' is missing in the " + kind + " document");
    }
    int slash = apiVersion.indexOf('/');
    String group = slash < 0 ? "" : apiVersion.substring(0, slash);
    String version = apiVersion.substring(slash + 1);
    ResourceType type = resolve(registry, codecs, apiVersion, group, version, kind)
        .orElseThrow(() -> new StatusException(404, "NotFound", "no matches for kind \"" + kind + "\" in version \""
            + apiVersion + "\" (ensure CRDs are installed first)", Json.object()));
    boolean other = !type.version().equals(version) || !type.group().equals(group);
    // a conversion webhook is asynchronous: the apply converts through it (ServerSideApply.applyIn)
    boolean remote = other && codecs.versions().remote(type);
    ObjectNode stored = other && !remote ? codecs.versions().toStored(type, apiVersion, obj) : obj;
    ObjectNode meta = Json.metadata(stored);
    String name = meta.path("name").asText("");
    if (name.isEmpty()) {
      throw StatusException.badRequest(kind + ": resource name may not be empty");
    }
    String namespace = "";
    if (type.namespaced()) {
      namespace = meta.path("namespace").asText("");
      namespace = namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
      meta.put("namespace", namespace);
    } else {
      meta.remove("namespace");
    }
    return new IngestTarget(type, stored, namespace, name,
        other && registry.custom(type.resourceName()).isPresent() ? apiVersion : null, remote);
  }

  private static Optional<ResourceType> resolve(ResourceRegistry registry, Codecs codecs, String apiVersion,
                                                String group, String version, String kind) {
    Optional<ResourceType> stored = registry.byGroupKind(group, kind);
    if (stored.isPresent() && stored.get().version().equals(version)) {
      return stored;
    }
    Optional<String> plural = stored.map(ResourceType::plural)
        .or(() -> LegacyVersions.findByKind(apiVersion, kind).map(LegacyVersions.Entry::plural));
    return plural.flatMap(p -> codecs.versions().resolve(group, version, p));
  }
}
