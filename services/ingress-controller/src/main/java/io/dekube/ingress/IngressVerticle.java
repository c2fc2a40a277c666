package io.dekube.ingress;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.net.ServiceWatch;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingress controller: follows Ingresses, IngressClasses, TLS Secrets, Services and endpoints;
 * keeps the {@link IngressProxy}'s routes, endpoints and certificates current; writes each served
 * Ingress' {@code status.loadBalancer.ingress} (its address); creates its IngressClass at start
 * (the default one when no other is). Wiring only.
 */
public final class IngressVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(IngressVerticle.class);

  private final IngressConfig config;
  private final ResourceRegistry registry;
  private final Function<ResourceType, Informer> informers;
  private final StoreApi store;
  private final List<HandlerRegistration> registrations = new ArrayList<>();
  private IngressProxy proxy;
  private ServiceWatch watch;
  private Informer ingresses;
  private Informer classes;
  private Informer secrets;
  private boolean due;
  private long classRetry = -1;
  private long statusRetry = -1;

  public IngressVerticle(IngressConfig config, ResourceRegistry registry, Function<ResourceType, Informer> informers,
      StoreApi store) {
    this.config = config;
    this.registry = registry;
    this.informers = informers;
    this.store = store;
  }

  /** The HTTP port served (the chosen one when configured with 0). */
  public int httpPort() {
    return proxy == null ? -1 : proxy.httpPort();
  }

  /** The HTTPS port served. */
  public int httpsPort() {
    return proxy == null ? -1 : proxy.httpsPort();
  }

  @Override
  public Future<?> start() {
    proxy = new IngressProxy(vertx, config);
    ingresses = informer("ingresses.networking.k8s.io");
    classes = informer("ingressclasses.networking.k8s.io");
    secrets = informer("secrets");
    return Future.all(ingresses.start(), classes.start(), secrets.start())
        .compose(v -> ensureClassOrRetry())
        .compose(v -> ServiceWatch.start(vertx, registry, informers, view -> proxy.backends().update(view.ports())))
        .compose(w -> {
          watch = w;
          proxy.backends().update(w.view().ports());
          for (Informer i : List.of(ingresses, classes, secrets)) {
            registrations.add(i.addHandler(InformerHandler.keys(k -> schedule())));
          }
          return proxy.listen();
        })
        .onSuccess(v -> schedule());
  }

  private Informer informer(String resource) {
    return informers.apply(registry.byResourceName(resource).orElseThrow());
  }

  /**
   * The IngressClass, created before the proxy serves; a write the admission refuses (a webhook or policy that
   * denies it, or fails under {@code Fail}) does not stop the controller: it is logged and tried again every 10 s,
   * as a controller retries its writes.
   */
  private Future<Void> ensureClassOrRetry() {
    return ensureClass().recover(e -> {
      LOG.warn("cannot create IngressClass {} (tried again in 10 s): {}", config.className(), e.getMessage());
      classRetry = vertx.setTimer(10_000, t -> {
        classRetry = -1;
        ensureClassOrRetry();
      });
      return Future.succeededFuture();
    });
  }

  private Future<Void> ensureClass() {
    boolean otherDefault = classes.list().stream().anyMatch(c -> "true".equals(c.path("metadata").path("annotations")
        .path(IngressRoutes.DEFAULT_CLASS_ANNOTATION).asText()));
    ObjectNode cls = Json.object().put("apiVersion", "networking.k8s.io/v1").put("kind", "IngressClass");
    ObjectNode meta = Json.metadata(cls).put("name", config.className());
    if (!otherDefault) {
      meta.putObject("annotations").put(IngressRoutes.DEFAULT_CLASS_ANNOTATION, "true");
    }
    cls.putObject("spec").put("controller", config.controller());
    return store.create(registry.byResourceName("ingressclasses.networking.k8s.io").orElseThrow(), "", cls,
        WriteOptions.none()).<Void>mapEmpty().recover(e -> e instanceof StatusException s && s.code() == 409
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  private void schedule() {
    if (due) {
      return;
    }
    due = true;
    vertx.setTimer(20, t -> {
      due = false;
      sync();
    });
  }

  private void sync() {
    List<IngressClass> cls = classes.list().stream().map(o -> Typed.from(o, IngressClass.class)).toList();
    List<Ingress> all = new ArrayList<>();
    for (ObjectNode o : ingresses.list()) {
      try {
        all.add(Typed.from(o, Ingress.class));
      } catch (IllegalArgumentException e) {
        LOG.warn("skipping Ingress {}: {}", o.path("metadata").path("name").asText(), e.getMessage());
      }
    }
    proxy.routes(IngressRoutes.of(all, cls, config.controller()));
    List<Ingress> mine = all.stream().filter(i -> IngressRoutes.ours(i, cls, config.controller())).toList();
    proxy.serveCertificates(tlsPairs(mine)).onFailure(e -> LOG.warn("cannot serve the Ingress certificates: {}",
        e.toString()));
    mine.forEach(this::writeStatus);
  }

  private List<String[]> tlsPairs(List<Ingress> mine) {
    List<String[]> pairs = new ArrayList<>();
    for (Ingress ing : mine) {
      if (ing.getSpec().getTls() == null) {
        continue;
      }
      for (var tls : ing.getSpec().getTls()) {
        ObjectNode secret = tls.getSecretName() == null ? null
            : secrets.get(ing.getMetadata().getNamespace(), tls.getSecretName());
        if (secret == null) {
          continue;
        }
        JsonNode data = secret.path("data");
        String crt = decode(data.path("tls.crt").asText(""));
        String key = decode(data.path("tls.key").asText(""));
        if (!crt.isEmpty() && !key.isEmpty()) {
          pairs.add(new String[] {crt, key});
        }
      }
    }
    return pairs;
  }

  private static String decode(String b64) {
    try {
      return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private void writeStatus(Ingress ing) {
    ObjectNode current = ingresses.get(ing.getMetadata().getNamespace(), ing.getMetadata().getName());
    if (current == null) {
      return;
    }
    JsonNode lb = current.path("status").path("loadBalancer").path("ingress");
    if (lb.size() == 1 && lb.get(0).path("ip").asText().equals(config.host())) {
      return;
    }
    ObjectNode next = current.deepCopy();
    ObjectNode entry = next.putObject("status").putObject("loadBalancer").putArray("ingress").addObject()
        .put("ip", config.host());
    entry.putArray("ports").addObject().put("port", proxy.httpPort()).put("protocol", "TCP");
    store.updateStatus(registry.byResourceName("ingresses.networking.k8s.io").orElseThrow(), next,
        WriteOptions.none()).onFailure(e -> {
          LOG.warn("status of Ingress {}/{} (tried again in 10 s): {}", ing.getMetadata().getNamespace(),
              ing.getMetadata().getName(), e.toString());
          retryStatus();
        });
  }

  /**
   * A sync again in 10 s after a status write failed (the bus, or the admission refusing it), as ingress-nginx's
   * status sync runs again; one timer for every Ingress.
   */
  private void retryStatus() {
    if (statusRetry < 0) {
      statusRetry = vertx.setTimer(10_000, t -> {
        statusRetry = -1;
        schedule();
      });
    }
  }

  @Override
  public Future<?> stop() {
    registrations.forEach(HandlerRegistration::remove);
    for (long timer : new long[] {classRetry, statusRetry}) {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
      }
    }
    if (watch != null) {
      watch.stop();
    }
    return proxy == null ? Future.succeededFuture() : proxy.close();
  }
}
