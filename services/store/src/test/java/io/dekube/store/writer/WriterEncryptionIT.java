package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.encryption.EncryptionConfig;
import io.dekube.core.encryption.KmsV2Provider;
import io.dekube.core.encryption.MockKmsV2Plugin;
import io.dekube.core.encryption.StoreEncryption;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerOptions;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube's tasks "Encrypting Confidential Data at Rest" and "Decrypt Confidential Data that is Already Encrypted at
 * Rest" on the store: a Secret written after the configuration is on its topic with kube's prefix, and read in clear
 * by the writer and by an informer; an unchanged update (what {@code kubectl replace} sends) re-encrypts a value read
 * by another provider or key; the rotation steps of kube's page; a value no provider reads gives kube's errors; and
 * identity first writes values in clear again. Each step restarts the writer with the new file, as kube's task
 * restarts kube-apiserver.
 */
@WithKafka
class WriterEncryptionIT {

  private static final ResourceType SECRETS = ResourceRegistry.builtIn().byResourceName("secrets").orElseThrow();
  private static final String KEY1 = "c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Pz8/Pz8=";
  private static final String KEY2 = "dGhpcyBpcyBwYXNzd29yZA==";
  private static final String NS = "enc-" + UUID.randomUUID().toString().substring(0, 8);

  private Vertx vertx;
  private String writer;
  private List<StoreClient> clients;

  @AfterAll
  static void clear() {
    StoreEncryption.install(null);
  }

  @Test
  void secretsAreEncryptedAtRestAndTheKeysRotateAsKubesTaskSays(@KafkaBootstrap String bootstrap, @TempDir Path dir)
      throws Exception {
    WriterItSupport.ensureTopics(bootstrap);
    vertx = Vertx.vertx();
    clients = WriterItSupport.clients(vertx, bootstrap, 1, "enc-" + UUID.randomUUID());
    StoreClient client = clients.get(0);
    try {
      // before: kept in clear
      restart(bootstrap, null);
      create(client, "before");
      assertEquals('{', raw(bootstrap, "before")[0]);

      // aescbc first, identity after it to read what was written before
      restart(bootstrap, config(dir, "  - aescbc:\n      keys:\n      - {name: key1, secret: " + KEY1 + "}\n"
          + "  - identity: {}\n"));
      create(client, "after");
      create(client, "stays");
      byte[] stored = raw(bootstrap, "after");
      assertTrue(text(stored).startsWith("k8s:enc:aescbc:v1:key1:"), text(stored));
      assertFalse(text(stored).contains("c2VjcmV0"), "the data is not in clear");
      assertEquals("c2VjcmV0", await(client.get(SECRETS, NS, "after")).path("data").path("password").asText());
      // kubectl replace: the same object again is written again, encrypted
      replaceUnchanged(client, "before");
      assertTrue(text(raw(bootstrap, "before")).startsWith("k8s:enc:aescbc:v1:key1:"));
      assertTrue(Metrics().contains("transformer_prefix=\"k8s:enc:aescbc:v1:\""), "kube's transformation counter");

      // rotation: the new key first, the old one second; replace all
      restart(bootstrap, config(dir, "  - aescbc:\n      keys:\n      - {name: key2, secret: " + KEY2 + "}\n"
          + "      - {name: key1, secret: " + KEY1 + "}\n"));
      replaceUnchanged(client, "before");
      replaceUnchanged(client, "after");
      assertTrue(text(raw(bootstrap, "after")).startsWith("k8s:enc:aescbc:v1:key2:"));

      // the old key removed: what was not replaced cannot be read, with kube's words, and nothing crashes
      restart(bootstrap, config(dir, "  - aescbc:\n      keys:\n      - {name: key2, secret: " + KEY2 + "}\n"));
      assertEquals("c2VjcmV0", await(client.get(SECRETS, NS, "after")).path("data").path("password").asText());
      StatusException e = assertThrows(StatusException.class, () -> await(client.get(SECRETS, NS, "stays")));
      assertEquals(500, e.code());
      assertEquals("Internal error occurred: no matching key was found for the provided AES transformer",
          e.getMessage());
      Informer informer = Informer.create(vertx, bootstrap, SECRETS, InformerOptions.defaults());
      try {
        await(informer.start());
        assertEquals("c2VjcmV0", informer.get(NS, "after").path("data").path("password").asText());
        assertEquals("unable to transform key \"/registry/secrets/" + NS + "/stays\": no matching key was found "
            + "for the provided AES transformer", informer.unreadable(new ObjectKey(NS, "stays")).listMessage());
        assertNull(informer.unreadable(new ObjectKey(NS, "after")));
      } finally {
        await(informer.close());
      }

      // decrypt: identity first, replace all
      restart(bootstrap, config(dir, "  - identity: {}\n  - aescbc:\n      keys:\n      - {name: key2, secret: "
          + KEY2 + "}\n"));
      replaceUnchanged(client, "after");
      assertEquals('{', raw(bootstrap, "after")[0]);

      // no configuration at all: an encrypted value is refused by kube's encrypt-check identity
      restart(bootstrap, null);
      assertEquals("Internal error occurred: identity transformer tried to read encrypted data", assertThrows(
          StatusException.class, () -> await(client.get(SECRETS, NS, "before"))).getMessage());
      assertEquals("c2VjcmV0", await(client.get(SECRETS, NS, "after")).path("data").path("password").asText());
    } finally {
      WriterItSupport.close(clients, vertx);
    }
  }

