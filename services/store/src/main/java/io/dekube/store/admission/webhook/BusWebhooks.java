package io.dekube.store.admission.webhook;

import io.dekube.core.auth.UserInfo;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.net.ServiceWatch;
import io.dekube.core.store.FieldManagedStore;
import io.dekube.core.store.StoreApi;
import io.dekube.store.admission.policy.PolicyAdmission;
import io.dekube.store.cel.CelAuthorizer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * The admission webhooks and ValidatingAdmissionPolicies of the components of one process that write
 * on the bus: one {@link WebhookAdmission} over the shared informers (the configurations, the policies,
 * the namespaces, and the Services with their endpoints that {@code clientConfig.service} webhooks are
 * reached through), and an {@link AdmittingStore} per writing user. Thread-safe.
 */
public final class BusWebhooks {

  private final Vertx vertx;
  private final WebhookAdmission admission;
  private final Function<ResourceType, Informer> informers;
  private final ResourceRegistry registry;

  private BusWebhooks(Vertx vertx, WebhookAdmission admission, Function<ResourceType, Informer> informers,
                      ResourceRegistry registry) {
    this.vertx = vertx;
    this.admission = admission;
    this.informers = informers;
    this.registry = registry;
  }

  /** Starts the informers it reads; completes once they replayed the store. */
  public static Future<BusWebhooks> start(Vertx vertx, ResourceRegistry registry,
                                          Function<ResourceType, Informer> informers) {
    return start(vertx, registry, informers, EquivalentVersions.BuiltInVersions.NONE);
  }

  /**
   * As above, a webhook or policy whose rules name another served version of a built-in kind ({@code builtIns}: the
   * apiserver's, {@code autoscaling/v1} HorizontalPodAutoscalers) seeing the components' objects converted to it.
   */
  public static Future<BusWebhooks> start(Vertx vertx, ResourceRegistry registry,
                                          Function<ResourceType, Informer> informers,
                                          EquivalentVersions.BuiltInVersions builtIns) {
    AtomicReference<ServiceWatch.View> view = new AtomicReference<>();
    // a webhook or policy of another version of a custom kind sees the components' objects converted to it, through
    // the CRD's conversion webhook too, reached as the admission webhooks are
    ConversionWebhook conversions = new ConversionWebhook(new WebhookClient(vertx, new WatchedServices(view::get)));
    EquivalentVersions versions = EquivalentVersions.of(registry).withWebhooks(conversions::convert)
        .withBuiltIns(builtIns);
    return Future.all(ServiceWatch.start(vertx, registry, informers, view::set),
            PolicyAdmission.start(registry, informers, CelAuthorizer.NONE, versions))
        .compose(all -> WebhookAdmission.start(vertx, registry, informers, new WatchedServices(view::get),
            all.resultAt(1), CelAuthorizer.NONE, versions))
        .map(a -> new BusWebhooks(vertx, a, informers, registry));
  }

  /**
   * {@code store} with the webhooks in front of the writes of {@code user}, which carry the field manager
   * of the user's component behind them ({@link FieldManagedStore}: kube's webhooks see no manager in a
   * component's options either, as kube takes it from the User-Agent).
   */
  public AdmittingStore as(UserInfo user, StoreApi store) {
    return admitting(user, FieldManagedStore.forUser(store, user));
  }

  /**
   * As above for a program that is not one of kube's components, whose writes carry {@code manager} (the name its
   * User-Agent starts with: ingress-nginx's {@code nginx-ingress-controller}...).
   */
  public AdmittingStore as(UserInfo user, String manager, StoreApi store) {
    return admitting(user, FieldManagedStore.forUser(store, user, manager));
  }

  private AdmittingStore admitting(UserInfo user, StoreApi managed) {
    return new AdmittingStore(vertx, managed, admission, informers, user,
        t -> registry.custom(t.resourceName()).map(k -> k.storage().scale()).orElse(null));
  }
}
