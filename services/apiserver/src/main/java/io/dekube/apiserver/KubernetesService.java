package io.dekube.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.net.SystemService;
import java.util.List;

/**
 * The {@code default/kubernetes} Service, as kube-apiserver's bootstrap controller keeps it: port
 * 443 ({@code https}) on the first address of the service CIDR, its Endpoints and EndpointSlice
 * pointing at this apiserver's address and port (rewritten when the port changed), written again
 * when one is deleted ({@code kubectl delete svc --all} in {@code default}). {@link SystemService}
 * keeps it; this class only says what it is.
 */
final class KubernetesService {

  static final String NAME = "kubernetes";

  private KubernetesService() {
  }

  /** The Service of this apiserver, serving on {@code host:port}. */
  static SystemService of(String clusterIp, String host, int port) {
    return new SystemService(service(clusterIp, port), host, List.of(new SystemService.Port("https", port, "TCP")),
        "apiserver");
  }

  /** Port 443 to the apiserver's own port, as kube-apiserver's Service targets its secure port. */
  private static ObjectNode service(String clusterIp, int port) {
    ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
    Json.metadata(svc).put("name", NAME).put("namespace", "default");
    Json.metadata(svc).putObject("labels").put("component", "apiserver").put("provider", "kubernetes");
    ObjectNode spec = svc.putObject("spec");
    spec.put("type", "ClusterIP").put("clusterIP", clusterIp).put("sessionAffinity", "None");
    spec.putArray("ports").addObject().put("name", "https").put("port", 443).put("protocol", "TCP")
        .put("targetPort", port);
    return svc;
  }
}
