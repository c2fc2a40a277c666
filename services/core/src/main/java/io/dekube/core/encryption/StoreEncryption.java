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
 * ({@code secrets}, {@code deployments.apps}). Thread-safe: {@link #install} publishes a new configuration.
 */
public final class StoreEncryption {

  private static volatile EncryptionConfig config = EncryptionConfig.NONE;

  private StoreEncryption() {
  }

  /** Sets this process's configuration (before informers and writers start: they resolve their transformer once). */
  public static void install(EncryptionConfig c) {
    config = c == null ? EncryptionConfig.NONE : c;
  }

  /** The transformer of a resource by its bus name ({@code secrets}, {@code deployments.apps}); null: kept in clear. */
  public static ValueTransformer transformer(String resourceName) {
    EncryptionConfig c = config;
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
