package io.dekube.apiserver.crd;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.VersionConverter;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.store.admission.webhook.ConversionWebhook;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The served versions of custom kinds besides their storage version, in front of another converter (the
 * built-in legacy versions). Two implementations of one seam, as the CRD's {@code spec.conversion} says:
 * {@code None} rewrites {@code apiVersion} (local), {@code Webhook} asks the CRD's {@link ConversionWebhook}
 * (remote). Conversion runs in the apiserver, around the bus: a body is converted to the storage version
 * before admission and the writer see it, an answer (object, list, watch event) from the storage version
 * after the cache or the writer gave it, so the writer, the store topic and every informer keep the storage
 * version only. Reads the registry at each call. Thread-safe.
 */
public final class CustomVersions implements VersionConverter {

  private final ResourceRegistry registry;
  private final VersionConverter next;
  private final ConversionWebhook webhooks;

  /** Custom versions without webhooks (a webhook kind's other versions fail with a 500). */
  public CustomVersions(ResourceRegistry registry, VersionConverter next) {
    this(registry, next, null);
  }

  /** Custom versions whose webhook conversions go through {@code webhooks}. */
  public CustomVersions(ResourceRegistry registry, VersionConverter next, ConversionWebhook webhooks) {
    this.registry = registry;
    this.next = next;
    this.webhooks = webhooks;
  }

  @Override
  public boolean remote(ResourceType stored) {
    return webhookKind(stored).isPresent() || next.remote(stored);
  }

  private Optional<CustomKind> webhookKind(ResourceType stored) {
    return registry.custom(stored.resourceName()).filter(k -> k.conversion().webhook());
  }

  @Override
  public Future<List<ObjectNode>> fromStored(ResourceType stored, String apiVersion, List<ObjectNode> objects,
                                             boolean list) {
    Optional<CustomKind> kind = webhookKind(stored);
    if (kind.isEmpty()) {
      return VersionConverter.super.fromStored(stored, apiVersion, objects, list);
    }
    return webhooks(kind.get()).compose(w -> w.convert(kind.get(), objects, apiVersion, list));
  }

  @Override
  public Future<ObjectNode> toStoredAsync(ResourceType stored, String apiVersion, ObjectNode object) {
    Optional<CustomKind> kind = webhookKind(stored);
    if (kind.isEmpty()) {
      return VersionConverter.super.toStoredAsync(stored, apiVersion, object);
    }
    object.put("apiVersion", apiVersion);
    return webhooks(kind.get()).compose(w -> w.convert(kind.get(), List.of(object), stored.apiVersion(), false))
        .map(l -> l.get(0));
  }

  private Future<ConversionWebhook> webhooks(CustomKind kind) {
    return webhooks != null ? Future.succeededFuture(webhooks) : Future.failedFuture(unavailable(kind));
  }

  /** A webhook conversion asked for synchronously, or where no webhook client is. */
  private static StatusException unavailable(CustomKind kind) {
    return new StatusException(500, "", "conversion webhook for " + ConversionWebhook.gvk(kind.type().apiVersion(),
        kind.type().kind()) + " failed: webhook conversion is not available here (dekube converts in the "
        + "apiserver: its REST API, admission and ingest)");
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
    webhookKind(stored).ifPresent(kind -> {
      throw unavailable(kind);
    });
    if (registry.custom(stored.resourceName()).isPresent()) {
      object.put("apiVersion", stored.apiVersion());
      return object;
    }
    return next.toStored(stored, apiVersion, object);
  }

  @Override
  public ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode object) {
    webhookKind(stored).ifPresent(kind -> {
      throw unavailable(kind);
    });
    if (registry.custom(stored.resourceName()).isPresent()) {
      object.put("apiVersion", apiVersion);
      return object;
    }
    return next.fromStored(stored, apiVersion, object);
  }
}
