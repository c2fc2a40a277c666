package io.dekube.store.cel;

import java.util.Arrays;

/**
 * An IP address as kube's CEL {@code ip} library holds it (Go's {@code netip.Addr}): parsed as
 * {@code netip.ParseAddr} parses (no leading zeros in IPv4 octets, one {@code ::}, an IPv4 tail in
 * IPv6), with kube's refusals of zones and IPv4-mapped IPv6 addresses, and printed in the one
 * canonical form Go prints (RFC 5952 for IPv6). Immutable; equal when the addresses are.
 */
public final class KubeIp {

  private final byte[] bytes;

  KubeIp(byte[] bytes) {
    this.bytes = bytes;
  }

  /** Parses {@code s} as kube's {@code ip()}, or throws IllegalArgumentException with kube's error. */
  public static KubeIp parse(String s) {
    KubeIp ip;
    try {
      ip = parseAddr(s);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("IP Address \"" + s + "\" parse error during conversion from string: "
          + e.getMessage());
    }
    if (s.indexOf('%') >= 0) {
      throw new IllegalArgumentException("IP address \"" + s + "\" with zone value is not allowed");
    }
    if (ip.is4In6()) {
      throw new IllegalArgumentException("IPv4-mapped IPv6 address \"" + s + "\" is not allowed");
    }
    return ip;
  }

  static boolean valid(String s) {
    try {
      parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Go's {@code netip.ParseAddr} (a zone is accepted here, as Go does; {@link #parse} refuses it). */
  static KubeIp parseAddr(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '.') {
        return new KubeIp(v4(s, s, 0));
      }
      if (c == ':') {
        return new KubeIp(v6(s));
      }
      if (c == '%') {
        throw err(s, "missing IPv6 address", null);
      }
    }
    throw err(s, "unable to parse IP", null);
  }

  private static IllegalArgumentException err(String in, String msg, String at) {
    return new IllegalArgumentException("ParseAddr(\"" + in + "\"): " + msg + (at == null ? "" : " (at \"" + at
        + "\")"));
  }

