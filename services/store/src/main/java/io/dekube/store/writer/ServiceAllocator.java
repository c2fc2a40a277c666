package io.dekube.store.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.net.Ipv4;
import io.dekube.store.admission.FieldErrors;
import io.dekube.core.model.StatusException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Service ClusterIPs and NodePorts, allocated where every Service write passes: the writer that
 * owns the services request partition (requests are partitioned by resource, so one writer sees
 * every Service). What is in use is read from the batch's view of the stored Services, so
 * allocations survive restarts (they are the stored objects), are released with a delete, and two
 * creates in one batch see each other. Asked-for addresses are honoured or refused with kube's
 * 422; free ones are picked at random from the dynamic band of each range, the static band below it
 * kept for asked-for values until the dynamic band is full, as kube-apiserver 1.32 does
 * ({@link DynamicFirstPicker}). Loop-thread confined.
 */
final class ServiceAllocator {

  private final ServiceRanges ranges;
  private final RandomGenerator random;

  ServiceAllocator(ServiceRanges ranges) {
    this(ranges, new Random());
  }

  ServiceAllocator(ServiceRanges ranges, RandomGenerator random) {
    this.ranges = ranges;
    this.random = random;
  }

  /** Whether {@code type} is core/v1 Service. */
  static boolean isService(ResourceType type) {
    return type.group().isEmpty() && type.plural().equals("services");
  }

  /**
   * Fills {@code spec.clusterIP(s)} and nodePorts of {@code svc} (changed in place); 422 on a taken or bad address.
   * {@code old} is the stored Service of an update, null on create.
   */
  void allocate(ResourceType type, String key, ObjectNode svc, ObjectNode old, BatchOverlay view) {
    ObjectNode spec = svc.get("spec") instanceof ObjectNode o ? o : svc.putObject("spec");
    String svcType = spec.path("type").asText("ClusterIP");
    Set<Long> usedIps = new HashSet<>();
    Set<Integer> usedPorts = new HashSet<>();
    for (Versioned other : view.list(type, "")) {
      ObjectNode o = other.object();
      if (key.equals(io.dekube.core.model.ObjectKey.of(o).toString())) {
        continue;
      }
      JsonNode os = o.path("spec");
      for (JsonNode ip : os.path("clusterIPs")) {
        long off = offset(ip.asText());
        if (off >= 0) {
          usedIps.add(off);
        }
      }
      for (JsonNode p : os.path("ports")) {
        if (p.path("nodePort").asInt() > 0) {
          usedPorts.add(p.path("nodePort").asInt());
        }
      }
      if (os.path("healthCheckNodePort").asInt() > 0) {
        usedPorts.add(os.path("healthCheckNodePort").asInt());
      }
    }
    FieldErrors errs = new FieldErrors();
    if (!svcType.equals("ExternalName")) {
      clusterIp(spec, usedIps, errs);
    }
    if (svcType.equals("NodePort") || svcType.equals("LoadBalancer")) {
      Set<Integer> notForNodePorts = new HashSet<>(usedPorts);
      notForNodePorts.add(spec.path("healthCheckNodePort").asInt(0));
      nodePorts(spec, notForNodePorts, errs);
    }
    healthCheckNodePort(spec, svcType, old == null ? null : old.path("spec"), usedPorts, errs);
    errs.throwIfAny(type, svc.path("metadata").path("name").asText(""));
  }

  private long offset(String ip) {
    return Ipv4.isIpv4(ip) ? ranges.serviceCidr().offsetOf(ip) : -1;
  }

  private void clusterIp(ObjectNode spec, Set<Long> used, FieldErrors errs) {
    String asked = spec.path("clusterIP").asText("");
    if (asked.isEmpty() && spec.path("clusterIPs").size() > 0) {
      asked = spec.path("clusterIPs").get(0).asText("");
    }
    if (asked.equals("None")) {
      setIps(spec, "None");
      return;
    }
    if (!asked.isEmpty()) {
      long off = offset(asked);
      String value = "[]string{\"" + asked + "\"}";
      if (!Ipv4.isIpv4(asked)) {
        errs.invalid("spec.clusterIPs[0]", asked, "must be a valid IP address");
      } else if (off <= 0 || off >= ranges.serviceCidr().size() - 1) {
        errs.invalidRendered("spec.clusterIPs", value, "failed to allocate IP " + asked + ": the provided IP ("
            + asked + ") is not in the valid range. The range of valid IPs is " + ranges.serviceCidr());
      } else if (used.contains(off)) {
        errs.invalidRendered("spec.clusterIPs", value, "failed to allocate IP " + asked
            + ": provided IP is already allocated");
      } else {
        setIps(spec, asked);
      }
      return;
    }
    // slot i is the address at offset i + 1: the network and broadcast addresses are never handed out
    long size = ranges.serviceCidr().size();
    long slot = DynamicFirstPicker.pick(size - 2, DynamicFirstPicker.ipStaticBand(size), s -> used.contains(s + 1),
        random);
    if (slot < 0) {
      throw StatusException.internal("Internal error occurred: failed to allocate a serviceIP: range is full");
    }
    setIps(spec, ranges.serviceCidr().address(slot + 1));
  }

  private static void setIps(ObjectNode spec, String ip) {
    spec.put("clusterIP", ip);
    ArrayNode ips = spec.putArray("clusterIPs");
    ips.add(ip);
    if (!ip.equals("None") || !spec.has("ipFamilies") || spec.path("ipFamilies").isEmpty()) {
      spec.putArray("ipFamilies").add("IPv4");
    }
    if (!spec.hasNonNull("ipFamilyPolicy")) {
      spec.put("ipFamilyPolicy", "SingleStack");
    }
  }

