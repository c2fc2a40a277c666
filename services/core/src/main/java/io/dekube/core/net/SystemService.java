package io.dekube.core.net;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Service that a cluster component serves itself, not pods — {@code default/kubernetes} (the
 * apiserver), {@code kube-system/kube-dns} (the cluster DNS) — kept as kube-apiserver's bootstrap
 * controller keeps the first: the Service is created when missing (an existing one is left as it
 * is), its Endpoints and EndpointSlice of the same name list the component's address and ports
 * (rewritten when they differ), and {@link #keep} writes all three again when one is deleted.
 * Immutable; {@link #ensure} is idempotent; both run on the caller's context and never block.
 *
 * @param service   the Service as it should be created (metadata.namespace and name set)
 * @param host      the address the component serves on: the one endpoint
 * @param ports     the ports it serves, named as the Service's ports
 * @param managedBy the EndpointSlice's {@code endpointslice.kubernetes.io/managed-by}
 */
public record SystemService(ObjectNode service, String host, List<Port> ports, String managedBy) {

  /** One served port: the Service port's name, the port the component listens on, TCP or UDP. */
  public record Port(String name, int port, String protocol) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(SystemService.class);
  private static final List<String> KINDS = List.of("services", "endpoints", "endpointslices.discovery.k8s.io");

  public String namespace() {
    return service.path("metadata").path("namespace").asText();
  }

  public String name() {
    return service.path("metadata").path("name").asText();
  }

  /** Creates the Service when missing, then puts the Endpoints and the EndpointSlice. */
  public Future<Void> ensure(StoreApi store, ResourceRegistry registry) {
    return ensure(store, store, registry);
  }

  /**
   * As above, the Service written through {@code services} and its endpoints through {@code endpoints}: in kube they
   * are different clients' (an installer creates an addon's Service, an endpoint controller keeps its endpoints).
   */
  public Future<Void> ensure(StoreApi services, StoreApi endpoints, ResourceRegistry registry) {
    return createIfMissing(services, type(registry, "services"), service)
        .compose(v -> put(endpoints, type(registry, "endpoints"), endpoints()))
        .compose(v -> put(endpoints, type(registry, "endpointslices.discovery.k8s.io"), slice()));
  }

  /**
   * Watches the Service, its Endpoints and EndpointSlice: a delete of one of them ensures all three
   * again. Call on the owner's context; remove the registrations when it stops.
   */
  public List<HandlerRegistration> keep(Function<ResourceType, Informer> informers, StoreApi store,
                                        ResourceRegistry registry) {
    return keep(informers, registry, () -> ensure(store, registry).onFailure(e -> LOG.warn(
        "cannot write the {}/{} Service: {}", namespace(), name(), e.toString())));
  }

  /**
   * Watches the Service, its Endpoints and EndpointSlice: a delete of one of them runs {@code rewrite} (which writes
   * all three again, as the owner writes them). Call on the owner's context; remove the registrations when it stops.
   */
  public List<HandlerRegistration> keep(Function<ResourceType, Informer> informers, ResourceRegistry registry,
                                        Runnable rewrite) {
    InformerHandler onDelete = new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        if (namespace().equals(last.path("metadata").path("namespace").asText())
            && name().equals(last.path("metadata").path("name").asText())) {
          LOG.info("{}/{} {} deleted: writing it again", namespace(), name(), last.path("kind").asText());
          rewrite.run();
        }
      }
    };
    return KINDS.stream().map(kind -> informers.apply(type(registry, kind)).addHandler(onDelete)).toList();
  }

  ObjectNode endpoints() {
    ObjectNode ep = object("v1", "Endpoints");
    ObjectNode subset = ep.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", host);
    ports(subset.putArray("ports"));
    return ep;
  }

  ObjectNode slice() {
    ObjectNode s = object("discovery.k8s.io/v1", "EndpointSlice");
    Json.metadata(s).putObject("labels").put("kubernetes.io/service-name", name())
        .put("endpointslice.kubernetes.io/managed-by", managedBy);
    s.put("addressType", "IPv4");
    ObjectNode e = s.putArray("endpoints").addObject();
    e.putArray("addresses").add(host);
    e.putObject("conditions").put("ready", true);
    ports(s.putArray("ports"));
    return s;
  }

  private void ports(ArrayNode into) {
    ports.forEach(p -> into.addObject().put("name", p.name()).put("port", p.port()).put("protocol", p.protocol()));
  }

  private ObjectNode object(String apiVersion, String kind) {
    ObjectNode o = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    Json.metadata(o).put("name", name()).put("namespace", namespace());
    return o;
  }

  private static ResourceType type(ResourceRegistry registry, String name) {
    return registry.byResourceName(name).orElseThrow();
  }

  private Future<Void> createIfMissing(StoreApi store, ResourceType type, ObjectNode obj) {
    return store.create(type, namespace(), obj, WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && s.code() == 409
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** Creates, or replaces the content of the existing object when it differs. */
  private Future<Void> put(StoreApi store, ResourceType type, ObjectNode obj) {
    return store.create(type, namespace(), obj, WriteOptions.none()).<Void>mapEmpty().recover(e -> {
      if (!(e instanceof StatusException s) || s.code() != 409) {
        return Future.failedFuture(e);
      }
      return store.get(type, namespace(), name()).compose(current -> {
        ObjectNode next = current.deepCopy();
        boolean same = true;
        for (String field : new String[] {"subsets", "endpoints", "ports", "addressType"}) {
          if (obj.has(field)) {
            same &= obj.get(field).equals(current.get(field));
            next.set(field, obj.get(field).deepCopy());
          }
        }
        return same ? Future.succeededFuture() : store.update(type, next, WriteOptions.none()).mapEmpty();
      });
    });
  }
}
