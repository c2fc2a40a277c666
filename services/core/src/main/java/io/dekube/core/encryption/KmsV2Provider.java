package io.dekube.core.encryption;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code kms} provider with {@code apiVersion: v2}, as kube-apiserver 1.32 runs it (its {@code kmsv2PluginProbe}
 * and {@code envelopeTransformer}, KDF mode): the plugin's {@code Status} is asked at start and then every minute
 * (every 10 s while it fails); when it answers healthy with a key id other than the one in use, a new random 32-byte
 * seed is encrypted by the plugin ({@code Encrypt}) and becomes the write state, valid for writes 3 minutes past the
 * last good status (then writes fail, reads go on). Each value is written as kube's {@code EncryptedObject}: the
 * encrypted seed, its key id and annotations, and {@code encryptedData} = a random 32-byte info, then AES-GCM (12-byte
 * nonce, the storage path as authenticated data) under the key HKDF-SHA256-Expand(seed, info). Reads decrypt a seed
 * they have not seen with the plugin's {@code Decrypt} once and cache it; a value written under another key id is
 * stale (a write re-encrypts it). Errors and the health check read as kube's.
 *
 * <p>The probe runs on one daemon thread per provider ({@code dekube-kms-<name>}); reads and writes run on their
 * caller's thread, and only a read of a seed not cached calls the plugin there. The health check never calls the
 * plugin on its caller's thread: it answers the last probe and asks the probe thread for a new one when kube's
 * answer would have expired (20 s after a success, 3 s after a failure). Thread-safe.
 */
public final class KmsV2Provider implements ValueTransformer, AutoCloseable {

  /**
   * kube's fixed intervals: the health answer's lifetime after a success and a failure, the status poll, the poll
   * while failing and how long a write state outlives its last good status. Tests shorten them ({@link #use}).
   */
  public record Intervals(Duration positiveTtl, Duration negativeTtl, Duration poll, Duration failingPoll,
                          Duration writeStateTtl) {
    /** kube-apiserver's. */
    public static final Intervals KUBE = new Intervals(Duration.ofSeconds(20), Duration.ofSeconds(3),
        Duration.ofMinutes(1), Duration.ofSeconds(10), Duration.ofMinutes(3));
  }

