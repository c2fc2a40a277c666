package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;

/**
 * NetworkPolicies ({@code networking.k8s.io/v1}), as kube's v1 defaults and {@code ValidateNetworkPolicy}:
 * {@code policyTypes} defaulted to {@code Ingress}, plus {@code Egress} when egress rules exist; each port's
 * protocol defaulted to TCP; a port is a number in range (with an {@code endPort} not below it) or a port name;
 * each peer names exactly one of {@code ipBlock} or pod/namespace selectors, an ipBlock's {@code cidr} is a CIDR
 * and each {@code except} a strict subset of it; at most two policyTypes, each Ingress or Egress.
 */
final class NetworkPolicyAdmission implements KindAdmission {

  static final List<String> PROTOCOLS = List.of("TCP", "UDP", "SCTP");
  static final List<String> POLICY_TYPES = List.of("Ingress", "Egress");
  private static final String BAD_CIDR = "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)";

  @Override
  public void defaults(ObjectNode np, ObjectNode old) {
    ObjectNode spec = Nodes.obj(np, "spec");
    Nodes.obj(spec, "podSelector");
    for (String[] rules : new String[][] {{"ingress", "from"}, {"egress", "to"}}) {
      for (ObjectNode rule : Nodes.objects(spec, rules[0])) {
        for (ObjectNode port : Nodes.objects(rule, "ports")) {
          Nodes.defaultText(port, "protocol", "TCP");
        }
      }
    }
    if (spec.path("policyTypes").size() == 0) {
      ArrayNode types = spec.putArray("policyTypes").add("Ingress");
      if (spec.path("egress").size() > 0) {
        types.add("Egress");
      }
    }
  }

  @Override
  public void validate(ObjectNode np, ObjectNode old, FieldErrors errs) {
    JsonNode spec = np.path("spec");
    LabelSelectors.validate(spec.path("podSelector"), "spec.podSelector", errs);
    rules(spec.path("ingress"), "spec.ingress", "from", errs);
    rules(spec.path("egress"), "spec.egress", "to", errs);
    JsonNode types = spec.path("policyTypes");
    if (types.size() > POLICY_TYPES.size()) {
      errs.invalidRendered("spec.policyTypes", goStrings(types), "may not specify more than two policyTypes");
      return;
    }
    for (int i = 0; i < types.size(); i++) {
      if (!POLICY_TYPES.contains(types.get(i).asText())) {
        errs.notSupported("spec.policyTypes[" + i + "]", types.get(i), POLICY_TYPES);
      }
    }
  }

  private static void rules(JsonNode rules, String path, String peers, FieldErrors errs) {
    for (int i = 0; i < rules.size(); i++) {
      String rule = path + "[" + i + "]";
      JsonNode ports = rules.get(i).path("ports");
      for (int j = 0; j < ports.size(); j++) {
        port(ports.get(j), rule + ".ports[" + j + "]", errs);
      }
      JsonNode list = rules.get(i).path(peers);
      for (int j = 0; j < list.size(); j++) {
        peer(list.get(j), rule + "." + peers + "[" + j + "]", errs);
      }
    }
  }

  private static void port(JsonNode p, String path, FieldErrors errs) {
    JsonNode protocol = p.get("protocol");
    if (present(protocol) && !PROTOCOLS.contains(protocol.asText())) {
      errs.notSupported(path + ".protocol", protocol, PROTOCOLS);
    }
    JsonNode port = p.get("port");
    JsonNode end = p.get("endPort");
    if (!present(port)) {
      if (present(end)) {
        errs.invalid(path + ".endPort", end, "may not be specified when `port` is not specified");
      }
      return;
    }
    if (port.isNumber()) {
      if (!Validators.validPort(port)) {
        errs.invalid(path + ".port", port, Validators.PORT_RANGE);
      }
      if (present(end)) {
        if (end.asLong() < port.asLong()) {
          errs.invalid(path + ".endPort", end, "must be greater than or equal to `port`");
        }
        if (!Validators.validPort(end)) {
          errs.invalid(path + ".endPort", end, Validators.PORT_RANGE);
        }
      }
      return;
    }
    if (present(end)) {
      errs.invalid(path + ".endPort", end, "may not be specified when `port` is non-numeric");
    }
    Validators.portName(port.asText()).forEach(e -> errs.invalid(path + ".port", port, e));
  }

