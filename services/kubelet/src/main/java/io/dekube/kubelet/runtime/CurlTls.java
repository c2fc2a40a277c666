package io.dekube.kubelet.runtime;

import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * How curl (with OpenSSL) checks the server's certificate against the host it was asked for: the certificate's
 * subjectAltName DNS names (a {@code *} standing for the whole leftmost label) or IP addresses, and only when it
 * has no DNS names, its subject's CN. A mismatch is curl's error 60 in its words. Pure.
 */
final class CurlTls {

  private CurlTls() {
  }

  /** curl's message for a certificate that does not name {@code host}; null when it does. */
  static String mismatch(X509Certificate cert, String host) {
    String h = host.toLowerCase(Locale.ROOT);
    boolean ip = h.matches("[0-9.]+") || h.contains(":");
    List<String> dns = new ArrayList<>();
    List<String> ips = new ArrayList<>();
    try {
      if (cert.getSubjectAlternativeNames() != null) {
        for (List<?> san : cert.getSubjectAlternativeNames()) {
          int type = (Integer) san.get(0);
          if (type == 2) {
            dns.add(String.valueOf(san.get(1)).toLowerCase(Locale.ROOT));
          } else if (type == 7) {
            ips.add(String.valueOf(san.get(1)));
          }
        }
      }
    } catch (CertificateParsingException e) {
      return "SSL: no alternative certificate subject name matches target host name '" + host + "'";
    }
    if (ip ? ips.contains(h) : dns.stream().anyMatch(n -> matches(n, h))) {
      return null;
    }
    if (!dns.isEmpty() || !ips.isEmpty()) {
      return "SSL: no alternative certificate subject name matches target host name '" + host + "'";
    }
    String cn = commonName(cert);
    if (cn == null) {
      return "SSL: unable to obtain common name from peer certificate";
    }
    return !ip && matches(cn.toLowerCase(Locale.ROOT), h) ? null
        : "SSL: certificate subject name '" + cn + "' does not match target host name '" + host + "'";
  }

  private static boolean matches(String pattern, String host) {
    if (pattern.startsWith("*.")) {
      int dot = host.indexOf('.');
      return dot > 0 && host.substring(dot).equals(pattern.substring(1));
    }
    return pattern.equals(host);
  }

  private static String commonName(X509Certificate cert) {
    try {
      String cn = null;
      for (Rdn rdn : new LdapName(cert.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = String.valueOf(rdn.getValue());
        }
      }
      return cn;
    } catch (InvalidNameException e) {
      return null;
    }
  }
}
