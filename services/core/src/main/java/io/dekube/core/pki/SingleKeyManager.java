package io.dekube.core.pki;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A key manager holding one private key and its certificate chain, in memory. It stands in for the
 * key store that a PEM key option builds: the JDK's PKCS#12 store encrypts a key when it is put in
 * and decrypts it when it is read, each with 10,000 PBKDF2 rounds, which in a cold JVM made every
 * TLS server and client of a start cost tens to hundreds of milliseconds of CPU. Offers its
 * identity only for the TLS key type of its key, and as a client only to a server that accepts its
 * issuer (or names none), as the JDK's own key manager does. Immutable, thread-safe.
 */
public final class SingleKeyManager extends X509ExtendedKeyManager {

  static final String ALIAS = "dekube";

  private final PrivateKey key;
  private final X509Certificate[] chain;

  /** {@code chain}: the certificate of {@code key} first, then its issuers (may be just the one). */
  public SingleKeyManager(PrivateKey key, List<X509Certificate> chain) {
    if (chain.isEmpty()) {
      throw new IllegalArgumentException("a key manager needs the key's certificate");
    }
    this.key = key;
    this.chain = chain.toArray(new X509Certificate[0]);
  }

  private boolean offers(String keyType) {
    // TLS names the EC key type "EC" (and "EC_EC"/"EC_RSA" in TLS 1.2 cipher suites), RSA "RSA"
    return keyType != null && (keyType.equals(key.getAlgorithm())
        || keyType.startsWith(key.getAlgorithm() + "_"));
  }

  private boolean acceptedBy(Principal[] issuers) {
    if (issuers == null || issuers.length == 0) {
      return true;
    }
    for (X509Certificate c : chain) {
      for (Principal issuer : issuers) {
        if (issuer.equals(c.getIssuerX500Principal()) || issuer.equals(c.getSubjectX500Principal())) {
          return true;
        }
      }
    }
    return false;
  }

  private String client(String[] keyTypes, Principal[] issuers) {
    if (keyTypes == null || !acceptedBy(issuers)) {
      return null;
    }
    return Arrays.stream(keyTypes).anyMatch(this::offers) ? ALIAS : null;
  }

  private String server(String keyType) {
    return offers(keyType) ? ALIAS : null;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return offers(keyType) && acceptedBy(issuers) ? new String[] {ALIAS} : null;
  }

  @Override
  public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
    return client(keyTypes, issuers);
  }

  @Override
  public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
    return client(keyTypes, issuers);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return offers(keyType) ? new String[] {ALIAS} : null;
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return server(keyType);
  }

  @Override
  public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
    return server(keyType);
  }

  @Override
  public X509Certificate[] getCertificateChain(String alias) {
    return ALIAS.equals(alias) ? chain.clone() : null;
  }

  @Override
  public PrivateKey getPrivateKey(String alias) {
    return ALIAS.equals(alias) ? key : null;
  }
}
