package io.dekube.store.cel;

/**
 * A network prefix as kube's CEL {@code cidr} library holds it (Go's {@code netip.Prefix}): an address
 * and a prefix length, parsed as {@code netip.ParsePrefix} parses (host bits may be set: {@link #masked}
 * clears them), IPv4-mapped IPv6 addresses refused. Immutable; equal when address and length are.
 *
 * @param ip   the address as written
 * @param bits the prefix length
 */
public record KubeCidr(KubeIp ip, int bits) {

  private static final String PREFIX = "network address parse error during conversion from string: ";

  /** Parses {@code s} as kube's {@code cidr()}, or throws IllegalArgumentException with kube's error. */
  public static KubeCidr parse(String s) {
    try {
      return parsePrefix(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + e.getMessage());
    }
  }

  static boolean valid(String s) {
    try {
      parsePrefix(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** kube's {@code parseCIDR}: Go's {@code ParsePrefix}, IPv4-mapped addresses refused. */
  private static KubeCidr parsePrefix(String s) {
    int slash = s.lastIndexOf('/');
    if (slash < 0) {
      throw new IllegalArgumentException(PREFIX + "netip.ParsePrefix(\"" + s + "\"): no '/'");
    }
    String addr = s.substring(0, slash);
    KubeIp ip;
    try {
      ip = KubeIp.parseAddr(addr);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(PREFIX + "netip.ParsePrefix(\"" + s + "\"): " + e.getMessage());
    }
    if (addr.indexOf('%') >= 0) {
      throw new IllegalArgumentException(PREFIX + "netip.ParsePrefix(\"" + s + "\"): IPv6 zones cannot be present "
          + "in a prefix");
    }
    String b = s.substring(slash + 1);
    int bits = -1;
    if (!b.isEmpty() && b.length() <= 3 && b.chars().allMatch(Character::isDigit)
        && (b.length() == 1 || b.charAt(0) != '0')) {
      bits = Integer.parseInt(b);
    }
    if (bits < 0) {
      throw new IllegalArgumentException(PREFIX + "netip.ParsePrefix(\"" + s + "\"): bad bits after slash: \"" + b
          + "\"");
    }
    if (bits > (ip.is4() ? 32 : 128)) {
      throw new IllegalArgumentException(PREFIX + "netip.ParsePrefix(\"" + s + "\"): prefix length out of range");
    }
    KubeCidr c = new KubeCidr(ip, bits);
    if (ip.is4In6()) {
      throw new IllegalArgumentException("IPv4-mapped IPv6 address \"" + s + "\" is not allowed");
    }
    return c;
  }

  /** The prefix with the host bits cleared. */
  public KubeCidr masked() {
    byte[] b = ip.bytes();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, bits - 8 * i));
      b[i] &= (byte) (0xff << (8 - keep));
    }
    return new KubeCidr(new KubeIp(b), bits);
  }

  /** Whether {@code other} is in this network (same family, same leading bits). */
  public boolean contains(KubeIp other) {
    if (other.is4() != ip.is4()) {
      return false;
    }
    return new KubeCidr(other, bits).masked().equals(masked());
  }

  /** kube's {@code containsCIDR}: the other network's address is in this one and it is no wider. */
  public boolean contains(KubeCidr other) {
    return other.ip.is4() == ip.is4() && new KubeCidr(other.ip, bits).masked().equals(masked())
        && bits <= other.bits;
  }

  @Override
  public String toString() {
    return ip + "/" + bits;
  }
}
