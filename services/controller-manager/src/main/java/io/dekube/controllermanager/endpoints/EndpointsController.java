package io.dekube.controllermanager.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's Endpoints controller: for every Service with a selector, an Endpoints object of the same
 * name listing the selected pods' IPs (ready ones in {@code addresses}, others in
 * {@code notReadyAddresses}) with the ports resolved per pod; deleted with the Service. Services
 * without a selector keep the Endpoints their users write, and so do Services whose endpoints another
 * controller keeps ({@link ServiceIndex#delegated}). Syncs run on the loop's context.
 */
public final class EndpointsController implements Reconciler {

  /** Label kube puts on Endpoints of headless services. */
  static final String HEADLESS = "service.kubernetes.io/headless";

  private final ControllerContext ctx;
  private final ResourceType endpointsType;
  private final Lister<Service> services;
  private final Lister<Pod> pods;
  private final Lister<Endpoints> endpoints;

  public EndpointsController(ControllerContext ctx) {
    this.ctx = ctx;
    this.endpointsType = ctx.type("endpoints");
    this.services = ctx.lister("services", Service.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.endpoints = ctx.lister("endpoints", Endpoints.class);
  }

  /** The loop: Services, and pods mapped to the Services that select them. */
  public ControllerLoop loop(Duration resync, int workers) {
    ControllerLoop loop = new ControllerLoop(ctx.vertx(), "endpoints", this, services.cache(), resync, workers);
    loop.watch(pods.cache(), pod -> ServiceIndex.servicesSelecting(services, pod));
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Service svc = services.get(key);
    if (svc == null) {
      return ctx.store().delete(endpointsType, key.namespace(), key.name(), WriteOptions.none()).<Void>mapEmpty()
          .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
              : Future.failedFuture(e));
    }
    if (svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty() || ServiceIndex.delegated(svc)) {
      return Future.succeededFuture();
    }
    LabelSelector selector = ServiceIndex.selector(svc);
    List<Pod> selected = pods.list(key.namespace()).stream()
        .filter(p -> selector.matches(p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels()))
        .toList();
    List<EndpointSubset> subsets = subsets(ServiceEndpoints.of(svc, selected, false));
    Endpoints current = endpoints.get(key);
    Map<String, String> labels = new HashMap<>(svc.getMetadata().getLabels() == null ? Map.of()
        : svc.getMetadata().getLabels());
    if ("None".equals(svc.getSpec().getClusterIP())) {
      labels.put(HEADLESS, "");
    }
    if (current != null && Objects.equals(Typed.tree(wrap(subsets)), Typed.tree(wrap(current.getSubsets())))
        && Objects.equals(labels, current.getMetadata().getLabels() == null ? Map.of() : current.getMetadata().getLabels())) {
      return Future.succeededFuture();
    }
    Endpoints next = current == null ? new Endpoints() : Lister.copy(current);
    if (current == null) {
      next.setMetadata(new ObjectMeta());
      next.getMetadata().setName(key.name());
      next.getMetadata().setNamespace(key.namespace());
    }
    next.getMetadata().setLabels(labels);
    next.setSubsets(subsets);
    ObjectNode tree = Typed.tree(next);
    return (current == null ? ctx.store().create(endpointsType, key.namespace(), tree, WriteOptions.none())
        : ctx.store().update(endpointsType, tree, WriteOptions.none())).mapEmpty();
  }

  private static Endpoints wrap(List<EndpointSubset> subsets) {
    Endpoints e = new Endpoints();
    e.setSubsets(subsets == null ? List.of() : subsets);
    return e;
  }

  /** kube's {@code RepackSubsets}: one subset per distinct port list, addresses sorted by IP. */
  static List<EndpointSubset> subsets(List<ServiceEndpoints.Endpoint> eps) {
    List<EndpointSubset> out = new ArrayList<>();
    for (List<ServiceEndpoints.Endpoint> group : ServiceEndpoints.byPorts(eps).values()) {
      EndpointSubset s = new EndpointSubset();
      List<EndpointAddress> ready = new ArrayList<>();
      List<EndpointAddress> notReady = new ArrayList<>();
      for (ServiceEndpoints.Endpoint e : group) {
        (e.ready() ? ready : notReady).add(address(e));
      }
      s.setAddresses(ready.isEmpty() ? null : ready);
      s.setNotReadyAddresses(notReady.isEmpty() ? null : notReady);
      List<EndpointPort> ports = new ArrayList<>();
      for (ServiceEndpoints.Port p : group.get(0).ports()) {
        EndpointPort ep = new EndpointPort();
        ep.setName(p.name());
        ep.setPort(p.port());
        ep.setProtocol(p.protocol());
        ep.setAppProtocol(p.appProtocol());
        ports.add(ep);
      }
      s.setPorts(ports.isEmpty() ? null : ports);
      out.add(s);
    }
    return out;
  }

  private static EndpointAddress address(ServiceEndpoints.Endpoint e) {
    Pod p = e.pod();
    EndpointAddress a = new EndpointAddress();
    a.setIp(e.ip());
    a.setNodeName(p.getSpec().getNodeName());
    if (p.getSpec().getHostname() != null && p.getSpec().getSubdomain() != null) {
      a.setHostname(p.getSpec().getHostname());
    }
    ObjectReference ref = new ObjectReference();
    ref.setKind("Pod");
    ref.setNamespace(p.getMetadata().getNamespace());
    ref.setName(p.getMetadata().getName());
    ref.setUid(p.getMetadata().getUid());
    a.setTargetRef(ref);
    return a;
  }
}
