package io.dekube.core.net;

/**
 * IPv4 addresses and CIDR blocks as ints: parse, format, contains, the n-th address of a block.
 * Pure and thread-safe.
 */
public final class Ipv4 {

  private Ipv4() {
  }

  /** A block {@code base/prefix}, e.g. {@code 127.96.0.0/16}. */
  public record Cidr(int base, int prefix) {

    /** Parses {@code a.b.c.d/n}; the host bits of the base are cleared. */
    public static Cidr parse(String cidr) {
      int slash = cidr.indexOf('/');
      if (slash < 0) {
        throw new IllegalArgumentException("not a CIDR block: " + cidr);
      }
      int prefix = Integer.parseInt(cidr.substring(slash + 1));
      if (prefix < 0 || prefix > 32) {
        throw new IllegalArgumentException("bad prefix length in " + cidr);
      }
      return new Cidr(toInt(cidr.substring(0, slash)) & mask(prefix), prefix);
    }

    /** How many addresses the block holds. */
    public long size() {
      return 1L << (32 - prefix);
    }

    /** The address {@code base + offset} as text. */
    public String address(long offset) {
      if (offset < 0 || offset >= size()) {
        throw new IllegalArgumentException("offset " + offset + " outside " + this);
      }
      return format(base + (int) offset);
    }

    /** The offset of an address inside the block, or -1 when it lies outside. */
    public long offsetOf(String ip) {
      int v = toInt(ip);
      return (v & mask(prefix)) == base ? Integer.toUnsignedLong(v - base) : -1;
    }

    /** Whether the address lies in the block. */
    public boolean contains(String ip) {
      return isIpv4(ip) && offsetOf(ip) >= 0;
    }

    @Override
    public String toString() {
      return format(base) + "/" + prefix;
    }
  }

  private static int mask(int prefix) {
    return prefix == 0 ? 0 : -1 << (32 - prefix);
  }

  /** Whether the text is a dotted-quad IPv4 address. */
  public static boolean isIpv4(String ip) {
    if (ip == null) {
      return false;
    }
    String[] parts = ip.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String p : parts) {
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
        return false;
      }
    }
    return true;
  }

  /** The address as a big-endian int. */
  public static int toInt(String ip) {
    if (!isIpv4(ip)) {
      throw new IllegalArgumentException("not an IPv4 address: " + ip);
    }
    int v = 0;
    for (String p : ip.split("\\.")) {
      v = (v << 8) | Integer.parseInt(p);
    }
    return v;
  }

  /** The int as dotted-quad text. */
  public static String format(int v) {
    return ((v >>> 24) & 255) + "." + ((v >>> 16) & 255) + "." + ((v >>> 8) & 255) + "." + (v & 255);
  }
}