  private static void peer(JsonNode peer, String path, FieldErrors errs) {
    int kinds = 0;
    for (String selector : new String[] {"podSelector", "namespaceSelector"}) {
      JsonNode s = peer.get(selector);
      if (present(s)) {
        kinds++;
        LabelSelectors.validate(s, path + "." + selector, errs);
      }
    }
    JsonNode block = peer.get("ipBlock");
    if (present(block)) {
      kinds++;
      ipBlock(block, path + ".ipBlock", errs);
    }
    if (kinds == 0) {
      errs.required(path, "must specify a peer");
    } else if (kinds > 1 && present(block)) {
      errs.forbidden(path, "may not specify both ipBlock and another peer");
    }
  }

  private static void ipBlock(JsonNode block, String path, FieldErrors errs) {
    String cidr = block.path("cidr").asText("");
    if (cidr.isEmpty()) {
      errs.required(path + ".cidr", "");
      return;
    }
    Block outer = Block.parse(cidr);
    if (outer == null) {
      errs.invalid(path + ".cidr", cidr, BAD_CIDR);
      return;
    }
    JsonNode except = block.path("except");
    for (int i = 0; i < except.size(); i++) {
      String at = path + ".except[" + i + "]";
      String text = except.get(i).asText("");
      Block inner = Block.parse(text);
      if (inner == null) {
        errs.invalid(at, text, BAD_CIDR);
      } else if (!outer.containsStrictly(inner)) {
        errs.invalid(at, text, "must be a strict subset of `cidr`");
      }
    }
  }

  private static boolean present(JsonNode n) {
    return n != null && !n.isNull();
  }

  private static String goStrings(JsonNode types) {
    StringBuilder b = new StringBuilder("[]networking.PolicyType{");
    for (int i = 0; i < types.size(); i++) {
      b.append(i == 0 ? "" : ", ").append('"').append(types.get(i).asText()).append('"');
    }
    return b.append('}').toString();
  }

  /** An IPv4 or IPv6 block, parsed as Go's {@code ParseCIDRSloppy} does (IPv4 octets may have leading zeros). */
  record Block(BigInteger network, int prefix, int bits) {

    static Block parse(String text) {
      int slash = text.indexOf('/');
      if (slash < 0 || !text.substring(slash + 1).matches("[0-9]{1,3}")) {
        return null;
      }
      String ip = text.substring(0, slash);
      int prefix = Integer.parseInt(text.substring(slash + 1));
      byte[] bytes = ip.contains(":") ? v6(ip) : v4(ip);
      if (bytes == null || prefix > bytes.length * 8) {
        return null;
      }
      int bits = bytes.length * 8;
      BigInteger value = new BigInteger(1, bytes);
      return new Block(value.shiftRight(bits - prefix).shiftLeft(bits - prefix), prefix, bits);
    }

    /** Whether {@code inner} lies inside this block and is smaller than it. */
    boolean containsStrictly(Block inner) {
      return inner.bits == bits && inner.prefix > prefix
          && inner.network.shiftRight(bits - prefix).equals(network.shiftRight(bits - prefix));
    }

    private static byte[] v4(String ip) {
      String[] parts = ip.split("\\.", -1);
      if (parts.length != 4) {
        return null;
      }
      byte[] b = new byte[4];
      for (int i = 0; i < 4; i++) {
        if (!parts[i].matches("[0-9]{1,3}") || Integer.parseInt(parts[i]) > 255) {
          return null;
        }
        b[i] = (byte) Integer.parseInt(parts[i]);
      }
      return b;
    }

    private static byte[] v6(String ip) {
      if (!ip.matches("[0-9A-Fa-f:.]+")) {
        return null; // never a host name: InetAddress must not resolve anything
      }
      try {
        byte[] b = InetAddress.getByName(ip).getAddress();
        return b.length == 16 ? b : null;
      } catch (java.net.UnknownHostException e) {
        return null;
      }
    }
  }
}
