package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.encryption.EncryptionConfig;
import io.dekube.core.encryption.StoreEncryption;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerOptions;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube's key rotation with {@code --encryption-provider-config-automatic-reload}: every step of the task without a
 * restart. A running writer and a running informer use the file's new providers from their next record: the new
 * first key encrypts the next write and makes what the old one wrote stale (an unchanged replace writes it again),
 * a removed key makes its values unreadable with kube's error, a key given back makes them readable again.
 */
@WithKafka
class WriterEncryptionReloadIT {

  private static final ResourceType SECRETS = ResourceRegistry.builtIn().byResourceName("secrets").orElseThrow();
  private static final String KEY1 = "c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Pz8/Pz8=";
  private static final String KEY2 = "dGhpcyBpcyBwYXNzd29yZA==";
  private static final String NS = "reload-" + UUID.randomUUID().toString().substring(0, 8);

  @AfterAll
  static void clear() {
    StoreEncryption.install(null);
  }

  @Test
  void keysRotateWithoutARestart(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
    WriterItSupport.ensureTopics(bootstrap);
    Path file = dir.resolve("enc.yaml");
    Files.writeString(file, config("      - {name: key1, secret: " + KEY1 + "}\n  - identity: {}\n"));
    StoreEncryption.installReloading(file, Duration.ofMillis(50));
    Vertx vertx = Vertx.vertx();
    List<StoreClient> clients = WriterItSupport.clients(vertx, bootstrap, 1, "reload-" + UUID.randomUUID());
    StoreClient client = clients.get(0);
    Informer informer = null;
    try {
      await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "reload"),
          ResourceRegistry.builtIn(), new BasicAdmission().andThen(new KubernetesAdmission()))));
      informer = Informer.create(vertx, bootstrap, SECRETS, InformerOptions.defaults());
      await(informer.start());
      create(client, "a");
      create(client, "c");
      assertTrue(text(raw(bootstrap, "a")).startsWith("k8s:enc:aescbc:v1:key1:"));

      // key2 added first: the next write uses it, and `kubectl replace` writes key1's values again
      reload(file, "      - {name: key2, secret: " + KEY2 + "}\n      - {name: key1, secret: " + KEY1 + "}\n");
      replaceUnchanged(client, "a");
      assertTrue(text(raw(bootstrap, "a")).startsWith("k8s:enc:aescbc:v1:key2:"));

      // key1 removed: what it wrote cannot be read, with kube's words; the running informer reads key2's values
      reload(file, "      - {name: key2, secret: " + KEY2 + "}\n");
      StatusException e = assertThrows(StatusException.class, () -> await(client.get(SECRETS, NS, "c")));
      assertEquals("Internal error occurred: no matching key was found for the provided AES transformer",
          e.getMessage());
      create(client, "d");
      Informer running = informer;
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> running.get(NS, "d") != null);
      assertEquals("c2VjcmV0", running.get(NS, "d").path("data").path("password").asText());

      // key1 given back: readable again
      reload(file, "      - {name: key2, secret: " + KEY2 + "}\n      - {name: key1, secret: " + KEY1 + "}\n");
      assertEquals("c2VjcmV0", await(client.get(SECRETS, NS, "c")).path("data").path("password").asText());
    } finally {
      if (informer != null) {
        await(informer.close());
      }
      WriterItSupport.close(clients, vertx);
      StoreEncryption.install(null);
    }
  }

  /** Writes the file and waits until the reloader installed it. */
  private static void reload(Path file, String keys) throws Exception {
    EncryptionConfig before = StoreEncryption.config();
    Files.writeString(file, config(keys));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> StoreEncryption.config() != before);
  }

  private static String config(String keys) {
    return "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n"
        + "  providers:\n  - aescbc:\n      keys:\n" + keys;
  }

  private static void create(StoreClient client, String name) throws Exception {
    WriterEncryptionIT.create(client, NS, name);
  }

  private static void replaceUnchanged(StoreClient client, String name) throws Exception {
    WriterEncryptionIT.replaceUnchanged(client, NS, name);
  }

  private static String text(byte[] b) {
    return WriterEncryptionIT.text(b);
  }

  private static byte[] raw(String bootstrap, String name) {
    return WriterEncryptionIT.raw(bootstrap, NS, name);
  }
}
