package io.dekube.core.encryption;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver's {@code --encryption-provider-config-automatic-reload} (its
 * {@code encryptionconfig/controller}): the file is read every poll interval (kube's one minute); when its content
 * hash differs from the one in use it is loaded and validated as at start, and a valid one replaces the
 * configuration of this process ({@link StoreEncryption}), which the writers and informers use from their next
 * record on. A file that cannot be read or is not valid changes nothing: the configuration in use stays, the error
 * is logged as kube's ({@code error processing encryption config file <path>: <error>}) and the file is tried again
 * after a growing delay (kube's controller rate limiter: 5 ms doubling up to 1,000 s, never reset, as kube never
 * forgets the key), besides the regular poll. Counted as kube 1.32 counts it, labelled with this process's
 * apiserver identity hash: {@code apiserver_encryption_config_controller_automatic_reload_success_total},
 * {@code ..._automatic_reload_failures_total} (both deprecated by kube 1.30 and still served by 1.32),
 * {@code ..._automatic_reloads_total{status}} and {@code ..._automatic_reload_last_timestamp_seconds{status}}.
 *
 * <p>One daemon thread per reloader ({@code dekube-encryption-config-reload}); never an event loop. Thread-safe.
 */
final class EncryptionConfigReloader implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EncryptionConfigReloader.class);
  private static final String PREFIX = "apiserver.encryption.config.controller.";
  private static final long MIN_BACKOFF_MS = 5;
  private static final long MAX_BACKOFF_MS = 1_000_000;

  /**
   * kube's apiserver identity is {@code apiserver-<uuid>}, new at each start, and its metrics carry its sha256; this
   * process's is made the same way, once.
   */
  static final String APISERVER_ID_HASH = "sha256:" + sha256(("apiserver-" + UUID.randomUUID())
      .getBytes(StandardCharsets.UTF_8));
  private static final Map<String, AtomicLong> LAST_TIMESTAMP = new ConcurrentHashMap<>();

  private final Path file;
  private final ScheduledExecutorService thread;
  private String loadedHash;
  private int failures;

  private EncryptionConfigReloader(Path file, String loadedHash) {
    this.file = file;
    this.loadedHash = loadedHash;
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dekube-encryption-config-reload");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * Loads and installs the file (an IllegalArgumentException with kube's words when it is not valid: the start
   * fails, as kube-apiserver's does), then polls it every {@code poll}.
   */
  static EncryptionConfigReloader start(Path file, Duration poll) {
    byte[] bytes = EncryptionConfig.read(file);
    EncryptionConfig first = EncryptionConfig.parse(file, new String(bytes, StandardCharsets.UTF_8));
    StoreEncryption.set(first);
    EncryptionConfigReloader r = new EncryptionConfigReloader(file, sha256(bytes));
    long ms = Math.max(1, poll.toMillis());
    r.thread.scheduleWithFixedDelay(r::check, ms, ms, TimeUnit.MILLISECONDS);
    LOG.info("Starting controller encryption-provider-config-automatic-reload-controller for {} (every {})", file,
        poll);
    return r;
  }

  /** One pass of kube's work item: reload when the content changed. Reloader thread only. */
  private void check() {
    try {
      byte[] bytes = EncryptionConfig.read(file);
      String hash = sha256(bytes);
      if (hash.equals(loadedHash)) {
        return; // kube: "Encryption config has not changed"
      }
      EncryptionConfig next = EncryptionConfig.parse(file, new String(bytes, StandardCharsets.UTF_8));
      StoreEncryption.set(next);
      loadedHash = hash;
      record("success");
      LOG.info("Loaded new kms encryption config content from {}", file);
    } catch (RuntimeException e) {
      record("failure");
      LOG.error("error processing encryption config file {}: {}", file, e.getMessage());
      long delay = Math.min(MAX_BACKOFF_MS, MIN_BACKOFF_MS << Math.min(failures, 30));
      failures++;
      if (!thread.isShutdown()) {
        thread.schedule(this::check, delay, TimeUnit.MILLISECONDS);
      }
    }
  }

  private static void record(String status) {
    Counter.builder(PREFIX + "automatic.reloads")
        .description("Total number of reload successes and failures of encryption configuration split by apiserver "
            + "identity.")
        .tag("status", status).tag("apiserver_id_hash", APISERVER_ID_HASH).register(Metrics.registry()).increment();
    boolean ok = "success".equals(status);
    Counter.builder(PREFIX + (ok ? "automatic.reload.success" : "automatic.reload.failures"))
        .description(ok ? "Total number of successful automatic reloads of encryption configuration split by "
            + "apiserver identity." : "Total number of failed automatic reloads of encryption configuration split by "
            + "apiserver identity.")
        .tag("apiserver_id_hash", APISERVER_ID_HASH).register(Metrics.registry()).increment();
    AtomicLong last = LAST_TIMESTAMP.computeIfAbsent(status, s -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder(PREFIX + "automatic.reload.last.timestamp.seconds", v, AtomicLong::doubleValue)
          .description("Timestamp of the last successful or failed automatic reload of encryption configuration split "
              + "by apiserver identity.")
          .tag("status", s).tag("apiserver_id_hash", APISERVER_ID_HASH).register(Metrics.registry());
      return v;
    });
    last.set(System.currentTimeMillis() / 1000);
  }

  static String sha256(byte[] data) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Stops polling (the configuration in use stays). */
  @Override
  public void close() {
    thread.shutdownNow();
    LOG.info("Shutting down controller encryption-provider-config-automatic-reload-controller");
  }
}
