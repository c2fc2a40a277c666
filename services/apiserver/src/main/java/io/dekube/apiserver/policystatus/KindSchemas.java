package io.dekube.apiserver.policystatus;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.conversion.LegacyVersions;
import io.dekube.apiserver.openapi.OpenApiDocuments;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.store.admission.policy.PolicyTypeChecker;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The kinds and schemas the policy type checker sees, as kube-controller-manager's RESTMapper and schema resolver
 * give them: a group, version and resource names the kind the apiserver serves there (a custom resource in each
 * served version of its CRD, the old group-versions dekube still serves), and a kind's schema is the one of
 * {@code /openapi/v3} ({@link OpenApiDocuments#resolvedSchema}: the client models' for built-in kinds, the CRD's for
 * custom resources). One instance per check: schemas are resolved once each. Not thread-safe.
 */
final class KindSchemas implements PolicyTypeChecker.Schemas {

  private final ResourceRegistry registry;
  private final OpenApiDocuments documents;
  private final Map<PolicyTypeChecker.Gvk, Optional<JsonNode>> resolved = new HashMap<>();

  KindSchemas(ResourceRegistry registry, OpenApiDocuments documents) {
    this.registry = registry;
    this.documents = documents;
  }

  @Override
  public List<PolicyTypeChecker.Gvk> kindsFor(String group, String version, String resource) {
    String resourceName = group.isEmpty() ? resource : resource + "." + group;
    Optional<CustomKind> custom = registry.custom(resourceName);
    if (custom.isPresent()) {
      return custom.get().served(version).isPresent()
          ? List.of(new PolicyTypeChecker.Gvk(group, version, custom.get().type().kind())) : List.of();
    }
    Optional<ResourceType> builtIn = registry.byResourceName(resourceName).filter(t -> t.version().equals(version));
    if (builtIn.isPresent()) {
      return List.of(new PolicyTypeChecker.Gvk(group, version, builtIn.get().kind()));
    }
    return LegacyVersions.find(group, version, resource)
        .map(e -> List.of(new PolicyTypeChecker.Gvk(group, version, e.kind()))).orElse(List.of());
  }

  @Override
  public JsonNode schema(PolicyTypeChecker.Gvk gvk) {
    return resolved.computeIfAbsent(gvk, k -> documents.resolvedSchema(
        k.group().isEmpty() ? k.version() : k.group() + "/" + k.version(), k.kind())).orElse(null);
  }
}
