package io.dekube.controllermanager.endpoints;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.fabric8.kubernetes.api.model.Service;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Which Services select a pod (kube's {@code GetPodServiceMemberships}). Stateless. */
final class ServiceIndex {

  static final String ENDPOINT_CONTROLLER_NAME = "service.kubernetes.io/endpoint-controller-name";

  private ServiceIndex() {
  }

  /** A Service's selector (empty map: selects nothing here, as kube's endpoints controller skips it). */
  static LabelSelector selector(Service svc) {
    Map<String, String> sel = svc.getSpec().getSelector();
    if (sel == null || sel.isEmpty()) {
      return LabelSelector.nothing();
    }
    List<LabelSelector.Requirement> reqs = new ArrayList<>();
    sel.forEach((k, v) -> reqs.add(LabelSelector.requirement(k, LabelSelector.Operator.EQUALS, List.of(v))));
    return LabelSelector.of(reqs);
  }

  /**
   * Whether another controller keeps the Service's endpoints: the well-known label
   * {@code service.kubernetes.io/endpoint-controller-name} of KEP-4770, which turns kube's
   * Endpoints and EndpointSlice controllers off for that Service (dekube's cluster DNS sets it on
   * {@code kube-system/kube-dns}: a selector as kubeadm's, but no pods behind it).
   */
  static boolean delegated(Service svc) {
    Map<String, String> labels = svc.getMetadata().getLabels();
    return labels != null && labels.containsKey(ENDPOINT_CONTROLLER_NAME);
  }

  /** The keys of the Services in the pod's namespace whose selector matches its labels. */
  static List<ObjectKey> servicesSelecting(Lister<Service> services, ObjectNode pod) {
    String ns = pod.path("metadata").path("namespace").asText();
    Map<String, String> labels = LabelSelector.labelsOf(pod);
    List<ObjectKey> out = new ArrayList<>();
    for (Service s : services.list(ns)) {
      if (selector(s).matches(labels)) {
        out.add(new ObjectKey(ns, s.getMetadata().getName()));
      }
    }
    return out;
  }
}
