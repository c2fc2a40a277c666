package io.dekube.dns;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.net.SystemService;
import java.util.List;

/**
 * The {@code kube-system/kube-dns} Service as kubeadm creates it for CoreDNS — ClusterIP the 10th
 * address of the service CIDR, ports {@code dns} 53/UDP, {@code dns-tcp} 53/TCP, {@code metrics}
 * 9153/TCP, CoreDNS' labels, annotations and selector — with endpoints where this DNS really serves:
 * its address, the port it answers on, and the port of its {@code /metrics}. dekube's DNS is no
 * pod, so the Service also carries {@code service.kubernetes.io/endpoint-controller-name} (KEP-4770):
 * the controller-manager's endpoint controllers leave its endpoints to the DNS, which keeps them with
 * {@link SystemService}, as the apiserver keeps {@code default/kubernetes}. Pure.
 */
final class KubeDnsService {

  static final String NAMESPACE = "kube-system";
  static final String NAME = "kube-dns";
  /** The value of the endpoint-controller-name label and the EndpointSlice's manager. */
  static final String MANAGER = "dekube-dns";

  private KubeDnsService() {
  }

  /** The Service on {@code clusterIp}, its endpoints at {@code clusterIp:dnsPort} and {@code clusterIp:metricsPort}. */
  static SystemService of(String clusterIp, int dnsPort, int metricsPort) {
    return new SystemService(service(clusterIp), clusterIp, List.of(new SystemService.Port("dns", dnsPort, "UDP"),
        new SystemService.Port("dns-tcp", dnsPort, "TCP"), new SystemService.Port("metrics", metricsPort, "TCP")),
        MANAGER);
  }

  private static ObjectNode service(String clusterIp) {
    ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
    ObjectNode meta = Json.metadata(svc).put("name", NAME).put("namespace", NAMESPACE);
    meta.putObject("labels").put("k8s-app", "kube-dns").put("kubernetes.io/cluster-service", "true")
        .put("kubernetes.io/name", "CoreDNS").put("service.kubernetes.io/endpoint-controller-name", MANAGER);
    meta.putObject("annotations").put("prometheus.io/port", "9153").put("prometheus.io/scrape", "true");
    ObjectNode spec = svc.putObject("spec");
    spec.put("type", "ClusterIP").put("clusterIP", clusterIp).put("sessionAffinity", "None");
    ArrayNode ports = spec.putArray("ports");
    ports.addObject().put("name", "dns").put("port", 53).put("protocol", "UDP").put("targetPort", 53);
    ports.addObject().put("name", "dns-tcp").put("port", 53).put("protocol", "TCP").put("targetPort", 53);
    ports.addObject().put("name", "metrics").put("port", 9153).put("protocol", "TCP").put("targetPort", 9153);
    spec.putObject("selector").put("k8s-app", "kube-dns");
    return svc;
  }
}