  private static byte[] v4(String in, String s, int from) {
    byte[] out = new byte[4];
    int val = 0;
    int digits = 0;
    int pos = 0;
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= '0' && c <= '9') {
        if (digits == 1 && val == 0) {
          throw err(in, "IPv4 field has octet with leading zero", null);
        }
        val = val * 10 + (c - '0');
        digits++;
        if (val > 255) {
          throw err(in, "IPv4 field has value >255", null);
        }
      } else if (c == '.') {
        if (i == from || digits == 0) {
          throw err(in, "IPv4 field must have at least one digit", s.substring(i));
        }
        if (pos == 3) {
          throw err(in, "IPv4 address too long", null);
        }
        out[pos++] = (byte) val;
        val = 0;
        digits = 0;
      } else {
        throw err(in, "unexpected character", s.substring(i));
      }
    }
    if (pos < 3) {
      throw err(in, "IPv4 address too short", null);
    }
    if (digits == 0) {
      throw err(in, "IPv4 field must have at least one digit", "");
    }
    out[3] = (byte) val;
    return out;
  }

  private static byte[] v6(String in) {
    String s = in;
    int pct = s.indexOf('%');
    if (pct >= 0) {
      if (pct == s.length() - 1) {
        throw err(in, "zone must be a non-empty string", null);
      }
      s = s.substring(0, pct);
    }
    byte[] ip = new byte[16];
    int ellipsis = -1;
    int i = 0;
    if (s.startsWith("::")) {
      ellipsis = 0;
      s = s.substring(2);
      if (s.isEmpty()) {
        return ip;
      }
    }
    while (i < 16) {
      int off = 0;
      int acc = 0;
      while (off < s.length()) {
        int d = Character.digit(s.charAt(off), 16);
        if (d < 0) {
          break;
        }
        acc = acc * 16 + d;
        off++;
        if (off > 4) {
          throw err(in, "IPv6 field has value >=2^16", s);
        }
      }
      if (off == 0) {
        throw err(in, "each colon-separated field must have at least one digit", s);
      }
      if (off < s.length() && s.charAt(off) == '.') {
        if (ellipsis < 0 && i != 12) {
          throw err(in, "embedded IPv4 address must replace the final 2 fields of the address", s);
        }
        if (i + 4 > 16) {
          throw err(in, "too many hex fields to fit an embedded IPv4 at the end of the address", s);
        }
        byte[] v4 = v4(in, s, 0);
        System.arraycopy(v4, 0, ip, i, 4);
        i += 4;
        s = "";
        break;
      }
      ip[i] = (byte) (acc >> 8);
      ip[i + 1] = (byte) acc;
      i += 2;
      s = s.substring(off);
      if (s.isEmpty()) {
        break;
      }
      if (s.charAt(0) != ':') {
        throw err(in, "unexpected character, want colon", s);
      } else if (s.length() == 1) {
        throw err(in, "colon must be followed by more characters", s);
      }
      s = s.substring(1);
      if (s.charAt(0) == ':') {
        if (ellipsis >= 0) {
          throw err(in, "multiple :: in address", s);
        }
        ellipsis = i;
        s = s.substring(1);
        if (s.isEmpty()) {
          break;
        }
      }
    }
    if (!s.isEmpty()) {
      throw err(in, "trailing garbage after address", s);
    }
    if (i < 16) {
      if (ellipsis < 0) {
        throw err(in, "address string too short", null);
      }
      int n = 16 - i;
      for (int j = i - 1; j >= ellipsis; j--) {
        ip[j + n] = ip[j];
      }
      Arrays.fill(ip, ellipsis, ellipsis + n, (byte) 0);
    } else if (ellipsis >= 0) {
      throw err(in, "the :: must expand to at least one field of zeros", null);
    }
    return ip;
  }

  byte[] bytes() {
    return bytes.clone();
  }

  boolean is4() {
    return bytes.length == 4;
  }

  boolean is4In6() {
    if (bytes.length != 16) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
  }

  private int u(int i) {
    return bytes[i] & 0xff;
  }

  long family() {
    return is4() ? 4 : 6;
  }

  boolean isUnspecified() {
    for (byte b : bytes) {
      if (b != 0) {
        return false;
      }
    }
    return true;
  }

  boolean isLoopback() {
    if (is4()) {
      return u(0) == 127;
    }
    for (int i = 0; i < 15; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return bytes[15] == 1;
  }

  boolean isMulticast() {
    return is4() ? (u(0) & 0xf0) == 0xe0 : u(0) == 0xff;
  }

  boolean isLinkLocalMulticast() {
    return is4() ? u(0) == 224 && u(1) == 0 && u(2) == 0 : u(0) == 0xff && (u(1) & 0x0f) == 0x02;
  }

  boolean isLinkLocalUnicast() {
    return is4() ? u(0) == 169 && u(1) == 254 : u(0) == 0xfe && (u(1) & 0xc0) == 0x80;
  }

  /** Go's {@code IsGlobalUnicast}: not unspecified, loopback, multicast, link-local, nor IPv4 broadcast. */
  boolean isGlobalUnicast() {
    if (is4() && u(0) == 255 && u(1) == 255 && u(2) == 255 && u(3) == 255) {
      return false;
    }
    return !isUnspecified() && !isLoopback() && !isMulticast() && !isLinkLocalUnicast();
  }

  @Override
  public String toString() {
    if (is4()) {
      return u(0) + "." + u(1) + "." + u(2) + "." + u(3);
    }
    int bestStart = -1;
    int bestLen = 1;
    for (int g = 0; g < 8; ) {
      if (group(g) != 0) {
        g++;
        continue;
      }
      int start = g;
      while (g < 8 && group(g) == 0) {
        g++;
      }
      if (g - start > bestLen) {
        bestStart = start;
        bestLen = g - start;
      }
    }
    StringBuilder out = new StringBuilder();
    for (int g = 0; g < 8; g++) {
      if (g == bestStart) {
        out.append("::");
        g += bestLen - 1;
        continue;
      }
      if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
        out.append(':');
      }
      out.append(Integer.toHexString(group(g)));
    }
    return out.toString();
  }

  private int group(int g) {
    return u(2 * g) << 8 | u(2 * g + 1);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KubeIp other && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }
}