  private static final Logger LOG = LoggerFactory.getLogger(KmsV2Provider.class);
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int SEED_SIZE = 32;
  private static final int INFO_SIZE = 32;
  private static final int NONCE_SIZE = 12;
  private static final int KEY_ID_MAX = 1024;
  private static final int DEK_SOURCE_MAX = 1024;
  private static final String SHORT = "the stored data was shorter than the required size";
  private static final ThreadLocal<Cipher> GCM = ThreadLocal.withInitial(() -> {
    try {
      return Cipher.getInstance("AES/GCM/NoPadding");
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  });
  private static volatile Intervals intervals = Intervals.KUBE;
  private static final Map<String, AtomicLong> TIMESTAMPS = new ConcurrentHashMap<>();
  private static final Map<String, Counter> COUNTERS = new ConcurrentHashMap<>();

  /** The write state: a seed, its encrypted form as the plugin gave it, until when writes may use it. */
  private record State(byte[] seed, String keyId, byte[] encryptedSeed, Map<String, byte[]> annotations, String uid,
                       Instant expires, String cacheKey) {
  }

  private final String name;
  private final KmsV2Client client;
  private final ScheduledExecutorService thread;
  private final Map<String, byte[]> seeds = new ConcurrentHashMap<>();
  private final AtomicBoolean probeQueued = new AtomicBoolean();
  private volatile State state;
  private final AtomicLong generation = new AtomicLong();
  private String version = "";
  private volatile String lastError = "not checked yet";
  private volatile long lastReceived = Long.MIN_VALUE / 2;
  private volatile Duration ttl = Duration.ZERO;

  KmsV2Provider(String name, String socketPath, Duration timeout) {
    this.name = name;
    this.client = new KmsV2Client(name, socketPath, timeout);
    this.thread = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "dekube-kms-" + name);
      t.setDaemon(true);
      return t;
    });
    Gauge.builder("apiserver.envelope.encryption.dek.source.cache.size", seeds, Map::size)
        .description("Number of records in data encryption key (DEK) source cache. On a restart, this value is an "
            + "approximation of the number of decrypt RPC calls the server will make to the KMS plugin.")
        .tag("provider_name", name).register(Metrics.registry());
  }

  /** Shortens kube's intervals (tests); providers started after this use them. */
  public static void use(Intervals i) {
    intervals = i;
  }

  /**
   * kube's {@code primeAndProbeKMSv2}: one status (and seed) inline, on the caller's thread, then the poll on the
   * probe thread. A plugin that is down does not stop the start: writes fail until it answers.
   */
  void start() {
    String error = check();
    if (error != null) {
      LOG.error("kms plugin failed health check probe name={}: {}", name, error);
    }
    schedulePoll(error == null ? intervals.poll() : intervals.failingPoll());
  }

  private void schedulePoll(Duration after) {
    if (!thread.isShutdown()) {
      thread.schedule(() -> {
        String error = check();
        if (error != null) {
          LOG.error("kms plugin failed health check probe name={}: {}", name, error);
        }
        schedulePoll(error == null ? intervals.poll() : intervals.failingPoll());
      }, after.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** How many seeds this provider has made: a change tells readers that keep decrypted values to read again. */
  long generation() {
    return generation.get();
  }

  /**
   * The health check's answer ({@code kms-provider-<i>}): null when healthy, else kube's error. Never calls the
   * plugin here; an answer older than kube's lifetime asks the probe thread for a new one.
   */
  String health() {
    if (System.nanoTime() - lastReceived >= ttl.toNanos() && probeQueued.compareAndSet(false, true)) {
      try {
        thread.execute(() -> {
          probeQueued.set(false);
          check();
        });
      } catch (java.util.concurrent.RejectedExecutionException e) {
        probeQueued.set(false);
      }
    }
    return lastError;
  }

  /** kube's {@code kmsv2PluginProbe.check}: Status, validated, and a new seed when the key id changed. */
  synchronized String check() {
    if (System.nanoTime() - lastReceived < ttl.toNanos()) {
      return lastError;
    }
    String error;
    try {
      KmsProto.Status status = client.status();
      error = healthyAndMaybeRotate(status);
    } catch (KmsV2Client.RpcException e) {
      error = "failed to perform status section of the healthz check for KMS Provider " + name + ", error: "
          + e.getMessage();
    }
    lastError = error;
    lastReceived = System.nanoTime();
    ttl = error == null ? intervals.positiveTtl() : intervals.negativeTtl();
    return error;
  }

  private String healthyAndMaybeRotate(KmsProto.Status status) {
    List<String> errors = new ArrayList<>();
    if (!"ok".equals(status.healthz())) {
      errors.add("got unexpected healthz status: " + status.healthz());
    }
    if (!status.version().equals("v2") && !status.version().equals("v2beta1")) {
      errors.add("expected KMSv2 API version v2, got " + status.version());
    } else {
      if (version.isEmpty()) {
        version = status.version();
      }
      if (!version.equals(status.version())) {
        errors.add("KMSv2 API version should not change after the initial status response version " + version
            + ", got " + status.version());
      }
    }
    String keyIdError = keyIdError(status.keyId());
    if (keyIdError != null) {
      count("apiserver.envelope.encryption.invalid.key.id.from.status", "Number of times an invalid keyID is "
          + "returned by the Status RPC call split by error.", "provider_name", name, "error",
          status.keyId().isEmpty() ? "empty" : "too_long").increment();
      errors.add("got invalid KMSv2 KeyID hash \"" + hash(status.keyId()) + "\": " + keyIdError);
    } else {
      timestamp("apiserver.envelope.encryption.key.id.hash.status.last.timestamp.seconds", "The last time in "
          + "seconds when a keyID was returned by the Status RPC call.", "provider_name", name, "key_id_hash",
          hash(status.keyId()), "apiserver_id_hash", EncryptionConfigReloader.APISERVER_ID_HASH);
      String rotation = rotateOnKeyIdChange(status.keyId(), UUID.randomUUID().toString());
      if (rotation != null) {
        errors.add(rotation);
      }
    }
    if (errors.isEmpty()) {
      return null;
    }
    return "kmsv2 Provider " + name + " is not healthy, error: "
        + (errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
  }

  /** kube's {@code rotateDEKOnKeyIDChange}; null when the state is good for {@code statusKeyId}. */
  private String rotateOnKeyIdChange(String statusKeyId, String uid) {
    State current = state;
    Instant expires = Instant.now().plus(intervals.writeStateTtl());
    if (current != null && current.keyId().equals(statusKeyId)) {
      state = new State(current.seed(), current.keyId(), current.encryptedSeed(), current.annotations(),
          current.uid(), expires, current.cacheKey());
      return null;
    }
    byte[] seed = new byte[SEED_SIZE];
    RANDOM.nextBytes(seed);
    String errGen = null;
    KmsProto.Encrypted encrypted = null;
    try {
      encrypted = client.encrypt(uid, seed);
      errGen = validate(new KmsProto.EncryptedObject(new byte[] {0}, encrypted.keyId(), encrypted.ciphertext(),
          encrypted.annotations(), KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED));
    } catch (KmsV2Client.RpcException e) {
      errGen = "failed to encrypt DEK, error: " + e.getMessage();
    }
    String encryptKeyId = encrypted == null ? "" : encrypted.keyId();
    if (errGen == null && encryptKeyId.equals(statusKeyId)) {
      String key = cacheKey(KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED, encrypted.ciphertext(), encrypted.keyId(),
          encrypted.annotations());
      state = new State(seed, encrypted.keyId(), encrypted.ciphertext(), encrypted.annotations(), uid, expires, key);
      generation.incrementAndGet();
      LOG.info("kms provider {}: new DEK seed for key id hash {} (was {})", name, hash(encrypted.keyId()),
          current == null ? "none" : hash(current.keyId()));
      return null;
    }
    return "failed to rotate DEK uid=\"" + uid + "\", useSeed=true, errState="
        + (current == null ? "got unexpected nil transformer" : "<nil>") + ", errGen=" + (errGen == null ? "<nil>"
        : errGen) + ", statusKeyIDHash=\"" + hash(statusKeyId) + "\", encryptKeyIDHash=\"" + hash(encryptKeyId)
        + "\", stateKeyIDHash=\"" + (current == null ? "" : hash(current.keyId())) + "\", expirationTimestamp="
        + (current == null ? "0001-01-01T00:00:00Z" : rfc3339(current.expires()));
  }

  @Override
  public Read fromStorage(byte[] data, byte[] ad) throws TransformException {
    KmsProto.EncryptedObject o;
    try {
      o = KmsProto.decodeEncryptedObject(data);
    } catch (IllegalArgumentException e) {
      throw new TransformException(e.getMessage());
    }
    String invalid = validate(o);
    if (invalid != null) {
      throw new TransformException(invalid);
    }
    State s = state;
    if (s == null) {
      throw new TransformException("got unexpected nil transformer"); // kube's stateFunc on a read, too
    }
    String key = cacheKey(o.encryptedDekSourceType(), o.encryptedDekSource(), o.keyId(), o.annotations());
    byte[] seed = seeds.get(key);
    if (seed == null) {
      count("apiserver.storage.envelope.transformation.cache.misses", "Total number of cache misses while accessing "
          + "key decryption key(KEK).").increment();
      try {
        seed = client.decrypt(UUID.randomUUID().toString(), o);
      } catch (KmsV2Client.RpcException e) {
        throw new TransformException("failed to decrypt DEK, error: " + e.getMessage());
      }
      if (o.encryptedDekSourceType() == KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED && seed.length < SEED_SIZE) {
        throw new TransformException("invalid seed length " + seed.length + " used for key generation");
      }
      seeds.put(key, seed);
    }
    recordKeyId("from_storage", o.keyId());
    byte[] clear = o.encryptedDekSourceType() == KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED
        ? openWithSeed(seed, o.encryptedData(), ad) : openGcm(seed, o.encryptedData(), 0, ad);
    return new Read(clear, !o.keyId().equals(s.keyId())
        || o.encryptedDekSourceType() != KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED);
  }

  @Override
  public byte[] toStorage(byte[] data, byte[] ad) throws TransformException {
    State s = state;
    if (s == null) {
      throw new TransformException("got unexpected nil transformer");
    }
    Instant now = Instant.now();
    if (now.isAfter(s.expires())) {
      throw new TransformException("encryptedDEKSource with keyID hash \"" + hash(s.keyId()) + "\" expired at "
          + rfc3339(s.expires()) + " (current time is " + rfc3339(now) + ")");
    }
    seeds.put(s.cacheKey(), s.seed()); // so that reads of this process's writes need no plugin call
    byte[] info = new byte[INFO_SIZE];
    RANDOM.nextBytes(info);
    byte[] nonce = new byte[NONCE_SIZE];
    RANDOM.nextBytes(nonce);
    byte[] sealed;
    try {
      Cipher c = GCM.get();
      c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(derive(s.seed(), info), "AES"), new GCMParameterSpec(128, nonce));
      c.updateAAD(ad);
      sealed = new byte[INFO_SIZE + NONCE_SIZE + c.getOutputSize(data.length)];
      System.arraycopy(info, 0, sealed, 0, INFO_SIZE);
      System.arraycopy(nonce, 0, sealed, INFO_SIZE, NONCE_SIZE);
      c.doFinal(data, 0, data.length, sealed, INFO_SIZE + NONCE_SIZE);
    } catch (GeneralSecurityException e) {
      throw new TransformException(e.getMessage());
    }
    recordKeyId("to_storage", s.keyId());
    return KmsProto.encode(new KmsProto.EncryptedObject(sealed, s.keyId(), s.encryptedSeed(), s.annotations(),
        KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED));
  }

  private static byte[] openWithSeed(byte[] seed, byte[] data, byte[] ad) throws TransformException {
    if (data.length < INFO_SIZE) {
      throw new TransformException(SHORT);
    }
    return openGcm(derive(seed, Arrays.copyOf(data, INFO_SIZE)), data, INFO_SIZE, ad);
  }

  /** AES-GCM of {@code data} from {@code from}: the 12-byte nonce, then ciphertext and tag. */
  private static byte[] openGcm(byte[] key, byte[] data, int from, byte[] ad) throws TransformException {
    if (data.length - from < NONCE_SIZE) {
      throw new TransformException(SHORT);
    }
    try {
      Cipher c = GCM.get();
      c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(key, "AES"), new GCMParameterSpec(128, data, from, NONCE_SIZE));
      c.updateAAD(ad);
      return c.doFinal(data, from + NONCE_SIZE, data.length - from - NONCE_SIZE);
    } catch (GeneralSecurityException | IllegalArgumentException e) {
      throw new TransformException("cipher: message authentication failed"); // Go's words
    }
  }

  /** HKDF-Expand (RFC 5869) with SHA-256 of the seed as pseudo-random key: its first 32 bytes, one HMAC block. */
  static byte[] derive(byte[] seed, byte[] info) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(seed, "HmacSHA256"));
      mac.update(info);
      mac.update((byte) 1);
      return mac.doFinal();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** kube's {@code ValidateEncryptedObject}: null when valid. */
  static String validate(KmsProto.EncryptedObject o) {
    if (o.encryptedDekSourceType() != KmsProto.AES_GCM_KEY
        && o.encryptedDekSourceType() != KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED) {
      return "unknown encryptedDEKSourceType: " + o.encryptedDekSourceType();
    }
    if (o.encryptedData().length == 0) {
      return "encrypted data is empty";
    }
    if (o.encryptedDekSource().length == 0) {
      return "failed to validate encrypted DEK source: encrypted DEK source is empty";
    }
    if (o.encryptedDekSource().length > DEK_SOURCE_MAX) {
      return "failed to validate encrypted DEK source: encrypted DEK source is " + o.encryptedDekSource().length
          + " bytes, which exceeds the max size of " + DEK_SOURCE_MAX;
    }
    String keyId = keyIdError(o.keyId());
    return keyId == null ? null : "failed to validate key id: " + keyId;
  }

  private static String keyIdError(String keyId) {
    if (keyId.isEmpty()) {
      return "keyID is empty";
    }
    int bytes = keyId.getBytes(StandardCharsets.UTF_8).length;
    return bytes > KEY_ID_MAX ? "keyID is " + bytes + " bytes, which exceeds the max size of " + KEY_ID_MAX : null;
  }

  /** kube's {@code generateCacheKey}: the source type, the encrypted source, the key id and the sorted annotations. */
  private static String cacheKey(int type, byte[] source, String keyId, Map<String, byte[]> annotations) {
    byte[] id = keyId.getBytes(StandardCharsets.UTF_8);
    int size = 4 + 2 + source.length + 2 + id.length + 4;
    Map<String, byte[]> sorted = new TreeMap<>(annotations);
    for (Map.Entry<String, byte[]> e : sorted.entrySet()) {
      size += 4 + e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).putInt(type).putShort((short) source.length).put(source)
        .putShort((short) id.length).put(id);
    if (!sorted.isEmpty()) {
      b.putInt(sorted.size());
      sorted.forEach((k, v) -> {
        byte[] kb = k.getBytes(StandardCharsets.UTF_8);
        b.putShort((short) kb.length).put(kb).putShort((short) v.length).put(v);
      });
    }
    return new String(b.array(), 0, b.position(), StandardCharsets.ISO_8859_1);
  }

  /** kube's {@code GetHashIfNotEmpty}. */
  static String hash(String keyId) {
    return keyId.isEmpty() ? "" : "sha256:" + EncryptionConfigReloader.sha256(keyId.getBytes(StandardCharsets.UTF_8));
  }

  private static String rfc3339(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  private void recordKeyId(String type, String keyId) {
    String keyIdHash = hash(keyId);
    count("apiserver.envelope.encryption.key.id.hash", "Number of times a keyID is used split by transformation "
        + "type, provider, and apiserver identity.", "transformation_type", type, "provider_name", name,
        "key_id_hash", keyIdHash, "apiserver_id_hash", EncryptionConfigReloader.APISERVER_ID_HASH).increment();
    timestamp("apiserver.envelope.encryption.key.id.hash.last.timestamp.seconds", "The last time in seconds when a "
        + "keyID was used.", "transformation_type", type, "provider_name", name, "key_id_hash", keyIdHash,
        "apiserver_id_hash", EncryptionConfigReloader.APISERVER_ID_HASH);
  }

  private static Counter count(String metric, String help, String... tags) {
    return COUNTERS.computeIfAbsent(metric + '\0' + String.join("\0", tags), k -> Counter.builder(metric)
        .description(help).tags(tags).register(Metrics.registry()));
  }

  private static void timestamp(String metric, String help, String... tags) {
    TIMESTAMPS.computeIfAbsent(metric + '\0' + String.join("\0", tags), k -> {
      AtomicLong v = new AtomicLong();
      Gauge.builder(metric, v, AtomicLong::doubleValue).description(help).tags(tags).register(Metrics.registry());
      return v;
    }).set(System.currentTimeMillis() / 1000);
  }

  /** Stops the probe and closes the connection (reads and writes that still hold this provider then fail). */
  @Override
  public void close() {
    thread.shutdownNow();
    client.close();
  }
}