  /**
   * kube's {@code initNodePorts}: a port without a nodePort shares the one of another port with the same port
   * number (TCP and UDP 53 of one Service get one nodePort), else gets one picked at random.
   */
  private void nodePorts(ObjectNode spec, Set<Integer> used, FieldErrors errs) {
    Set<Integer> mine = new HashSet<>();
    Map<Integer, Integer> byPortNumber = new HashMap<>();
    int i = 0;
    for (JsonNode n : spec.path("ports")) {
      ObjectNode port = (ObjectNode) n;
      int asked = port.path("nodePort").asInt(0);
      String field = "spec.ports[" + i++ + "].nodePort";
      int number = port.path("port").asInt();
      int shared = byPortNumber.getOrDefault(number, askedByAnother(spec, number));
      if (asked == 0 && shared != 0 && !used.contains(shared)) {
        port.put("nodePort", shared);
        byPortNumber.put(number, shared);
        mine.add(shared);
        continue;
      }
      if (asked != 0) {
        if (asked < ranges.nodePortMin() || asked > ranges.nodePortMax()) {
          errs.invalid(field, IntNode.valueOf(asked), "provided port is not in the valid range. The range of valid"
              + " ports is " + ranges.nodePortMin() + "-" + ranges.nodePortMax());
        } else if (used.contains(asked) || (mine.contains(asked) && !sharedAcrossProtocols(spec, asked))) {
          errs.invalid(field, IntNode.valueOf(asked), "provided port is already allocated");
        }
        mine.add(asked);
        byPortNumber.putIfAbsent(number, asked);
        continue;
      }
      int min = ranges.nodePortMin();
      int size = ranges.nodePortMax() - min + 1;
      long slot = DynamicFirstPicker.pick(size, DynamicFirstPicker.portStaticBand(size),
          s -> used.contains(min + (int) s) || mine.contains(min + (int) s), random);
      if (slot < 0) {
        throw StatusException.internal("Internal error occurred: failed to allocate a nodePort: range is full");
      }
      port.put("nodePort", min + (int) slot);
      mine.add(min + (int) slot);
      byPortNumber.put(number, min + (int) slot);
    }
  }

  /** The nodePort asked for on a port of {@code spec} with port number {@code number}, 0 when none is. */
  private static int askedByAnother(ObjectNode spec, int number) {
    for (JsonNode p : spec.path("ports")) {
      if (p.path("port").asInt() == number && p.path("nodePort").asInt(0) != 0) {
        return p.path("nodePort").asInt();
      }
    }
    return 0;
  }

  /**
   * kube's {@code spec.healthCheckNodePort}: a LoadBalancer with {@code externalTrafficPolicy: Local} gets one
   * (asked-for honoured), taken from the NodePort range like a nodePort; any other Service has none: asking for one
   * there is refused as kube's {@code healthCheckNodePortAllowed} refuses it, but an update away from
   * LoadBalancer+Local that still carries the old value releases it.
   */
  private void healthCheckNodePort(ObjectNode spec, String svcType, JsonNode oldSpec, Set<Integer> used,
                                   FieldErrors errs) {
    if (!needsHealthCheckNodePort(spec)) {
      int asked = spec.path("healthCheckNodePort").asInt(0);
      boolean kept = oldSpec != null && needsHealthCheckNodePort(oldSpec)
          && oldSpec.path("healthCheckNodePort").asInt(0) == asked;
      if (asked != 0 && !kept) {
        errs.invalid("spec.healthCheckNodePort", IntNode.valueOf(asked),
            "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'");
      }
      spec.remove("healthCheckNodePort");
      return;
    }
    Set<Integer> taken = new HashSet<>(used);
    spec.path("ports").forEach(p -> taken.add(p.path("nodePort").asInt()));
    int asked = spec.path("healthCheckNodePort").asInt(0);
    if (asked != 0) {
      if (asked < ranges.nodePortMin() || asked > ranges.nodePortMax()) {
        errs.invalid("spec.healthCheckNodePort", IntNode.valueOf(asked), "provided port is not in the valid range."
            + " The range of valid ports is " + ranges.nodePortMin() + "-" + ranges.nodePortMax());
      } else if (taken.contains(asked)) {
        errs.invalid("spec.healthCheckNodePort", IntNode.valueOf(asked), "provided port is already allocated");
      }
      return;
    }
    int min = ranges.nodePortMin();
    int size = ranges.nodePortMax() - min + 1;
    long slot = DynamicFirstPicker.pick(size, DynamicFirstPicker.portStaticBand(size),
        s -> taken.contains(min + (int) s), random);
    if (slot < 0) {
      throw StatusException.internal("Internal error occurred: failed to allocate a nodePort: range is full");
    }
    spec.put("healthCheckNodePort", min + (int) slot);
  }

  private static boolean needsHealthCheckNodePort(JsonNode spec) {
    return spec.path("type").asText("ClusterIP").equals("LoadBalancer")
        && spec.path("externalTrafficPolicy").asText("Cluster").equals("Local");
  }

  /** kube lets one nodePort serve the same port number over TCP and UDP of one Service. */
  private static boolean sharedAcrossProtocols(ObjectNode spec, int nodePort) {
    Set<String> protocols = new HashSet<>();
    int count = 0;
    for (JsonNode p : spec.path("ports")) {
      if (p.path("nodePort").asInt() == nodePort) {
        count++;
        protocols.add(p.path("protocol").asText("TCP"));
      }
    }
    return protocols.size() == count;
  }
}
