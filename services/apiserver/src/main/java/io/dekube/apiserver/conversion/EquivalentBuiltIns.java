package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.store.admission.webhook.EquivalentVersions;
import java.util.List;

/**
 * The other versions the apiserver serves a built-in resource in ({@link LegacyVersions}: {@code autoscaling/v1}
 * HorizontalPodAutoscalers beside the stored {@code v2}, {@code events.k8s.io/v1} Events, the old workload versions),
 * as kube's equivalent resources for admission under {@code matchPolicy: Equivalent}: the same storage, the objects
 * converted both ways by the REST layer's conversions. Stateless; thread-safe.
 */
public final class EquivalentBuiltIns implements EquivalentVersions.BuiltInVersions {

  @Override
  public List<String> others(ResourceType stored) {
    return LegacyVersions.all().stream()
        .filter(e -> e.storedResourceName().equals(stored.resourceName()) && e.kind().equals(stored.kind())
            && !e.groupVersion().equals(stored.apiVersion()))
        .map(LegacyVersions.Entry::groupVersion).distinct().toList();
  }

  @Override
  public ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode object) {
    return LegacyVersions.fromStored(object, apiVersion);
  }

  @Override
  public ObjectNode toStored(ResourceType stored, String apiVersion, ObjectNode object) {
    return LegacyVersions.lookupKind(apiVersion, stored.kind()).map(v -> v.toStored(object)).orElse(object);
  }
}
