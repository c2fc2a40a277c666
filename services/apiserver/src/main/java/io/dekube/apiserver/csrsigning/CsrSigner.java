package io.dekube.apiserver.csrsigning;

import io.dekube.core.pki.CertificateBundle;
import java.io.StringReader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.X509EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaContentVerifierProviderBuilder;
import org.bouncycastle.pkcs.PKCS10CertificationRequest;

/**
 * Issues the certificate of an approved {@code kubernetes.io/kube-apiserver-client}
 * CertificateSigningRequest from the cluster CA, as kube-controller-manager's csrsigning
 * controller does: the PKCS#10 request's subject (CN = user, O = groups) and key, client-auth
 * usage, valid for {@code spec.expirationSeconds} (capped at a year). Pure apart from randomness.
 */
final class CsrSigner {

  static final Duration MAX_VALIDITY = Duration.ofDays(365);
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private final CertificateBundle ca;
  private final SecureRandom random = new SecureRandom();

  CsrSigner(CertificateBundle ca) {
    this.ca = ca;
  }

  /**
   * The PEM certificate for a PEM certificate request.
   *
   * @throws IllegalArgumentException when the request is not a PEM CERTIFICATE REQUEST or its signature is wrong
   */
  String sign(String requestPem, Duration validity) {
    try {
      PKCS10CertificationRequest req = parse(requestPem);
      PublicKey key = publicKey(req);
      if (!req.isSignatureValid(new JcaContentVerifierProviderBuilder().build(key))) {
        throw new IllegalArgumentException("the certificate request's signature is invalid");
      }
      Instant now = Instant.now();
      Duration d = validity == null || validity.compareTo(MAX_VALIDITY) > 0 ? MAX_VALIDITY : validity;
      X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
      JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(issuer, new BigInteger(127, random).add(
          BigInteger.ONE), Date.from(now.minus(BACKDATE)), Date.from(now.plus(d)), req.getSubject(), key);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_clientAuth))
          .addExtension(Extension.authorityKeyIdentifier, false,
              new JcaX509ExtensionUtils().createAuthorityKeyIdentifier(ca.certificate()));
      X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
          b.build(new JcaContentSignerBuilder("SHA256withRSA").build(ca.key())));
      StringWriter out = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(out)) {
        w.writeObject(cert);
      }
      return out.toString();
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalArgumentException("cannot sign the certificate request: " + e.getMessage(), e);
    }
  }

  /**
   * The request's RSA, ECDSA or Ed25519 key, the kinds kube's signers take. By the key algorithm's name: the
   * JDK's providers do not know the ECDSA key's object identifier as a KeyFactory name, so bouncycastle's
   * JCA lookup by identifier failed every EC request ({@code 1.2.840.10045.2.1 KeyFactory not available}).
   */
  private static PublicKey publicKey(PKCS10CertificationRequest req) throws Exception {
    String oid = req.getSubjectPublicKeyInfo().getAlgorithm().getAlgorithm().getId();
    String algorithm = switch (oid) {
      case "1.2.840.113549.1.1.1" -> "RSA";
      case "1.2.840.10045.2.1" -> "EC";
      case "1.3.101.112" -> "Ed25519";
      default -> throw new IllegalArgumentException("unsupported key algorithm " + oid
          + " in the certificate request: RSA, ECDSA or Ed25519 keys only");
    };
    return KeyFactory.getInstance(algorithm)
        .generatePublic(new X509EncodedKeySpec(req.getSubjectPublicKeyInfo().getEncoded()));
  }

  private static PKCS10CertificationRequest parse(String pem) throws Exception {
    try (PEMParser p = new PEMParser(new StringReader(pem))) {
      Object o = p.readObject();
      if (o instanceof PKCS10CertificationRequest r) {
        return r;
      }
      throw new IllegalArgumentException("spec.request is not a PEM CERTIFICATE REQUEST");
    }
  }

}
