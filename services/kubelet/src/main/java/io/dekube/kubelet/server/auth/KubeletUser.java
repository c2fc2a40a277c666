package io.dekube.kubelet.server.auth;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Who calls the kubelet API, as kube's x509 authenticator reads a verified client certificate: the
 * subject's CN is the user, its O values are the groups, and every authenticated caller is also in
 * {@code system:authenticated} (the kubelet's delegating authenticator adds it). Immutable.
 *
 * @param name   the user name
 * @param groups the groups, {@code system:authenticated} last
 */
public record KubeletUser(String name, List<String> groups) {

  /** The group every authenticated caller is in. */
  public static final String AUTHENTICATED = "system:authenticated";

  public KubeletUser {
    groups = List.copyOf(groups);
  }

  /** The user of a client certificate the TLS layer verified; null when its subject names no CN. */
  public static KubeletUser of(X509Certificate certificate) {
    String cn = "";
    List<String> groups = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(certificate.getSubjectX500Principal().getName()).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cn = String.valueOf(rdn.getValue());
        } else if (rdn.getType().equalsIgnoreCase("O")) {
          groups.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      return null;
    }
    if (cn.isEmpty()) {
      return null;
    }
    if (!groups.contains(AUTHENTICATED)) {
      groups.add(AUTHENTICATED);
    }
    return new KubeletUser(cn, groups);
  }
}
