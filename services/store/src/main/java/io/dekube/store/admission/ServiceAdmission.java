package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Services: type, session affinity, port protocol and targetPort, IP families and traffic policy
 * defaults; on update the allocated clusterIP and nodePorts carry over when the client left them out.
 * (ClusterIP allocation itself is the service IP allocator's job.)
 */
final class ServiceAdmission implements KindAdmission {

  static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");

  @Override
  public void defaults(ObjectNode svc, ObjectNode old) {
    ObjectNode spec = Nodes.obj(svc, "spec");
    if (old != null) {
      carryAllocated(spec, old.path("spec"));
    }
    Nodes.defaultText(spec, "type", "ClusterIP");
    String type = spec.path("type").asText();
    Nodes.defaultText(spec, "sessionAffinity", "None");
    if (spec.path("sessionAffinity").asText().equals("ClientIP")) {
      ObjectNode clientIp = Nodes.obj(Nodes.obj(spec, "sessionAffinityConfig"), "clientIP");
      Nodes.defaultInt(clientIp, "timeoutSeconds", 10800);
    }
    for (ObjectNode port : Nodes.objects(spec, "ports")) {
      Nodes.defaultText(port, "protocol", "TCP");
      if (Nodes.absent(port, "targetPort") || (port.get("targetPort").isNumber() && port.get("targetPort").asInt() == 0)) {
        if (port.has("port")) {
          port.set("targetPort", port.get("port"));
        }
      }
    }
    if (!type.equals("ExternalName")) {
      Nodes.defaultText(spec, "internalTrafficPolicy", "Cluster");
      Nodes.defaultText(spec, "ipFamilyPolicy", "SingleStack");
      if (spec.path("ipFamilies").size() == 0) {
        spec.putArray("ipFamilies").add("IPv4");
      }
      String clusterIp = Nodes.text(spec, "clusterIP");
      if (!clusterIp.isEmpty() && spec.path("clusterIPs").size() == 0) {
        spec.putArray("clusterIPs").add(clusterIp);
      }
    }
    if (type.equals("NodePort") || type.equals("LoadBalancer")) {
      Nodes.defaultText(spec, "externalTrafficPolicy", "Cluster");
    }
    if (type.equals("LoadBalancer")) {
      Nodes.defaultBool(spec, "allocateLoadBalancerNodePorts", true);
    }
    Nodes.obj(Nodes.obj(svc, "status"), "loadBalancer");
  }

  /**
   * A status write, as kube 1.32's ValidateLoadBalancerStatus: AllowServiceLBStatusOnNonLB is deprecated, off and
   * locked, so only a LoadBalancer Service (the stored spec's type: a status write keeps the spec) may have
   * {@code status.loadBalancer.ingress}. Not built: the checks of each ingress entry (its ip, ipMode, hostname).
   */
  static void validateStatus(ObjectNode svc, ObjectNode old, FieldErrors errs) {
    JsonNode spec = old != null ? old.path("spec") : svc.path("spec");
    if (!spec.path("type").asText("ClusterIP").equals("LoadBalancer")
        && svc.path("status").path("loadBalancer").path("ingress").size() > 0) {
      errs.forbidden("status.loadBalancer.ingress", "may only be used when `spec.type` is 'LoadBalancer'");
    }
  }

  private static void carryAllocated(ObjectNode spec, JsonNode oldSpec) {
    for (String f : new String[] {"clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "healthCheckNodePort"}) {
      if (Nodes.absent(spec, f) && oldSpec.has(f)) {
        spec.set(f, oldSpec.get(f).deepCopy());
      }
    }
    for (ObjectNode port : Nodes.objects(spec, "ports")) {
      if (!Nodes.absent(port, "nodePort")) {
        continue;
      }
      for (JsonNode o : oldSpec.path("ports")) {
        if (o.path("port").asInt() == port.path("port").asInt()
            && o.path("protocol").asText("TCP").equals(port.path("protocol").asText("TCP")) && o.has("nodePort")) {
          port.set("nodePort", o.get("nodePort"));
        }
      }
    }
  }

  @Override
  public void validate(ObjectNode svc, ObjectNode old, FieldErrors errs) {
    JsonNode spec = svc.path("spec");
    String name = Nodes.text(svc.path("metadata"), "name");
    if (!name.isEmpty() && old == null) {
      Validators.dns1035Label(name).forEach(e -> errs.invalid("metadata.name", name, e));
    }
    JsonNode type = spec.get("type");
    if (type != null && !TYPES.contains(type.asText())) {
      errs.notSupported("spec.type", type, TYPES);
    }
    boolean headless = Nodes.text(spec, "clusterIP").equals("None");
    boolean externalName = type != null && type.asText().equals("ExternalName");
    if (externalName && Nodes.text(spec, "externalName").isEmpty()) {
      errs.required("spec.externalName");
    }
    ArrayNode ports = spec.get("ports") instanceof ArrayNode a ? a : null;
    if ((ports == null || ports.isEmpty()) && !headless && !externalName) {
      errs.required("spec.ports");
    }
    ports(spec, errs);
    PodSpecValidation.enumField(spec, "sessionAffinity", "spec", List.of("ClientIP", "None"), errs);
    MetadataValidation.labels(spec.get("selector"), "spec.selector", errs);
    if (old != null) {
      String oldIp = Nodes.text(old.path("spec"), "clusterIP");
      String newIp = Nodes.text(spec, "clusterIP");
      if (!oldIp.isEmpty() && !oldIp.equals(newIp) && !externalName) {
        errs.invalid("spec.clusterIP", newIp, "field is immutable");
      }
    }
  }

  private static void ports(JsonNode spec, FieldErrors errs) {
    List<ObjectNode> ports = Nodes.objects(spec, "ports");
    Set<String> names = new HashSet<>();
    int i = 0;
    for (ObjectNode port : ports) {
      String p = "spec.ports[" + i++ + "]";
      String name = Nodes.text(port, "name");
      if (name.isEmpty()) {
        if (ports.size() > 1) {
          errs.required(p + ".name");
        }
      } else {
        Validators.dns1123Label(name).forEach(e -> errs.invalid(p + ".name", name, e));
        if (!names.add(name)) {
          errs.duplicate(p + ".name", port.get("name"));
        }
      }
      if (!Validators.validPort(port.get("port"))) {
        if (port.has("port")) {
          errs.invalid(p + ".port", port.get("port"), Validators.PORT_RANGE);
        } else {
          errs.required(p + ".port");
        }
      }
      PodSpecValidation.enumField(port, "protocol", p, PodSpecValidation.PROTOCOLS, errs);
      JsonNode target = port.get("targetPort");
      if (target != null && target.isNumber() && !Validators.validPort(target)) {
        errs.invalid(p + ".targetPort", target, Validators.PORT_RANGE);
      } else if (target != null && target.isTextual()) {
        Validators.portName(target.asText()).forEach(e -> errs.invalid(p + ".targetPort", target, e));
      }
      JsonNode nodePort = port.get("nodePort");
      if (nodePort != null && nodePort.asInt() != 0 && !Validators.validPort(nodePort)) {
        errs.invalid(p + ".nodePort", nodePort, Validators.PORT_RANGE);
      }
    }
  }
}
