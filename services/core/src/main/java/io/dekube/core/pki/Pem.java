package io.dekube.core.pki;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.util.io.pem.PemWriter;

/** PEM encoding and decoding of certificates and private keys (bouncycastle). Pure, thread-safe. */
public final class Pem {

  private Pem() {
  }

  /** A certificate as PEM text. */
  public static String certificate(X509Certificate certificate) {
    return write(certificate);
  }

  /**
   * A private key as PEM text: RSA keys in PKCS#1 ({@code RSA PRIVATE KEY}), as kubeadm writes them;
   * others (EC) in unencrypted PKCS#8 ({@code PRIVATE KEY}), whose algorithm identifier names the
   * curve (bouncycastle's SEC1 form of a JDK EC key leaves it out, and cannot be read back).
   */
  public static String privateKey(PrivateKey key) {
    return write("RSA".equals(key.getAlgorithm()) ? key
        : new org.bouncycastle.util.io.pem.PemObject("PRIVATE KEY", key.getEncoded()));
  }

  /** Every certificate in a PEM text, in order. */
  public static List<X509Certificate> parseCertificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof X509CertificateHolder holder) {
          out.add(converter.getCertificate(holder));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (CertificateException e) {
      throw new IllegalArgumentException("bad certificate in PEM: " + e.getMessage(), e);
    }
    return out;
  }

  /** The first certificate of a PEM text; fails when there is none. */
  public static X509Certificate parseCertificate(String pem) {
    List<X509Certificate> certs = parseCertificates(pem);
    if (certs.isEmpty()) {
      throw new IllegalArgumentException("no certificate in PEM text");
    }
    return certs.get(0);
  }

  /** The private key of a PEM text (PKCS#1, SEC1 or unencrypted PKCS#8). */
  public static PrivateKey parsePrivateKey(String pem) {
    try (PEMParser parser = new PEMParser(new StringReader(pem))) {
      JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
      for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
        if (o instanceof PEMKeyPair pair) {
          return converter.getPrivateKey(pair.getPrivateKeyInfo());
        }
        if (o instanceof PrivateKeyInfo info) {
          return converter.getPrivateKey(info);
        }
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("bad private key in PEM: " + e.getMessage(), e);
    }
    throw new IllegalArgumentException("no private key in PEM text");
  }

  /** A key, a certificate, or a ready {@code PemObject}, as PEM text. */
  private static String write(Object object) {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(object instanceof org.bouncycastle.util.io.pem.PemObjectGenerator g ? g
          : new JcaMiscPEMGenerator(object));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
