package io.dekube.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code default/kubernetes} Service, as kube-apiserver's bootstrap controller keeps it: port
 * 443 ({@code https}) on the first address of the service CIDR, its Endpoints and EndpointSlice
 * pointing at this apiserver's address and port (rewritten when the port changed). Idempotent;
 * runs on the caller's context, never blocks. {@link #keep} writes them again when one is deleted
 * ({@code kubectl delete svc --all} in {@code default}), as kube's controller does on its next pass.
 */
final class KubernetesService {

  static final String NAME = "kubernetes";

  private static final Logger LOG = LoggerFactory.getLogger(KubernetesService.class);

  private KubernetesService() {
  }

  static Future<Void> ensure(StoreClient store, ResourceRegistry registry, String clusterIp, String host, int port) {
    ResourceType services = registry.byResourceName("services").orElseThrow();
    ResourceType endpoints = registry.byResourceName("endpoints").orElseThrow();
    ResourceType slices = registry.byResourceName("endpointslices.discovery.k8s.io").orElseThrow();
    return createIfMissing(store, services, service(clusterIp, port))
        .compose(v -> put(store, endpoints, endpoints(host, port)))
        .compose(v -> put(store, slices, slice(host, port)));
  }

  /**
   * Watches the Service, its Endpoints and EndpointSlice: a delete of one of them ensures all three
   * again. Call on the apiserver's context; remove the registrations when it stops.
   */
  static List<HandlerRegistration> keep(Function<ResourceType, Informer> informers, StoreClient store,
                                        ResourceRegistry registry, String clusterIp, String host, int port) {
    InformerHandler onDelete = new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        if ("default".equals(last.path("metadata").path("namespace").asText())
            && NAME.equals(last.path("metadata").path("name").asText())) {
          LOG.info("default/kubernetes {} deleted: writing it again", last.path("kind").asText());
          ensure(store, registry, clusterIp, host, port)
              .onFailure(e -> LOG.warn("cannot write the default/kubernetes Service: {}", e.toString()));
        }
      }
    };
    return Stream.of("services", "endpoints", "endpointslices.discovery.k8s.io")
        .map(name -> informers.apply(registry.byResourceName(name).orElseThrow()).addHandler(onDelete)).toList();
  }

  /** Port 443 to the apiserver's own port, as kube-apiserver's Service targets its secure port. */
  private static ObjectNode service(String clusterIp, int port) {
    ObjectNode svc = object("v1", "Service");
    Json.metadata(svc).putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
    ObjectNode spec = svc.putObject("spec");
    spec.put("type", "ClusterIP").put("clusterIP", clusterIp).put("sessionAffinity", "None");
    spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
        .put("targetPort", port);
    return svc;
  }

  private static ObjectNode endpoints(String host, int port) {
    ObjectNode ep = object("v1", "Endpoints");
    ObjectNode subset = ep.putArray("subsets").addObject();
    subset.putArray("addresses").addObject().put("ip", host);
    subset.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
    return ep;
  }

  private static ObjectNode slice(String host, int port) {
    ObjectNode s = object("discovery.k8s.io/v1", "EndpointSlice");
    Json.metadata(s).putObject("labels").put("kubernetes.io/service-name", NAME)
        .put("endpointslice.kubernetes.io/managed-by", "apiserver");
    s.put("addressType", "IPv4");
    ObjectNode e = s.putArray("endpoints").addObject();
    e.putArray("addresses").add(host);
    e.putObject("conditions").put("ready", true);
    s.putArray("ports").addObject().put("name", "https").put("port", port).put("protocol", "TCP");
    return s;
  }

  private static ObjectNode object(String apiVersion, String kind) {
    ObjectNode o = Json.object().put("apiVersion", apiVersion).put("kind", kind);
    Json.metadata(o).put("name", NAME).put("namespace", "default");
    return o;
  }

  private static Future<Void> createIfMissing(StoreClient store, ResourceType type, ObjectNode obj) {
    return store.create(type, "default", obj, WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && s.code() == 409
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** Creates, or replaces the content of the existing object when it differs. */
  private static Future<Void> put(StoreClient store, ResourceType type, ObjectNode obj) {
    return store.create(type, "default", obj, WriteOptions.none()).<Void>mapEmpty().recover(e -> {
      if (!(e instanceof StatusException s) || s.code() != 409) {
        return Future.failedFuture(e);
      }
      return store.get(type, "default", NAME).compose(current -> {
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
