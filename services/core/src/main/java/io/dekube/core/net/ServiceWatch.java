package io.dekube.core.net;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Services, EndpointSlices and Endpoints through shared informers, keeps them as typed
 * objects (converted once per change) and hands a fresh {@link ServiceTable} to a listener after
 * each burst of changes (coalesced over a few milliseconds, as kube-proxy's change trackers only
 * mark a sync as due). The listener runs on the context that called {@link #start}.
 */
public final class ServiceWatch {

  /**
   * What the listener gets: the Services and their ports with endpoints, and which Services have a v1 Endpoints object
   * or an EndpointSlice ({@code namespace/name}; kube's APIService availability tells a missing one from an empty one).
   */
  public record View(List<Service> services, List<ServicePort> ports, java.util.Set<String> endpointsObjects) {

    /** Without knowing which Endpoints objects exist: every Service is taken to have one. */
    public View(List<Service> services, List<ServicePort> ports) {
      this(services, ports, null);
    }

    /** Whether the Service {@code namespace/name} has an Endpoints object (true when not known). */
    public boolean hasEndpointsObject(String namespace, String name) {
      return endpointsObjects == null || endpointsObjects.contains(namespace + "/" + name);
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ServiceWatch.class);
  private static final long COALESCE_MS = 20;

  private final Vertx vertx;
  private final Function<String, Informer> informers;
  private final Consumer<View> listener;
  private final Map<ObjectKey, Service> services = new HashMap<>();
  private final Map<ObjectKey, EndpointSlice> slices = new HashMap<>();
  private final Map<ObjectKey, Endpoints> endpoints = new HashMap<>();
  private final List<HandlerRegistration> registrations = new ArrayList<>();
  private boolean due;
  private boolean started;

  private ServiceWatch(Vertx vertx, Function<String, Informer> informers, Consumer<View> listener) {
    this.vertx = vertx;
    this.informers = informers;
    this.listener = listener;
  }

  /**
   * Starts the informers (resource name → shared informer), waits for their initial sync, then
   * calls the listener once and after every change. Call on the Vert.x context the listener
   * should run on.
   */
  public static Future<ServiceWatch> start(Vertx vertx, ResourceRegistry registry,
      Function<io.dekube.core.model.ResourceType, Informer> informers, Consumer<View> listener) {
    ServiceWatch w = new ServiceWatch(vertx, name -> informers.apply(registry.byResourceName(name).orElseThrow()),
        listener);
    return w.begin().map(w);
  }

  private Future<Void> begin() {
    Informer svc = informers.apply("services");
    Informer eps = informers.apply("endpointslices.discovery.k8s.io");
    Informer ep = informers.apply("endpoints");
    return Future.all(svc.start(), eps.start(), ep.start()).compose(v -> {
      registrations.add(svc.addHandler(follow(services, Service.class)));
      registrations.add(eps.addHandler(follow(slices, EndpointSlice.class)));
      registrations.add(ep.addHandler(follow(endpoints, Endpoints.class)));
      started = true;
      return Future.<Void>succeededFuture();
    }).onSuccess(v -> vertx.setTimer(COALESCE_MS, t -> schedule()));
  }

  private <T> InformerHandler follow(Map<ObjectKey, T> into, Class<T> type) {
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        put(object);
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        put(newObject);
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        into.remove(ObjectKey.of(last));
        schedule();
      }

      private void put(ObjectNode object) {
        try {
          into.put(ObjectKey.of(object), Typed.from(object, type));
        } catch (IllegalArgumentException e) {
          LOG.warn("skipping {} {}: {}", type.getSimpleName(), ObjectKey.of(object), e.getMessage());
        }
        schedule();
      }
    };
  }

  private void schedule() {
    if (!started || due) {
      return;
    }
    due = true;
    vertx.setTimer(COALESCE_MS, t -> {
      due = false;
      listener.accept(view());
    });
  }

  /** The current view (on the listener's context). */
  public View view() {
    List<Service> svcs = List.copyOf(services.values());
    java.util.Set<String> objects = new java.util.HashSet<>();
    endpoints.keySet().forEach(k -> objects.add(k.namespace() + "/" + k.name()));
    // kube's availability check reads Endpoints objects; dekube routes by EndpointSlices too, so a slice counts
    slices.forEach((k, slice) -> {
      String service = slice.getMetadata().getLabels() == null ? null
          : slice.getMetadata().getLabels().get("kubernetes.io/service-name");
      if (service != null) {
        objects.add(k.namespace() + "/" + service);
      }
    });
    return new View(svcs, ServiceTable.build(svcs, slices.values(), endpoints.values()), objects);
  }

  /** Stops following (the shared informers stay). */
  public void stop() {
    registrations.forEach(HandlerRegistration::remove);
    registrations.clear();
    started = false;
  }
}
