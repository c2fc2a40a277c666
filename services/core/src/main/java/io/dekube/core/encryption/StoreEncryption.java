package io.dekube.core.encryption;

import java.nio.charset.StandardCharsets;

/**
 * The encryption at rest of this process's store records: which transformer each resource's values go through
 * on the bus. Every process that reads or writes a store topic installs the same {@link EncryptionConfig} before
 * its components start (the launcher does, from {@code --encryption-provider-config}); the writers encrypt with
 * it, every informer and the writers' rebuild decrypt with it. A resource no entry names costs one byte compare
 * per record ({@link #read}).
 *
 * <p>Authenticated data is the object's storage path, as kube's etcd key: {@code /registry/<resource>/<namespace>/<name>}
 * ({@code /registry/<resource>/<name>} when cluster-scoped), with dekube's bus name of the resource
 * ({@code secrets}, {@code deployments.apps}). Thread-safe: {@link #install} and the automatic reload publish a new
 * configuration, which every writer and informer uses from its next record on.
 */
public final class StoreEncryption {

  private static volatile EncryptionConfig config = EncryptionConfig.NONE;
  private static EncryptionConfigReloader reloader;

  private StoreEncryption() {
  }

  /**
   * Sets this process's configuration, without automatic reload (a running reloader stops): the file is read at
   * start, and a change of it needs a restart, as kube-apiserver without {@code
   * --encryption-provider-config-automatic-reload}.
   */
  public static void install(EncryptionConfig c) {
    stopReload();
    set(c);
  }

  /**
   * {@code --encryption-provider-config} with {@code --encryption-provider-config-automatic-reload}: loads the file
   * (failing as {@link EncryptionConfig#load} on a bad one) and installs it, then polls it every {@code poll} and
   * installs each valid change (an invalid one keeps the configuration in use): see {@link EncryptionConfigReloader}.
   */
  public static synchronized void installReloading(java.nio.file.Path file, java.time.Duration poll) {
    stopReload();
    EncryptionConfigReloader r = EncryptionConfigReloader.start(file, poll);
    reloader = r;
  }

  /** Stops the automatic reload, if any (the configuration in use stays). Idempotent. */
  public static synchronized void stopReload() {
    if (reloader != null) {
      reloader.close();
      reloader = null;
    }
  }

  /** Whether the configuration is reloaded automatically (kube's {@code kms-providers} health check is then on). */
  public static synchronized boolean reloading() {
    return reloader != null;
  }

  /**
   * Publishes a configuration (the reloader's way in; readers pick it up at their next record). The KMS providers
   * of the one it replaces are closed after a grace period, as kube's {@code KMSCloseGracePeriod}, so that reads
   * and writes already holding them finish.
   */
  static synchronized void set(EncryptionConfig c) {
    EncryptionConfig old = config;
    config = c == null ? EncryptionConfig.NONE : c;
    if (old != config && old.hasKms()) {
      Thread closer = new Thread(() -> {
        try {
          Thread.sleep(KMS_CLOSE_GRACE_MS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        old.close();
      }, "dekube-kms-close");
      closer.setDaemon(true);
      closer.start();
    }
  }

  /** kube's grace before closing replaced KMS providers (twice the timeouts; dekube waits twice the default's). */
  private static final long KMS_CLOSE_GRACE_MS = 6_000;

  /**
   * kube's {@code kms-providers} health check, registered with a KMS provider or the automatic reload: null while
   * every KMS plugin of the configuration in use is healthy (and with none), else kube's message.
   */
  public static String kmsHealth() {
    return config.kmsHealth();
  }

  /**
   * The configuration in use. Its identity changes with each install or reload, so a reader that caches a
   * transformer compares it ({@code ==}) to know when to resolve it again.
   */
  public static EncryptionConfig config() {
    return config;
  }

  /** The transformer of a resource by its bus name ({@code secrets}, {@code deployments.apps}); null: kept in clear. */
  public static ValueTransformer transformer(String resourceName) {
    return transformer(config, resourceName);
  }

  /** The transformer of a resource under configuration {@code c}; null: kept in clear. */
  public static ValueTransformer transformer(EncryptionConfig c, String resourceName) {
    if (c.isEmpty()) {
      return null;
    }
    int dot = resourceName.indexOf('.');
    return dot < 0 ? c.transformer("", resourceName)
        : c.transformer(resourceName.substring(dot + 1), resourceName.substring(0, dot));
  }

  /** The storage path of a store key ({@code ns/name}, {@code /name}) of a resource: the authenticated data. */
  public static String path(String resourceName, String key) {
    return "/registry/" + resourceName + (key.startsWith("/") ? key : "/" + key);
  }

  /**
   * The clear JSON of a store value. With no transformer ({@code t} null) a JSON object is returned as it is, and
   * a value starting with {@code k8s:enc:} fails as kube's identity transformer does.
   */
  public static ValueTransformer.Read read(ValueTransformer t, String resourceName, String key, byte[] value)
      throws ValueTransformer.TransformException {
    if (t == null) {
      if (value.length > 0 && value[0] == '{') {
        return new ValueTransformer.Read(value, false);
      }
      return Providers.IDENTITY.fromStorage(value, null);
    }
    return t.fromStorage(value, path(resourceName, key).getBytes(StandardCharsets.UTF_8));
  }

  /** The value a store record carries for this clear JSON: itself when {@code t} is null. */
  public static byte[] write(ValueTransformer t, String resourceName, String key, byte[] json)
      throws ValueTransformer.TransformException {
    return t == null ? json : t.toStorage(json, path(resourceName, key).getBytes(StandardCharsets.UTF_8));
  }
}
