package io.dekube.kubeproxy.iptables;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;

/**
 * kube-proxy's chain names: a prefix and the first 16 characters of the base32 (RFC 4648,
 * upper case) of the SHA-256 of the service port name and the lower-case protocol (plus the
 * endpoint for a KUBE-SEP chain). Same inputs, same names as kube-proxy. Pure.
 */
public final class ChainNames {

  private static final char[] BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".toCharArray();

  private ChainNames() {
  }

  /** {@code KUBE-SVC-<hash>}: the cluster-traffic chain of a service port. */
  public static String svc(String servicePortName, String protocol) {
    return "KUBE-SVC-" + hash(servicePortName + protocol.toLowerCase(Locale.ROOT));
  }

  /** {@code KUBE-SVL-<hash>}: the local-endpoints chain (traffic policy Local). */
  public static String svl(String servicePortName, String protocol) {
    return "KUBE-SVL-" + hash(servicePortName + protocol.toLowerCase(Locale.ROOT));
  }

  /** {@code KUBE-EXT-<hash>}: the external-traffic chain (NodePort, LoadBalancer, external IPs). */
  public static String ext(String servicePortName, String protocol) {
    return "KUBE-EXT-" + hash(servicePortName + protocol.toLowerCase(Locale.ROOT));
  }

  /** {@code KUBE-SEP-<hash>}: one endpoint's DNAT chain; {@code endpoint} is {@code ip:port}. */
  public static String sep(String servicePortName, String protocol, String endpoint) {
    return "KUBE-SEP-" + hash(servicePortName + protocol.toLowerCase(Locale.ROOT) + endpoint);
  }

  static String hash(String text) {
    try {
      byte[] sum = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
      return base32(sum).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String base32(byte[] data) {
    StringBuilder out = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xff);
      bits += 8;
      while (bits >= 5) {
        out.append(BASE32[(buffer >> (bits - 5)) & 31]);
        bits -= 5;
      }
    }
    if (bits > 0) {
      out.append(BASE32[(buffer << (5 - bits)) & 31]);
    }
    return out.toString();
  }
}
