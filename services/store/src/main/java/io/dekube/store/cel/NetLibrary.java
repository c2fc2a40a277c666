package io.dekube.store.cel;

import static io.dekube.store.cel.KubeLibrary.fn;
import static io.dekube.store.cel.KubeLibrary.global;
import static io.dekube.store.cel.KubeLibrary.member;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelFunctionBinding;
import java.util.List;

/**
 * kube's CEL {@code ip} and {@code cidr} libraries (k8s.io/apiserver/pkg/cel/library ip.go, cidr.go; in
 * CRD rules and admission expressions since 1.30): {@code ip()}, {@code isIP()},
 * {@code ip.isCanonical()}, {@code family()}, {@code isUnspecified()}, {@code isLoopback()},
 * {@code isLinkLocalMulticast()}, {@code isLinkLocalUnicast()}, {@code isGlobalUnicast()},
 * {@code cidr()}, {@code isCIDR()}, {@code containsIP()}, {@code containsCIDR()}, {@code ip()},
 * {@code masked()}, {@code prefixLength()} and {@code string()} of both. Stateless.
 */
final class NetLibrary {

  static final CelType IP = OpaqueType.create("net.IP");
  static final CelType CIDR = OpaqueType.create("net.CIDR");
  private static final CelType STR = SimpleType.STRING;
  private static final CelType BOOL = SimpleType.BOOL;
  private static final CelType INT = SimpleType.INT;

  private NetLibrary() {
  }

  static List<CelFunctionDecl> declarations() {
    return List.of(
        fn("ip", global("string_to_ip", IP, STR), member("cidr_ip", IP, CIDR)),
        fn("isIP", global("is_ip", BOOL, STR)),
        fn("ip.isCanonical", global("ip_is_canonical", BOOL, STR)),
        fn("family", member("ip_family", INT, IP)),
        fn("isUnspecified", member("ip_is_unspecified", BOOL, IP)),
        fn("isLoopback", member("ip_is_loopback", BOOL, IP)),
        fn("isLinkLocalMulticast", member("ip_is_link_local_multicast", BOOL, IP)),
        fn("isLinkLocalUnicast", member("ip_is_link_local_unicast", BOOL, IP)),
        fn("isGlobalUnicast", member("ip_is_global_unicast", BOOL, IP)),
        fn("cidr", global("string_to_cidr", CIDR, STR)),
        fn("isCIDR", global("is_cidr", BOOL, STR)),
        fn("containsIP", member("cidr_contains_ip_string", BOOL, CIDR, STR),
            member("cidr_contains_ip_ip", BOOL, CIDR, IP)),
        fn("containsCIDR", member("cidr_contains_cidr_string", BOOL, CIDR, STR),
            member("cidr_contains_cidr", BOOL, CIDR, CIDR)),
        fn("prefixLength", member("cidr_prefix_length", INT, CIDR)),
        fn("masked", member("cidr_masked", CIDR, CIDR)),
        fn("string", global("ip_to_string", STR, IP), global("cidr_to_string", STR, CIDR)));
  }

  static List<CelFunctionBinding> bindings() {
    return List.of(
        CelFunctionBinding.from("string_to_ip", String.class, NetLibrary::ip),
        CelFunctionBinding.from("cidr_ip", KubeCidr.class, KubeCidr::ip),
        CelFunctionBinding.from("is_ip", String.class, KubeIp::valid),
        CelFunctionBinding.from("ip_is_canonical", String.class, s -> ip(s).toString().equals(s)),
        CelFunctionBinding.from("ip_family", KubeIp.class, KubeIp::family),
        CelFunctionBinding.from("ip_is_unspecified", KubeIp.class, KubeIp::isUnspecified),
        CelFunctionBinding.from("ip_is_loopback", KubeIp.class, KubeIp::isLoopback),
        CelFunctionBinding.from("ip_is_link_local_multicast", KubeIp.class, KubeIp::isLinkLocalMulticast),
        CelFunctionBinding.from("ip_is_link_local_unicast", KubeIp.class, KubeIp::isLinkLocalUnicast),
        CelFunctionBinding.from("ip_is_global_unicast", KubeIp.class, KubeIp::isGlobalUnicast),
        CelFunctionBinding.from("string_to_cidr", String.class, NetLibrary::cidr),
        CelFunctionBinding.from("is_cidr", String.class, KubeCidr::valid),
        CelFunctionBinding.from("cidr_contains_ip_string", KubeCidr.class, String.class, (c, s) -> c.contains(ip(s))),
        CelFunctionBinding.from("cidr_contains_ip_ip", KubeCidr.class, KubeIp.class, KubeCidr::contains),
        CelFunctionBinding.from("cidr_contains_cidr_string", KubeCidr.class, String.class,
            (c, s) -> c.contains(cidr(s))),
        CelFunctionBinding.from("cidr_contains_cidr", KubeCidr.class, KubeCidr.class, KubeCidr::contains),
        CelFunctionBinding.from("cidr_prefix_length", KubeCidr.class, c -> (long) c.bits()),
        CelFunctionBinding.from("cidr_masked", KubeCidr.class, KubeCidr::masked),
        CelFunctionBinding.from("ip_to_string", KubeIp.class, KubeIp::toString),
        CelFunctionBinding.from("cidr_to_string", KubeCidr.class, KubeCidr::toString));
  }

  private static KubeIp ip(String s) throws CelEvaluationException {
    try {
      return KubeIp.parse(s);
    } catch (IllegalArgumentException e) {
      throw KubeLibrary.error(e.getMessage());
    }
  }

  private static KubeCidr cidr(String s) throws CelEvaluationException {
    try {
      return KubeCidr.parse(s);
    } catch (IllegalArgumentException e) {
      throw KubeLibrary.error(e.getMessage());
    }
  }
}
