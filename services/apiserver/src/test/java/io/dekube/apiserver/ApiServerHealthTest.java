package io.dekube.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dekube.apiserver.endpoints.HealthEndpoints;
import io.dekube.apiserver.endpoints.HealthEndpoints.Endpoint;
import io.dekube.core.encryption.StoreEncryption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kube-apiserver's {@code kms-providers} health check: with {@code --encryption-provider-config-automatic-reload} one
 * check for all KMS plugins (a no-op without any) on every endpoint after the store's checks, and the hook that starts the
 * reload controller; without the reload no such check, unless a KMS v2 provider is configured: then the check
 * names each failing plugin as kube does.
 */
class ApiServerHealthTest {

  @AfterEach
  void none() {
    StoreEncryption.install(null);
  }

  private static List<String> names(Endpoint e) {
    HealthEndpoints health = new HealthEndpoints();
    ApiServerHealth.register(health, () -> null, () -> false);
    return health.checks(e).stream().map(HealthEndpoints.Check::name).toList();
  }

  @Test
  void kmsProvidersIsCheckedWithTheAutomaticReload(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("enc.yaml"), "apiVersion: apiserver.config.k8s.io/v1\nkind: "
        + "EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - identity: {}\n");
    StoreEncryption.install(io.dekube.core.encryption.EncryptionConfig.load(file));
    for (Endpoint e : Endpoint.values()) {
      assertFalse(names(e).contains("kms-providers"), e + ": " + names(e));
    }
    StoreEncryption.installReloading(file, Duration.ofMinutes(1));
    for (Endpoint e : Endpoint.values()) {
      List<String> names = names(e);
      // kube's order: after etcd (and etcd-readiness on /readyz)
      String before = e == Endpoint.READYZ ? "etcd-readiness" : "etcd";
      assertEquals("kms-providers", names.get(names.indexOf(before) + 1), e + ": " + names);
      assertEquals("poststarthook/start-encryption-provider-config-automatic-reload",
          names.stream().filter(n -> n.startsWith("poststarthook/")).findFirst().orElseThrow());
    }
    HealthEndpoints health = new HealthEndpoints();
    ApiServerHealth.register(health, () -> null, () -> false);
    for (HealthEndpoints.Check c : health.checks(Endpoint.READYZ)) {
      if (c.name().equals("kms-providers") || c.name().endsWith("automatic-reload")) {
        assertNull(c.failure().get(), c.name());
      }
    }
  }

  @Test
  void kmsProvidersIsCheckedWithAKmsV2ProviderAndFailsWhileThePluginIsDown(@TempDir Path dir) throws Exception {
    io.dekube.core.encryption.KmsV2Provider.use(new io.dekube.core.encryption.KmsV2Provider.Intervals(
        Duration.ofMillis(100), Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(200),
        Duration.ofMinutes(3)));
    try (io.dekube.core.encryption.MockKmsV2Plugin plugin = new io.dekube.core.encryption.MockKmsV2Plugin(
        dir.resolve("kms.sock"), "key-1")) {
      Path file = Files.writeString(dir.resolve("enc.yaml"), "apiVersion: apiserver.config.k8s.io/v1\nkind: "
          + "EncryptionConfiguration\nresources:\n- resources: [secrets]\n  providers:\n  - kms:\n      apiVersion: v2\n"
          + "      name: myKms\n      endpoint: " + plugin.endpoint() + "\n      timeout: 2s\n");
      StoreEncryption.install(io.dekube.core.encryption.EncryptionConfig.load(file));
      HealthEndpoints health = new HealthEndpoints();
      ApiServerHealth.register(health, () -> null, () -> false);
      for (Endpoint e : Endpoint.values()) {
        List<String> names = health.checks(e).stream().map(HealthEndpoints.Check::name).toList();
        assertEquals("kms-providers", names.get(names.indexOf(e == Endpoint.READYZ ? "etcd-readiness" : "etcd") + 1),
            e + ": " + names);
        assertFalse(names.contains("poststarthook/start-encryption-provider-config-automatic-reload"), "no reload");
      }
      java.util.function.Supplier<String> check = health.checks(Endpoint.HEALTHZ).stream()
          .filter(c -> c.name().equals("kms-providers")).findFirst().orElseThrow().failure();
      assertNull(check.get());
      plugin.stop();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> ("kms-provider-0: failed to "
          + "perform status section of the healthz check for KMS Provider myKms, error: rpc error: code = "
          + "DeadlineExceeded desc = context deadline exceeded").equals(check.get()));
      plugin.start();
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> check.get() == null);
    } finally {
      io.dekube.core.encryption.KmsV2Provider.use(io.dekube.core.encryption.KmsV2Provider.Intervals.KUBE);
    }
  }
}