  /**
   * "Using a KMS provider for data encryption" with a KMS v2 plugin on a unix socket: values stored as kube's
   * {@code k8s:enc:kms:v2:<name>:} envelope, read back, decrypted once by another process; a new key id of the plugin
   * gives a new seed and an unchanged update re-encrypts; a key the plugin dropped, and the plugin down, give kube's
   * errors and a failing health check, until it is back.
   */
  @Test
  void aKmsV2PluginEncryptsRotatesAndFailsAsKubeWhileItIsDown(@KafkaBootstrap String bootstrap, @TempDir Path dir)
      throws Exception {
    KmsV2Provider.use(new KmsV2Provider.Intervals(Duration.ofMillis(100), Duration.ofMillis(100),
        Duration.ofMillis(500), Duration.ofMillis(200), Duration.ofMinutes(3)));
    WriterItSupport.ensureTopics(bootstrap);
    vertx = Vertx.vertx();
    clients = WriterItSupport.clients(vertx, bootstrap, 1, "kms-" + UUID.randomUUID());
    StoreClient client = clients.get(0);
    String ns = "kms-" + UUID.randomUUID().toString().substring(0, 8);
    try (MockKmsV2Plugin plugin = new MockKmsV2Plugin(dir.resolve("kms.sock"), "key-1")) {
      String providers = "  - kms:\n      apiVersion: v2\n      name: myKms\n      endpoint: " + plugin.endpoint()
          + "\n      timeout: 3s\n  - identity: {}\n"; // kube's default: 1s was missed by a cold JVM's first decrypt in CI
      restart(bootstrap, config(dir, providers));
      create(client, ns, "a");
      create(client, ns, "b");
      byte[] stored = raw(bootstrap, ns, "a");
      assertTrue(text(stored).startsWith("k8s:enc:kms:v2:myKms:"), text(stored));
      assertTrue(text(stored).contains("key-1"), "the plugin's key id is stored with the value");
      assertFalse(text(stored).contains("c2VjcmV0"), "the data is not in clear");
      assertEquals("c2VjcmV0", await(client.get(SECRETS, ns, "a")).path("data").path("password").asText());

      // another process (a restart): the seed is decrypted by the plugin, then cached
      int decrypts = plugin.decrypts.get();
      restart(bootstrap, config(dir, providers));
      assertEquals("c2VjcmV0", await(client.get(SECRETS, ns, "a")).path("data").path("password").asText());
      assertTrue(plugin.decrypts.get() > decrypts, "the seed was decrypted by the plugin");

      // the plugin's key id changes: new writes use a new seed, an unchanged update re-encrypts
      plugin.rotate("key-2");
      java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
        String name = "r" + n.incrementAndGet();
        create(client, ns, name);
        return text(raw(bootstrap, ns, name)).contains("key-2");
      });
      replaceUnchanged(client, ns, "a");
      assertTrue(text(raw(bootstrap, ns, "a")).contains("key-2"));

      // the old key dropped by the plugin: a process that has not seen its seed cannot read "b", in kube's words
      plugin.forget("key-1");
      restart(bootstrap, config(dir, providers));
      assertEquals("c2VjcmV0", await(client.get(SECRETS, ns, "a")).path("data").path("password").asText());
      StatusException gone = assertThrows(StatusException.class, () -> await(client.get(SECRETS, ns, "b")));
      assertEquals(500, gone.code());
      assertEquals("Internal error occurred: failed to decrypt DEK, error: rpc error: code = Unknown desc = key "
          + "key-1 not found", gone.getMessage());

