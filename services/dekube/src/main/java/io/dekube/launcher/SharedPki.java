package io.dekube.launcher;

import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.ServiceAccountKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster PKI that the apiserver writes into {@code <data-dir>/pki} (CA, serving certificate,
 * service-account key), read by the components that need it (controller-manager, ingress,
 * kubelets). Those never make a PKI of their own: in {@code up} the apiserver has written it before
 * they start; a component started alone before its apiserver (a compose stack starts every
 * container at once) waits for the files, up to {@code --pki-wait}, then stops with a message that
 * says what to do. Blocking: call from a plain thread.
 */
final class SharedPki {

  private static final Logger LOG = LoggerFactory.getLogger(SharedPki.class);

  /** What the apiserver writes (each file atomically, under the PKI's lock file). */
  static final List<String> FILES = List.of("ca.crt", "ca.key", "apiserver.crt", "apiserver.key",
      ServiceAccountKey.KEY_FILE);

  static final Flag WAIT_FLAG = Flag.of("--pki-wait", "DURATION", "how long a component without the apiserver "
      + "waits for the apiserver's PKI in <data-dir>/pki (default 5m)");

  private SharedPki() {
  }

  /** The data dir's PKI, once the apiserver has written it; a {@link LaunchException} after {@code --pki-wait}. */
  static ClusterPki await(Path dataDir, Flags flags, String who) throws InterruptedException {
    Path dir = dataDir.resolve("pki");
    Duration wait = flags.duration(WAIT_FLAG.name(), Duration.ofMinutes(5));
    long deadline = System.nanoTime() + wait.toNanos();
    boolean told = false;
    while (!complete(dir)) {
      if (System.nanoTime() - deadline > 0) {
        throw new LaunchException("no cluster PKI in " + dir.toAbsolutePath() + " after " + wait.toSeconds()
            + " s (missing " + missing(dir) + "): start ./dekube apiserver with the same --data-dir (it writes the "
            + "PKI), or give this process the apiserver's --data-dir");
      }
      if (!told) {
        LOG.info("{}: waiting for the cluster PKI in {} (the apiserver writes it; missing {})", who, dir, missing(dir));
        told = true;
      }
      Thread.sleep(200);
    }
    return ClusterPki.loadOrCreate(dir); // loads: every file is there, and read under the PKI's lock
  }

  /** The service-account signing key of the data dir's PKI; call after {@link #await}. */
  static ServiceAccountKey serviceAccountKey(Path dataDir) {
    return ServiceAccountKey.loadOrCreate(dataDir.resolve("pki"));
  }

  private static boolean complete(Path dir) {
    return missing(dir).isEmpty();
  }

  private static List<String> missing(Path dir) {
    return FILES.stream().filter(f -> !Files.isRegularFile(dir.resolve(f))).toList();
  }
}
