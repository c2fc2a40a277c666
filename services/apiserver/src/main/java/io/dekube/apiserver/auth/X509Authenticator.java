package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x500.style.IETFUtils;

/**
 * Authenticates TLS client certificates signed by the cluster CA, as kube-apiserver's
 * {@code --client-ca-file} authenticator: the certificate's CN is the user, each O a group. The
 * chain is verified here, not in the TLS handshake (which accepts any certificate), so that a
 * certificate from another CA gets a 401 {@code Status} like kube-apiserver answers, instead of a
 * failed handshake. Verified certificates are cached until they expire. Thread-safe.
 */
public final class X509Authenticator implements Authenticator {

  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final String ANY_USAGE = "2.5.29.37.0";
  private static final int CACHE_LIMIT = 4096;

  private final Set<TrustAnchor> anchors;
  private final Map<X509Certificate, UserInfo> verified = new ConcurrentHashMap<>();

  /** @param clientCas the CAs whose client certificates are accepted (the cluster CA) */
  public X509Authenticator(List<X509Certificate> clientCas) {
    this.anchors = Set.copyOf(clientCas.stream().map(ca -> new TrustAnchor(ca, null)).toList());
  }

  @Override
  public AuthResult authenticate(AuthRequest request) {
    List<X509Certificate> chain = request.clientCertificates();
    if (chain.isEmpty()) {
      return AuthResult.none();
    }
    X509Certificate leaf = chain.get(0);
    Date now = new Date();
    UserInfo cached = verified.get(leaf);
    if (cached != null && leaf.getNotAfter().after(now)) {
      return AuthResult.user(cached);
    }
    try {
      verify(chain, now);
    } catch (GeneralSecurityException e) {
      return AuthResult.rejected("verifying certificate " + describe(leaf) + " failed: " + e.getMessage());
    }
    UserInfo user = userOf(leaf);
    if (user == null) {
      return AuthResult.none();
    }
    if (verified.size() >= CACHE_LIMIT) {
      verified.clear();
    }
    verified.put(leaf, user);
    return AuthResult.user(user);
  }

  private void verify(List<X509Certificate> chain, Date now) throws GeneralSecurityException {
    X509Certificate leaf = chain.get(0);
    List<String> usages = leaf.getExtendedKeyUsage();
    if (usages != null && !usages.contains(CLIENT_AUTH) && !usages.contains(ANY_USAGE)) {
      throw new GeneralSecurityException("certificate is not meant for client authentication");
    }
    List<X509Certificate> path = new ArrayList<>(chain);
    path.removeIf(c -> anchors.stream().anyMatch(a -> a.getTrustedCert().equals(c)));
    if (path.isEmpty()) {
      throw new GeneralSecurityException("a CA certificate is not a client certificate");
    }
    CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
    PKIXParameters params = new PKIXParameters(anchors);
    params.setRevocationEnabled(false);
    params.setDate(now);
    CertPathValidator.getInstance("PKIX").validate(certPath, params);
  }

  /** CN as the user, every O as a group; null without a CN (kube ignores such certificates). */
  static UserInfo userOf(X509Certificate certificate) {
    X500Name subject = X500Name.getInstance(certificate.getSubjectX500Principal().getEncoded());
    String cn = null;
    List<String> groups = new ArrayList<>();
    for (RDN rdn : subject.getRDNs()) {
      for (var atv : rdn.getTypesAndValues()) {
        ASN1Encodable value = atv.getValue();
        if (atv.getType().equals(BCStyle.CN)) {
          cn = text(value);
        } else if (atv.getType().equals(BCStyle.O)) {
          groups.add(text(value));
        }
      }
    }
    return cn == null || cn.isEmpty() ? null : new UserInfo(cn, "", groups);
  }

  private static String text(ASN1Encodable value) {
    return value instanceof ASN1String s ? s.getString() : IETFUtils.valueToString(value);
  }

  private static String describe(X509Certificate certificate) {
    return "SN=" + certificate.getSerialNumber() + ", subject=\"" + certificate.getSubjectX500Principal().getName() + "\"";
  }
}