      // the plugin down from the start: no seed, so no write; kube's health check says why
      plugin.stop();
      restart(bootstrap, config(dir, providers));
      StatusException down = assertThrows(StatusException.class, () -> create(client, ns, "c"));
      assertEquals(500, down.code());
      assertEquals("Internal error occurred: got unexpected nil transformer", down.getMessage());
      String unhealthy = "kms-provider-0: failed to perform status section of the healthz check for KMS Provider "
          + "myKms, error: rpc error: code = DeadlineExceeded desc = context deadline exceeded";
      // the probe fails once its call waited out the timeout
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> StoreEncryption.kmsHealth() != null);
      assertEquals(unhealthy, StoreEncryption.kmsHealth());

      // back: the probe gets a seed, writes and reads work again
      plugin.start();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> StoreEncryption.kmsHealth() == null);
      create(client, ns, "c");
      assertTrue(text(raw(bootstrap, ns, "c")).startsWith("k8s:enc:kms:v2:myKms:"));
      assertEquals("c2VjcmV0", await(client.get(SECRETS, ns, "c")).path("data").path("password").asText());
      // what could not be read while the plugin was down is read again
      assertEquals("c2VjcmV0", await(client.get(SECRETS, ns, "a")).path("data").path("password").asText());
      assertTrue(Metrics().contains("apiserver_envelope_encryption_key_id_hash_total{"), "kube's key id metric");
    } finally {
      KmsV2Provider.use(KmsV2Provider.Intervals.KUBE);
      WriterItSupport.close(clients, vertx);
      StoreEncryption.install(null);
    }
  }

  private static String Metrics() {
    return io.dekube.core.metrics.Metrics.scrape();
  }

  /** Stops the writer (if any), installs the configuration (none for null) and starts a writer that rebuilds. */
  private void restart(String bootstrap, EncryptionConfig config) throws Exception {
    if (writer != null) {
      await(vertx.undeploy(writer));
    }
    StoreEncryption.install(config);
    writer = await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "enc"),
        ResourceRegistry.builtIn(), new BasicAdmission().andThen(new KubernetesAdmission()))));
  }

  private static EncryptionConfig config(Path dir, String providers) throws Exception {
    Path file = Files.writeString(dir.resolve("enc-" + UUID.randomUUID() + ".yaml"), "apiVersion: "
        + "apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n"
        + "  providers:\n" + providers);
    return EncryptionConfig.load(file);
  }

  private static void create(StoreClient client, String name) throws Exception {
    create(client, NS, name);
  }

  /** Creates Secret {@code ns/name} with data {@code password: c2VjcmV0}. */
  static void create(StoreClient client, String ns, String name) throws Exception {
    ObjectNode s = Json.object().put("apiVersion", "v1").put("kind", "Secret");
    s.putObject("metadata").put("name", name).put("namespace", ns);
    s.putObject("data").put("password", "c2VjcmV0");
    await(client.create(SECRETS, ns, s, WriteOptions.none()));
  }

  private static void replaceUnchanged(StoreClient client, String name) throws Exception {
    replaceUnchanged(client, NS, name);
  }

  /** What {@code kubectl replace} sends for an unchanged Secret; a value read by an older key is written again. */
  static void replaceUnchanged(StoreClient client, String ns, String name) throws Exception {
    ObjectNode current = await(client.get(SECRETS, ns, name));
    ObjectNode replaced = await(client.update(SECRETS, current, WriteOptions.none()));
    assertNotEquals(current.path("metadata").path("resourceVersion").asText(),
        replaced.path("metadata").path("resourceVersion").asText(), "a stale value is written again");
  }

  private static byte[] raw(String bootstrap, String name) {
    return raw(bootstrap, NS, name);
  }

  /** The last value of the secret's store record, as it lies on the topic (dekube's etcdctl get). */
  static byte[] raw(String bootstrap, String ns, String name) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
    config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config)) {
      TopicPartition tp = new TopicPartition(SECRETS.storeTopic(), 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      byte[] last = null;
      while (c.position(tp) < end) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          if ((ns + "/" + name).equals(r.key())) {
            last = r.value();
          }
        }
      }
      return last;
    }
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }
}
