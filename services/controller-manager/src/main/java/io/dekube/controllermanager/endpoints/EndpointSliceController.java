package io.dekube.controllermanager.endpoints;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Owners;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointConditions;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's EndpointSlice controller: for every Service with a selector, EndpointSlices labelled
 * {@code kubernetes.io/service-name} and managed by {@code endpointslice-controller.k8s.io}, one
 * per distinct port set (named target ports can differ per pod), each endpoint with its ready,
 * serving and terminating conditions, node and pod reference. Slices are owned by the Service, so
 * the garbage collector removes them with it. A Service whose endpoints another controller keeps
 * ({@link ServiceIndex#delegated}) gets none (its own are removed). Syncs run on the loop's context.
 */
public final class EndpointSliceController implements Reconciler {

  static final String SERVICE_NAME = "kubernetes.io/service-name";
  static final String MANAGED_BY = "endpointslice.kubernetes.io/managed-by";
  static final String CONTROLLER = "endpointslice-controller.k8s.io";

  private final ControllerContext ctx;
  private final ResourceType sliceType;
  private final Lister<Service> services;
  private final Lister<Pod> pods;
  private final Lister<EndpointSlice> slices;

  public EndpointSliceController(ControllerContext ctx) {
    this.ctx = ctx;
    this.sliceType = ctx.type("endpointslices.discovery.k8s.io");
    this.services = ctx.lister("services", Service.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.slices = ctx.lister("endpointslices.discovery.k8s.io", EndpointSlice.class);
  }

  /** The loop: Services, pods mapped to the Services selecting them, and slices to their Service. */
  public ControllerLoop loop(Duration resync, int workers) {
    ControllerLoop loop = new ControllerLoop(ctx.vertx(), "endpointslice", this, services.cache(), resync, workers);
    loop.watch(pods.cache(), pod -> ServiceIndex.servicesSelecting(services, pod));
    loop.watch(slices.cache(), s -> {
      String svc = s.path("metadata").path("labels").path(SERVICE_NAME).asText("");
      return svc.isEmpty() ? List.of() : List.of(new ObjectKey(s.path("metadata").path("namespace").asText(), svc));
    });
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Service svc = services.get(key);
    List<EndpointSlice> existing = slices.list(key.namespace()).stream()
        .filter(s -> key.name().equals(label(s, SERVICE_NAME)) && CONTROLLER.equals(label(s, MANAGED_BY))).toList();
    if (svc == null || ServiceIndex.delegated(svc)) {
      return deleteAll(existing);
    }
    if (svc.getSpec().getSelector() == null || svc.getSpec().getSelector().isEmpty()) {
      return Future.succeededFuture();
    }
    LabelSelector selector = ServiceIndex.selector(svc);
    List<Pod> selected = pods.list(key.namespace()).stream()
        .filter(p -> selector.matches(p.getMetadata().getLabels() == null ? Map.of() : p.getMetadata().getLabels()))
        .toList();
    Map<String, List<ServiceEndpoints.Endpoint>> groups = ServiceEndpoints.byPorts(ServiceEndpoints.of(svc, selected,
        true));
    if (groups.isEmpty()) {
      groups = Map.of("[]", List.of());
    }
    List<EndpointSlice> unused = new ArrayList<>(existing);
    List<Future<?>> writes = new ArrayList<>();
    for (List<ServiceEndpoints.Endpoint> group : groups.values()) {
      EndpointSlice want = desired(svc, group);
      EndpointSlice match = unused.stream().filter(s -> Objects.equals(portsTree(s), portsTree(want))).findFirst()
          .orElse(unused.isEmpty() ? null : unused.get(0));
      if (match == null) {
        writes.add(ctx.store().create(sliceType, key.namespace(), Typed.tree(want), WriteOptions.none()));
        continue;
      }
      unused.remove(match);
      if (same(match, want)) {
        continue;
      }
      EndpointSlice next = Lister.copy(match);
      next.getMetadata().setLabels(want.getMetadata().getLabels());
      next.setEndpoints(want.getEndpoints());
      next.setPorts(want.getPorts());
      writes.add(ctx.store().update(sliceType, Typed.tree(next), WriteOptions.none()));
    }
    writes.add(deleteAll(unused));
    return Future.all(writes).mapEmpty();
  }

  private Future<Void> deleteAll(List<EndpointSlice> list) {
    return Future.all(list.stream().map(s -> ctx.store().delete(sliceType, s.getMetadata().getNamespace(),
            s.getMetadata().getName(), WriteOptions.none()).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e))).toList()).mapEmpty();
  }

  private static boolean same(EndpointSlice a, EndpointSlice b) {
    return Objects.equals(Typed.tree(wrap(a)), Typed.tree(wrap(b)))
        && Objects.equals(a.getMetadata().getLabels(), b.getMetadata().getLabels());
  }

  private static EndpointSlice wrap(EndpointSlice s) {
    EndpointSlice w = new EndpointSlice();
    w.setEndpoints(s.getEndpoints() == null ? List.of() : s.getEndpoints());
    w.setPorts(s.getPorts() == null ? List.of() : s.getPorts());
    return w;
  }

  private static Object portsTree(EndpointSlice s) {
    EndpointSlice w = new EndpointSlice();
    w.setPorts(s.getPorts() == null ? List.of() : s.getPorts());
    return Typed.tree(w);
  }

  private static String label(EndpointSlice s, String key) {
    return s.getMetadata().getLabels() == null ? null : s.getMetadata().getLabels().get(key);
  }

  /** The slice a group of endpoints with the same ports should be. */
  static EndpointSlice desired(Service svc, List<ServiceEndpoints.Endpoint> group) {
    EndpointSlice s = new EndpointSlice();
    ObjectMeta m = new ObjectMeta();
    m.setGenerateName(svc.getMetadata().getName() + "-");
    m.setNamespace(svc.getMetadata().getNamespace());
    Map<String, String> labels = new HashMap<>(svc.getMetadata().getLabels() == null ? Map.of()
        : svc.getMetadata().getLabels());
    labels.put(SERVICE_NAME, svc.getMetadata().getName());
    labels.put(MANAGED_BY, CONTROLLER);
    if ("None".equals(svc.getSpec().getClusterIP())) {
      labels.put(EndpointsController.HEADLESS, "");
    }
    m.setLabels(labels);
    m.setOwnerReferences(List.of(Owners.controllerRef(svc)));
    s.setMetadata(m);
    s.setAddressType("IPv4");
    List<Endpoint> eps = new ArrayList<>();
    for (ServiceEndpoints.Endpoint e : group) {
      Endpoint ep = new Endpoint();
      ep.setAddresses(List.of(e.ip()));
      // kube's podToEndpoint: never ready while terminating unless the Service publishes not-ready addresses
      boolean publishNotReady = Boolean.TRUE.equals(svc.getSpec().getPublishNotReadyAddresses());
      ep.setConditions(new EndpointConditions(publishNotReady || e.serving() && !e.terminating(), e.serving(),
          e.terminating()));
      ep.setNodeName(e.pod().getSpec().getNodeName());
      ObjectReference ref = new ObjectReference();
      ref.setKind("Pod");
      ref.setNamespace(e.pod().getMetadata().getNamespace());
      ref.setName(e.pod().getMetadata().getName());
      ref.setUid(e.pod().getMetadata().getUid());
      ep.setTargetRef(ref);
      if (e.pod().getSpec().getHostname() != null && e.pod().getSpec().getSubdomain() != null) {
        ep.setHostname(e.pod().getSpec().getHostname());
      }
      eps.add(ep);
    }
    s.setEndpoints(eps);
    List<EndpointPort> ports = new ArrayList<>();
    for (ServiceEndpoints.Port p : group.isEmpty() ? List.<ServiceEndpoints.Port>of() : group.get(0).ports()) {
      EndpointPort ep = new EndpointPort();
      ep.setName(p.name() == null ? "" : p.name());
      ep.setPort(p.port());
      ep.setProtocol(p.protocol());
      ep.setAppProtocol(p.appProtocol());
      ports.add(ep);
    }
    s.setPorts(ports);
    return s;
  }
}
