package io.dekube.core.pki;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.util.io.pem.PemWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's service-account signing key, as kubeadm's {@code sa.key} / {@code sa.pub} in the PKI
 * directory: an RSA 2048 key pair created on first start and reused afterwards, so tokens signed
 * before a restart stay valid. The key id ({@code kid}) is derived from the public key as
 * kube-apiserver derives it (unpadded base64url of the SHA-256 of its DER form), so every process
 * that loads the same files names the key the same way. Immutable and thread-safe once loaded.
 *
 * @param privateKey the signing key
 * @param publicKey  the verification key
 * @param keyId      the JWS {@code kid}
 */
public record ServiceAccountKey(PrivateKey privateKey, RSAPublicKey publicKey, String keyId) {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceAccountKey.class);

  /** The private key's file in the PKI directory. */
  public static final String KEY_FILE = "sa.key";
  /** The public key's file in the PKI directory. */
  public static final String PUBLIC_FILE = "sa.pub";

  /**
   * Loads {@code sa.key} of {@code pkiDirectory}, or creates the pair. Blocking (file I/O, key
   * generation); serialised with {@link ClusterPki#loadOrCreate} across threads and processes.
   */
  public static synchronized ServiceAccountKey loadOrCreate(Path pkiDirectory) {
    synchronized (ClusterPki.class) {
      try {
        Files.createDirectories(pkiDirectory);
        try (FileChannel lockFile = FileChannel.open(pkiDirectory.resolve(".lock"), StandardOpenOption.CREATE,
            StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
          Path keyFile = pkiDirectory.resolve(KEY_FILE);
          if (Files.isRegularFile(keyFile)) {
            return of(Pem.parsePrivateKey(Files.readString(keyFile, StandardCharsets.US_ASCII)));
          }
          ServiceAccountKey key = generate();
          ClusterPki.writeAtomically(keyFile, Pem.privateKey(key.privateKey()), true);
          ClusterPki.writeAtomically(pkiDirectory.resolve(PUBLIC_FILE), key.publicKeyPem(), false);
          LOG.info("created the service-account signing key {} in {}", key.keyId(), pkiDirectory);
          return key;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot load or create the service-account key in " + pkiDirectory, e);
      }
    }
  }

  /** A new RSA 2048 pair, kept in memory only (tests, or before {@link #loadOrCreate} writes one). CPU-heavy. */
  public static ServiceAccountKey generate() {
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
      generator.initialize(2048);
      return of(generator.generateKeyPair().getPrivate());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("cannot create an RSA key", e);
    }
  }

  /** The pair of an RSA private key (its public half derived from it). */
  public static ServiceAccountKey of(PrivateKey privateKey) {
    if (!(privateKey instanceof RSAPrivateCrtKey rsa)) {
      throw new IllegalArgumentException("the service-account key must be an RSA key, not " + privateKey.getAlgorithm());
    }
    try {
      RSAPublicKey pub = (RSAPublicKey) KeyFactory.getInstance("RSA")
          .generatePublic(new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
      return new ServiceAccountKey(privateKey, pub, keyId(pub));
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("bad RSA key: " + e.getMessage(), e);
    }
  }

  /** kube-apiserver's key id of a public key: base64url (unpadded) of SHA-256 over its DER (PKIX) form. */
  public static String keyId(RSAPublicKey key) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The public key as PEM ({@code PUBLIC KEY}). */
  public String publicKeyPem() {
    StringWriter out = new StringWriter();
    try (PemWriter writer = new PemWriter(out)) {
      writer.writeObject(new JcaMiscPEMGenerator(publicKey));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString();
  }
}
