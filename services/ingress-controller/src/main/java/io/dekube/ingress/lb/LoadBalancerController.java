package io.dekube.ingress.lb;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.net.Ipv4;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The LoadBalancer controller (a cloud provider's service controller, on one machine): gives each
 * {@code type: LoadBalancer} Service an address from the pool (127.200.0.0/24) in
 * {@code status.loadBalancer.ingress}, keeps it while the Service stays a LoadBalancer and clears
 * it when it stops being one. Addresses in use are read back from the Services' status, so a
 * restart keeps them. Event-loop confined.
 */
public final class LoadBalancerController extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(LoadBalancerController.class);

  private final Ipv4.Cidr pool;
  private final Informer services;
  private final ResourceType type;
  private final StoreApi store;
  private final Map<ObjectKey, String> pending = new HashMap<>();
  /**
   * The next retry delay of each Service whose status write failed (the bus, or the admission refusing it): kube's
   * service controller retries with its back-off, 5 s doubling to 5 min.
   */
  private final Map<ObjectKey, Long> retries = new HashMap<>();
  private static final long MIN_RETRY_MS = 5_000;
  private static final long MAX_RETRY_MS = 300_000;
  private HandlerRegistration registration;

  public LoadBalancerController(String pool, Informer services, ResourceType type, StoreApi store) {
    this.pool = Ipv4.Cidr.parse(pool);
    this.services = services;
    this.type = type;
    this.store = store;
  }

  @Override
  public Future<?> start() {
    return services.start().onSuccess(v -> registration = services.addHandler(InformerHandler.keys(this::sync)));
  }

  private void sync(ObjectKey key) {
    ObjectNode svc = services.get(key);
    if (svc == null) {
      pending.remove(key);
      retries.remove(key);
      return;
    }
    boolean lb = svc.path("spec").path("type").asText().equals("LoadBalancer");
    JsonNode ingress = svc.path("status").path("loadBalancer").path("ingress");
    if (lb && ingress.size() > 0) {
      pending.remove(key);
      return;
    }
    if (!lb && ingress.size() == 0) {
      return;
    }
    String ip = lb ? pending.computeIfAbsent(key, k -> free()) : null;
    if (lb && ip == null) {
      LOG.warn("no free LoadBalancer address in {} for Service {}", pool, key);
      return;
    }
    ObjectNode next = svc.deepCopy();
    ObjectNode lbStatus = next.putObject("status").putObject("loadBalancer");
    if (ip != null) {
      lbStatus.putArray("ingress").addObject().put("ip", ip).put("ipMode", "VIP");
    }
    store.updateStatus(type, next, WriteOptions.none())
        .onSuccess(o -> {
          retries.remove(key);
          LOG.info("Service {} {}", key, ip == null ? "is no LoadBalancer any more" : "gets " + ip);
        })
        .onFailure(e -> {
          pending.remove(key);
          long delay = retries.merge(key, MIN_RETRY_MS, (was, min) -> Math.min(was * 2, MAX_RETRY_MS));
          LOG.warn("status of Service {} (tried again in {} s): {}", key, delay / 1000, e.toString());
          vertx.setTimer(delay, t -> sync(key));
        });
  }

  private String free() {
    Set<String> used = new HashSet<>(pending.values());
    for (ObjectNode s : services.list()) {
      for (JsonNode i : s.path("status").path("loadBalancer").path("ingress")) {
        used.add(i.path("ip").asText());
      }
    }
    for (long o = 1; o < pool.size() - 1; o++) {
      String ip = pool.address(o);
      if (!used.contains(ip)) {
        return ip;
      }
    }
    return null;
  }

  @Override
  public Future<?> stop() {
    if (registration != null) {
      registration.remove();
    }
    return Future.succeededFuture();
  }
}
