package io.dekube.core.pki;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.util.IPAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's PKI under one directory (default {@code .dekube/pki/}): a CA ({@code ca.crt},
 * {@code ca.key}, CN=dekube-ca), the apiserver's serving certificate ({@code apiserver.crt},
 * {@code apiserver.key}) and the admin client certificate ({@code admin.crt}, {@code admin.key},
 * CN=admin, O=system:masters), all PEM. Created once; later calls reload the files, so
 * kubeconfigs written earlier stay valid. A serving or admin certificate that no longer chains to
 * the CA, lacks a requested SAN or expires within 30 days is reissued (the CA is kept).
 *
 * <p>{@link #loadOrCreate} and {@link #adminClientCertificate()} do blocking file I/O and key
 * generation: call them from a worker thread ({@code vertx.executeBlocking}) or before deploying,
 * never on an event loop. Once loaded, the object is immutable and thread-safe.
 */
public final class ClusterPki {

  private static final Logger LOG = LoggerFactory.getLogger(ClusterPki.class);

  /** Common name of the cluster CA. */
  public static final String CA_NAME = "dekube-ca";
  /** DNS names every serving certificate carries. */
  public static final List<String> SERVING_DNS_NAMES = List.of("localhost", "kubernetes", "kubernetes.default",
      "kubernetes.default.svc", "kubernetes.default.svc.cluster.local");
  /** IP addresses every serving certificate carries: loopback and the {@code kubernetes} service IP. */
  public static final List<String> SERVING_IPS = List.of("127.0.0.1", "127.96.0.1");
  /** User and group of the admin client certificate. */
  public static final String ADMIN_USER = "admin";
  public static final String ADMIN_GROUP = "system:masters";

  private static final Duration RENEW_BEFORE = Duration.ofDays(30);
  private static final int SAN_DNS = 2;
  private static final int SAN_IP = 7;

  private final Path directory;
  private final CertificateIssuer issuer;
  private final CertificateBundle ca;
  private final CertificateBundle serving;

  private ClusterPki(Path directory, CertificateIssuer issuer, CertificateBundle ca, CertificateBundle serving) {
    this.directory = directory;
    this.issuer = issuer;
    this.ca = ca;
    this.serving = serving;
  }

  /** The default directory, {@code .dekube/pki} under the working directory. */
  public static Path defaultDirectory() {
    return Path.of(".dekube", "pki");
  }

  /** Loads the PKI of {@code directory}, creating what is missing. Blocking. */
  public static ClusterPki loadOrCreate(Path directory) {
    return loadOrCreate(directory, List.of());
  }

  /**
   * Loads the PKI of {@code directory}, creating what is missing; {@code extraHosts} (DNS names or
   * IP addresses) are added to the serving certificate's SANs. Blocking; serialised across
   * threads and, through a lock file, across processes sharing the directory.
   */
  public static synchronized ClusterPki loadOrCreate(Path directory, Collection<String> extraHosts) {
    try {
      Files.createDirectories(directory);
      try (FileChannel lockFile = FileChannel.open(directory.resolve(".lock"), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock ignored = lockFile.lock()) {
        CertificateIssuer issuer = new CertificateIssuer();
        CertificateBundle ca = loadOrCreateCa(directory, issuer);
        CertificateBundle serving = loadOrCreateServing(directory, issuer, ca, extraHosts);
        return new ClusterPki(directory, issuer, ca, serving);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load or create the PKI in " + directory, e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** The cluster CA (certificate and key). */
  public CertificateBundle ca() {
    return ca;
  }

  /** The apiserver's serving certificate and key. */
  public CertificateBundle serving() {
    return serving;
  }

  public Path caCertificateFile() {
    return directory.resolve("ca.crt");
  }

  public Path servingCertificateFile() {
    return directory.resolve("apiserver.crt");
  }

  public Path servingKeyFile() {
    return directory.resolve("apiserver.key");
  }

  /**
   * A new client certificate (CN = user, O = groups) signed by the CA, with an EC P-256 key; not
   * stored: a process makes these in memory at each start, for its own TLS clients.
   */
  public CertificateBundle issueClientCertificate(String user, List<String> groups) {
    return issuer.newClient(ca, user, groups, CertificateIssuer.KeyAlgorithm.EC_P256);
  }

  /** A new serving certificate (for a kubelet's API) signed by the CA, with an EC P-256 key; not stored. */
  public CertificateBundle issueServingCertificate(String commonName, List<String> dnsNames, List<String> ips) {
    return issuer.newServing(ca, commonName, dnsNames, ips, CertificateIssuer.KeyAlgorithm.EC_P256);
  }

  /** The admin client certificate (CN=admin, O=system:masters), stored and reused. Blocking. */
  public CertificateBundle adminClientCertificate() {
    synchronized (ClusterPki.class) {
      try {
        Path crt = directory.resolve("admin.crt");
        Path key = directory.resolve("admin.key");
        CertificateBundle existing = read(crt, key);
        if (existing != null && usable(existing, ca) && !expiresSoon(existing)) {
          return existing;
        }
        CertificateBundle admin = issuer.newClient(ca, ADMIN_USER, List.of(ADMIN_GROUP));
        write(crt, key, admin);
        LOG.info("issued client certificate CN={} O={} in {}", ADMIN_USER, ADMIN_GROUP, directory);
        return admin;
      } catch (IOException e) {
        throw new UncheckedIOException("cannot store the admin certificate in " + directory, e);
      }
    }
  }

  private static CertificateBundle loadOrCreateCa(Path dir, CertificateIssuer issuer) throws IOException {
    CertificateBundle ca = read(dir.resolve("ca.crt"), dir.resolve("ca.key"));
    if (ca != null) {
      return ca;
    }
    ca = issuer.newCa(CA_NAME);
    write(dir.resolve("ca.crt"), dir.resolve("ca.key"), ca);
    LOG.info("created cluster CA {} in {}", CA_NAME, dir);
    return ca;
  }

  private static CertificateBundle loadOrCreateServing(Path dir, CertificateIssuer issuer, CertificateBundle ca,
                                                       Collection<String> extraHosts) throws IOException {
    Set<String> dns = new LinkedHashSet<>(SERVING_DNS_NAMES);
    Set<String> ips = new LinkedHashSet<>(SERVING_IPS);
    for (String host : extraHosts) {
      (IPAddress.isValid(host) ? ips : dns).add(host);
    }
    Path crt = dir.resolve("apiserver.crt");
    Path key = dir.resolve("apiserver.key");
    CertificateBundle serving = read(crt, key);
    if (serving != null && usable(serving, ca) && !expiresSoon(serving) && hasSans(serving, dns, ips)) {
      return serving;
    }
    serving = issuer.newServing(ca, "kube-apiserver", new ArrayList<>(dns), new ArrayList<>(ips));
    write(crt, key, serving);
    LOG.info("issued apiserver serving certificate for {} {} in {}", dns, ips, dir);
    return serving;
  }

  private static boolean usable(CertificateBundle leaf, CertificateBundle ca) {
    try {
      leaf.certificate().verify(ca.certificate().getPublicKey());
      return true;
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static boolean expiresSoon(CertificateBundle bundle) {
    return bundle.certificate().getNotAfter().toInstant().isBefore(Instant.now().plus(RENEW_BEFORE));
  }

  private static boolean hasSans(CertificateBundle bundle, Set<String> dns, Set<String> ips) {
    Set<String> presentDns = new HashSet<>();
    Set<InetAddress> presentIps = new HashSet<>();
    try {
      Collection<List<?>> sans = bundle.certificate().getSubjectAlternativeNames();
      for (List<?> san : sans == null ? List.<List<?>>of() : sans) {
        String value = String.valueOf(san.get(1));
        if (Integer.valueOf(SAN_IP).equals(san.get(0))) {
          presentIps.add(literal(value));
        } else if (Integer.valueOf(SAN_DNS).equals(san.get(0))) {
          presentDns.add(value);
        }
      }
    } catch (CertificateParsingException e) {
      return false;
    }
    return presentDns.containsAll(dns) && ips.stream().map(ClusterPki::literal).allMatch(presentIps::contains);
  }

  /** An IP literal as an address; never a DNS lookup (callers pass validated literals only). */
  private static InetAddress literal(String ip) {
    if (!IPAddress.isValid(ip)) {
      throw new IllegalArgumentException("not an IP address: " + ip);
    }
    try {
      return InetAddress.getByName(ip);
    } catch (IOException e) {
      throw new IllegalArgumentException("not an IP address: " + ip, e);
    }
  }

  private static CertificateBundle read(Path crt, Path key) throws IOException {
    if (!Files.isRegularFile(crt) || !Files.isRegularFile(key)) {
      return null;
    }
    X509Certificate cert = Pem.parseCertificate(Files.readString(crt, StandardCharsets.US_ASCII));
    return new CertificateBundle(cert, Pem.parsePrivateKey(Files.readString(key, StandardCharsets.US_ASCII)));
  }

  private static void write(Path crt, Path key, CertificateBundle bundle) throws IOException {
    writeAtomically(key, bundle.keyPem(), true);
    writeAtomically(crt, bundle.certificatePem(), false);
  }

  /** Writes through a temporary file and a rename, so readers never see half a file. */
  static void writeAtomically(Path target, String text, boolean secret) throws IOException {
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    try {
      if (secret) {
        ownerOnly(tmp);
      }
      Files.writeString(tmp, text, StandardCharsets.US_ASCII);
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static void ownerOnly(Path file) throws IOException {
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system: keep the platform default
    }
  }
}
