package io.dekube.core.pki;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.X500NameBuilder;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.IPAddress;

/**
 * Creates the cluster's certificates with bouncycastle: a self-signed CA, serving certificates
 * with SANs and client certificates whose subject carries the user (CN) and groups (O), as
 * kube-apiserver's x509 authenticator reads them. The CA signs with SHA256withRSA. Keys are RSA
 * 2048, which every Kubernetes client accepts, or, for the certificates a process makes for itself
 * at each start, ECDSA P-256 ({@link KeyAlgorithm#EC_P256}, as kubeadm's {@code ECDSA-P256}
 * option): an RSA key takes tens of milliseconds warm and up to a second in a cold JVM, an EC key
 * about a millisecond. Pure CPU work (keep it off an event loop); thread-safe.
 */
public final class CertificateIssuer {

  /** The key pair of a new certificate. */
  public enum KeyAlgorithm {
    /** RSA 2048: for the certificates written to the PKI directory and kubeconfigs. */
    RSA_2048,
    /** ECDSA on P-256: for the certificates a process makes in memory at each start. */
    EC_P256
  }

  static final String SIGNATURE = "SHA256withRSA";
  static final Duration CA_VALIDITY = Duration.ofDays(3650);
  static final Duration LEAF_VALIDITY = Duration.ofDays(365);
  private static final Duration BACKDATE = Duration.ofMinutes(5);

  private final SecureRandom random = new SecureRandom();

  /** A new self-signed CA valid for ten years. */
  public CertificateBundle newCa(String commonName) {
    KeyPair keys = newKeyPair(KeyAlgorithm.RSA_2048);
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X509v3CertificateBuilder b = builder(subject, subject, keys.getPublic(), CA_VALIDITY)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
          .addExtension(Extension.keyUsage, true,
              new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature | KeyUsage.keyEncipherment))
          .addExtension(Extension.subjectKeyIdentifier, false, ext.createSubjectKeyIdentifier(keys.getPublic()));
      return new CertificateBundle(sign(b, keys), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create CA certificate", e);
    }
  }

  /** A serving certificate signed by {@code ca}, for the given DNS names and IP addresses. */
  public CertificateBundle newServing(CertificateBundle ca, String commonName, List<String> dnsNames, List<String> ips) {
    return newServing(ca, commonName, dnsNames, ips, KeyAlgorithm.RSA_2048);
  }

  /** A serving certificate signed by {@code ca} with a key of {@code algorithm}. */
  public CertificateBundle newServing(CertificateBundle ca, String commonName, List<String> dnsNames, List<String> ips,
                                     KeyAlgorithm algorithm) {
    X500Name subject = new X500NameBuilder(BCStyle.INSTANCE).addRDN(BCStyle.CN, commonName).build();
    GeneralName[] sans = new GeneralName[dnsNames.size() + ips.size()];
    int i = 0;
    for (String dns : dnsNames) {
      sans[i++] = new GeneralName(GeneralName.dNSName, dns);
    }
    for (String ip : ips) {
      sans[i++] = new GeneralName(GeneralName.iPAddress, literalIp(ip));
    }
    return leaf(ca, subject, KeyPurposeId.id_kp_serverAuth, new GeneralNames(sans), algorithm);
  }

  /** A client certificate signed by {@code ca}: CN = user, one O per group. */
  public CertificateBundle newClient(CertificateBundle ca, String user, List<String> groups) {
    return newClient(ca, user, groups, KeyAlgorithm.RSA_2048);
  }

  /** A client certificate signed by {@code ca} with a key of {@code algorithm}. */
  public CertificateBundle newClient(CertificateBundle ca, String user, List<String> groups, KeyAlgorithm algorithm) {
    X500NameBuilder name = new X500NameBuilder(BCStyle.INSTANCE);
    for (String group : groups) {
      name.addRDN(BCStyle.O, group);
    }
    name.addRDN(BCStyle.CN, user);
    return leaf(ca, name.build(), KeyPurposeId.id_kp_clientAuth, null, algorithm);
  }

  private CertificateBundle leaf(CertificateBundle ca, X500Name subject, KeyPurposeId purpose, GeneralNames sans,
                                 KeyAlgorithm algorithm) {
    KeyPair keys = newKeyPair(algorithm);
    try {
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      X500Name issuer = X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded());
      X509v3CertificateBuilder b = builder(issuer, subject, keys.getPublic(), LEAF_VALIDITY)
          .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
          // kube's leaves: digitalSignature, and keyEncipherment for RSA keys (RSA key exchange)
          .addExtension(Extension.keyUsage, true, new KeyUsage(algorithm == KeyAlgorithm.RSA_2048
              ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment : KeyUsage.digitalSignature))
          .addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose))
          .addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
      if (sans != null) {
        b.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      return new CertificateBundle(sign(b, new KeyPair(ca.certificate().getPublicKey(), ca.key())), keys.getPrivate());
    } catch (GeneralSecurityException | CertIOException e) {
      throw new IllegalStateException("cannot create certificate for " + subject, e);
    }
  }

  private X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key, Duration validity) {
    Instant now = Instant.now();
    BigInteger serial = new BigInteger(127, random).add(BigInteger.ONE);
    return new JcaX509v3CertificateBuilder(issuer, serial, Date.from(now.minus(BACKDATE)),
        Date.from(now.plus(validity)), subject, key);
  }

  private static X509Certificate sign(X509v3CertificateBuilder builder, KeyPair signer) throws GeneralSecurityException {
    try {
      ContentSigner contentSigner = new JcaContentSignerBuilder(SIGNATURE).build(signer.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(contentSigner));
    } catch (OperatorCreationException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private KeyPair newKeyPair(KeyAlgorithm algorithm) {
    try {
      if (algorithm == KeyAlgorithm.EC_P256) {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new java.security.spec.ECGenParameterSpec("secp256r1"), random);
        return generator.generateKeyPair();
      }
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048, random);
      return generator.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("no " + algorithm + " key generator", e);
    }
  }

  private static String literalIp(String ip) {
    if (!IPAddress.isValid(ip)) {
      throw new IllegalArgumentException("not an IP address: " + ip);
    }
    return ip;
  }
}
