package io.dekube.core.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A {@code kms} v2 provider against a real gRPC plugin on a unix socket ({@link MockKmsV2Plugin}): kube's stored
 * format, the seed encrypted once and decrypted once per process, the rotation on a new key id, the plugin down and
 * back, a key the plugin no longer has, and kube's health check words.
 */
class KmsV2ProviderTest {

  private static final byte[] SECRET = "{\"kind\":\"Secret\",\"data\":{\"password\":\"c2VjcmV0\"}}"
      .getBytes(StandardCharsets.UTF_8);
  private static final byte[] PATH = "/registry/secrets/default/s1".getBytes(StandardCharsets.UTF_8);

  @BeforeAll
  static void fast() {
    KmsV2Provider.use(new KmsV2Provider.Intervals(Duration.ofMillis(200), Duration.ofMillis(100),
        Duration.ofSeconds(1), Duration.ofMillis(300), Duration.ofMinutes(3)));
  }

  @AfterAll
  static void kube() {
    KmsV2Provider.use(KmsV2Provider.Intervals.KUBE);
  }

  @Test
  void writesKubesEnvelopeAndReadsItBackWithOneDecryptPerSeed(@TempDir Path dir) throws Exception {
    try (MockKmsV2Plugin plugin = new MockKmsV2Plugin(dir.resolve("kms.sock"), "key-1")) {
      try (EncryptionConfig writer = load(dir, plugin, ""); EncryptionConfig reader = load(dir, plugin, "")) {
        assertEquals(2, plugin.encrypts.get(), "one seed per process, encrypted at start");
        byte[] stored = StoreEncryption.write(StoreEncryption.transformer(writer, "secrets"), "secrets",
            "default/s1", SECRET);
        String prefix = "k8s:enc:kms:v2:myKms:";
        assertEquals(prefix, new String(stored, 0, prefix.length(), StandardCharsets.ISO_8859_1));
        KmsProto.EncryptedObject o = KmsProto.decodeEncryptedObject(Arrays.copyOfRange(stored, prefix.length(),
            stored.length));
        assertEquals("key-1", o.keyId());
        assertEquals(KmsProto.HKDF_SHA256_XNONCE_AES_GCM_SEED, o.encryptedDekSourceType());
        assertEquals(32 + 12 + SECRET.length + 16, o.encryptedData().length, "info, nonce, ciphertext and tag");
        assertArrayEquals("v1".getBytes(StandardCharsets.UTF_8), o.annotations().get("mock.kms.example.com"));
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains("c2VjcmV0"));

        ValueTransformer.Read own = StoreEncryption.read(StoreEncryption.transformer(writer, "secrets"), "secrets",
            "default/s1", stored);
        assertArrayEquals(SECRET, own.data());
        assertFalse(own.stale());
        assertEquals(0, plugin.decrypts.get(), "the writer's own seed is cached");
        for (int i = 0; i < 3; i++) {
          assertArrayEquals(SECRET, StoreEncryption.read(StoreEncryption.transformer(reader, "secrets"), "secrets",
              "default/s1", stored).data());
        }
        assertEquals(1, plugin.decrypts.get(), "another process decrypts the seed once");

        // the storage path is authenticated: the same value under another key does not open
        ValueTransformer.TransformException moved = assertThrows(ValueTransformer.TransformException.class,
            () -> StoreEncryption.read(StoreEncryption.transformer(reader, "secrets"), "secrets", "default/s2",
                stored));
        assertEquals("cipher: message authentication failed", moved.getMessage());
        assertTrue(io.dekube.core.metrics.Metrics.scrape().contains(
            "apiserver_envelope_encryption_key_id_hash_total{apiserver_id_hash=\"sha256:"), "kube's key id metric");
      }
    }
  }

  @Test
  void aNewKeyIdMakesANewSeedAndOldValuesStale(@TempDir Path dir) throws Exception {
    try (MockKmsV2Plugin plugin = new MockKmsV2Plugin(dir.resolve("kms.sock"), "key-1")) {
      try (EncryptionConfig c = load(dir, plugin, "")) {
        ValueTransformer t = StoreEncryption.transformer(c, "secrets");
        byte[] old = t.toStorage(SECRET, PATH);
        plugin.rotate("key-2");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> keyId(t.toStorage(SECRET, PATH))
            .equals("key-2"));
        ValueTransformer.Read r = t.fromStorage(old, PATH);
        assertArrayEquals(SECRET, r.data());
        assertTrue(r.stale(), "written under the old key id: a write re-encrypts it");
        assertFalse(t.fromStorage(t.toStorage(SECRET, PATH), PATH).stale());

        // the old key gone from the plugin: a process that never saw the old seed cannot read it, in kube's words
        plugin.forget("key-1");
        try (EncryptionConfig fresh = load(dir, plugin, "")) {
          assertEquals("failed to decrypt DEK, error: rpc error: code = Unknown desc = key key-1 not found",
              assertThrows(ValueTransformer.TransformException.class,
                  () -> StoreEncryption.transformer(fresh, "secrets").fromStorage(old, PATH)).getMessage());
        }
      }
    }
  }

  @Test
  void thePluginDownFailsTheHealthCheckAndUnseenSeedsThenComesBack(@TempDir Path dir) throws Exception {
    try (MockKmsV2Plugin plugin = new MockKmsV2Plugin(dir.resolve("kms.sock"), "key-1")) {
      try (EncryptionConfig c = load(dir, plugin, "      timeout: 3s\n")) {
        ValueTransformer t = StoreEncryption.transformer(c, "secrets");
        byte[] stored = t.toStorage(SECRET, PATH);
        assertNull(c.kmsHealth());
        plugin.stop();
        String down = "kms-provider-0: failed to perform status section of the healthz check for KMS Provider "
            + "myKms, error: rpc error: code = DeadlineExceeded desc = context deadline exceeded";
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> down.equals(c.kmsHealth()));
        // what this process wrote it still reads and writes (its seed is cached, the write state lasts 3 minutes)
        assertArrayEquals(SECRET, t.fromStorage(stored, PATH).data());
        assertArrayEquals(SECRET, t.fromStorage(t.toStorage(SECRET, PATH), PATH).data());

        plugin.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.kmsHealth() == null);
      }
    }
  }

  @Test
  void aPluginThatIsDownAtStartFailsWritesWithKubesWordsUntilItAnswers(@TempDir Path dir) throws Exception {
    try (MockKmsV2Plugin plugin = new MockKmsV2Plugin(dir.resolve("kms.sock"), "key-1")) {
      plugin.stop();
      try (EncryptionConfig c = load(dir, plugin, "      timeout: 3s\n")) {
        ValueTransformer t = StoreEncryption.transformer(c, "secrets");
        assertEquals("got unexpected nil transformer", assertThrows(ValueTransformer.TransformException.class,
            () -> t.toStorage(SECRET, PATH)).getMessage());
        assertTrue(c.kmsHealth().startsWith("kms-provider-0: failed to perform status section"), c.kmsHealth());
        plugin.start();
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> c.kmsHealth() == null);
        assertArrayEquals(SECRET, t.fromStorage(t.toStorage(SECRET, PATH), PATH).data());
      }
    }
  }

  @Test
  void anUnhealthyStatusIsKubesMessage(@TempDir Path dir) throws Exception {
    try (MockKmsV2Plugin plugin = new MockKmsV2Plugin(dir.resolve("kms.sock"), "key-1")) {
      try (EncryptionConfig c = load(dir, plugin, "")) {
        plugin.healthz("disk on fire");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ("kms-provider-0: kmsv2 Provider myKms is not "
            + "healthy, error: got unexpected healthz status: disk on fire").equals(c.kmsHealth()));
      }
    }
  }

  @Test
  void hkdfExpandIsRfc5869() {
    // RFC 5869 test case 1's PRK and info: the first 32 bytes of its OKM
    byte[] prk = java.util.HexFormat.of().parseHex("077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
    byte[] info = java.util.HexFormat.of().parseHex("f0f1f2f3f4f5f6f7f8f9");
    assertEquals("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf",
        java.util.HexFormat.of().formatHex(KmsV2Provider.derive(prk, info)));
  }

  private static String keyId(byte[] stored) {
    int n = "k8s:enc:kms:v2:myKms:".length();
    return KmsProto.decodeEncryptedObject(Arrays.copyOfRange(stored, n, stored.length)).keyId();
  }

  static EncryptionConfig load(Path dir, MockKmsV2Plugin plugin, String more) throws Exception {
    Path file = Files.writeString(Files.createTempFile(dir, "enc", ".yaml"), "apiVersion: apiserver.config.k8s.io/v1\n"
        + "kind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - kms:\n"
        + "      apiVersion: v2\n      name: myKms\n      endpoint: " + plugin.endpoint() + "\n" + more
        + "  - identity: {}\n");
    return EncryptionConfig.load(file);
  }
}
