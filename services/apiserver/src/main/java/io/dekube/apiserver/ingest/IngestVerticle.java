package io.dekube.apiserver.ingest;

import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.conversion.LegacyVersionConverter;
import io.dekube.apiserver.crd.CustomVersions;
import io.dekube.core.net.ServiceWatch;
import io.dekube.store.admission.webhook.ConversionWebhook;
import io.dekube.store.admission.webhook.WatchedServices;
import io.dekube.store.admission.webhook.WebhookClient;
import java.util.concurrent.atomic.AtomicReference;
import io.dekube.apiserver.rest.RestApi;
import io.dekube.core.auth.SystemUsers;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.function.Function;

/**
 * The apiserver's ingest, wiring only: consumes {@code dekube.ingest} in the consumer group
 * {@code dekube-ingest} (apiserver processes share its partitions) on its own thread
 * ({@link IngestLoop}), applies each record's documents with the REST layer's server-side apply on
 * this verticle's context ({@link IngestApplier}), and writes the results to
 * {@code dekube.ingest.results}. Deploy one instance per process.
 */
public final class IngestVerticle extends VerticleBase {

  /**
   * Who ingested writes come from, for the admission webhooks: {@code system:dekube:ingest}, in
   * {@code system:masters} because the bus authorizes nothing (any producer of {@code dekube.ingest}
   * writes as an administrator would).
   */
  public static final UserInfo USER = SystemUsers.authenticated("system:dekube:ingest", List.of("system:masters"));

  /** The consumer group of every apiserver's ingest. */
  public static final String GROUP = "dekube-ingest";

  private final String bootstrapServers;
  private final ResourceRegistry registry;
  private final StoreApi store;
  private final Function<ResourceType, Informer> informers;
  private IngestLoop loop;
  private ServiceWatch services;

  /**
   * @param bootstrapServers the Kafka cluster of the bus
   * @param registry         the served resources
   * @param store            writes go through it to the writers (with the admission webhooks of {@link #USER})
   * @param informers        the shared informer of each resource (the watch cache the REST layer reads)
   */
  public IngestVerticle(String bootstrapServers, ResourceRegistry registry, StoreApi store,
                        Function<ResourceType, Informer> informers) {
    this.bootstrapServers = bootstrapServers;
    this.registry = registry;
    this.store = store;
    this.informers = informers;
  }

  @Override
  public Future<?> start() {
    // decision: the ingest converts a document in a CRD's webhook-converted version as the REST API does (it runs in
    // the apiserver's process, beside its informers): its conversion webhooks are reached at their url or at a ready
    // endpoint of their Service, as the admission webhooks are
    AtomicReference<ServiceWatch.View> endpoints = new AtomicReference<>();
    ConversionWebhook conversions = new ConversionWebhook(new WebhookClient(vertx, new WatchedServices(endpoints::get)));
    Codecs codecs = Codecs.jsonOnly().withVersions(new CustomVersions(registry, new LegacyVersionConverter(registry),
        conversions));
    RestApi rest = new RestApi(vertx, registry, store, informers, codecs).withNamespaceLifecycle();
    IngestApplier applier = new IngestApplier(registry, codecs, rest.serverSideApply());
    loop = new IngestLoop(bootstrapServers, context, applier);
    return ServiceWatch.start(vertx, registry, informers, endpoints::set).onSuccess(w -> services = w)
        .compose(w -> vertx.executeBlocking(() -> {
          loop.start();
          return null;
        }));
  }

  @Override
  public Future<?> stop() {
    if (services != null) {
      services.stop();
    }
    return loop == null ? Future.succeededFuture() : vertx.executeBlocking(() -> {
      loop.close();
      return null;
    });
  }
}
