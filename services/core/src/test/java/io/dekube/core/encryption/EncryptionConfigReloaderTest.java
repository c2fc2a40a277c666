package io.dekube.core.encryption;

import static io.dekube.core.encryption.EncryptionConfigTest.KEY1;
import static io.dekube.core.encryption.EncryptionConfigTest.KEY2;
import static io.dekube.core.encryption.EncryptionConfigTest.providers;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.metrics.Metrics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --encryption-provider-config-automatic-reload}: a valid change of the file is used without a restart, a
 * bad one is counted, logged and kept out (the configuration in use stays), and kube's reload metrics count both.
 */
class EncryptionConfigReloaderTest {

  private static final byte[] JSON = "{\"kind\":\"Secret\"}".getBytes(StandardCharsets.UTF_8);
  private static final String K1 = providers("[secrets]", "  - aescbc:\n      keys:\n      - {name: key1, secret: "
      + KEY1 + "}\n");
  private static final String K2_K1 = providers("[secrets]", "  - aescbc:\n      keys:\n      - {name: key2, secret: "
      + KEY2 + "}\n      - {name: key1, secret: " + KEY1 + "}\n");

  @AfterEach
  void none() {
    StoreEncryption.install(null);
  }

  private static String written() throws Exception {
    return new String(StoreEncryption.write(StoreEncryption.transformer("secrets"), "secrets", "ns/s", JSON),
        StandardCharsets.ISO_8859_1);
  }

  @Test
  void aValidChangeIsUsedWithoutARestartAndABadOneIsKeptOut(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("enc.yaml"), K1);
    double success = metric("apiserver_encryption_config_controller_automatic_reload_success_total");
    double failures = metric("apiserver_encryption_config_controller_automatic_reload_failures_total");
    StoreEncryption.installReloading(file, Duration.ofMillis(20));
    assertTrue(StoreEncryption.reloading());
    assertTrue(written().startsWith("k8s:enc:aescbc:v1:key1:"), "loaded at start");
    byte[] byKey1 = StoreEncryption.write(StoreEncryption.transformer("secrets"), "secrets", "ns/s", JSON);

    // rotation step of kube's page, without the restart: key2 first is used for the next write
    Files.writeString(file, K2_K1);
    await().atMost(Duration.ofSeconds(10)).until(() -> written().startsWith("k8s:enc:aescbc:v1:key2:"));
    assertTrue(StoreEncryption.read(StoreEncryption.transformer("secrets"), "secrets", "ns/s", byKey1).stale());
    assertEquals(success + 1, metric("apiserver_encryption_config_controller_automatic_reload_success_total"));
    assertEquals(success + 1,
        metric("apiserver_encryption_config_controller_automatic_reloads_total{.*status=\"success\""));
    assertTrue(metric("apiserver_encryption_config_controller_automatic_reload_last_timestamp_seconds{.*status="
        + "\"success\"") > 1.7e9);

    // a bad file: counted as a failure, the configuration in use stays
    EncryptionConfig inUse = StoreEncryption.config();
    Files.writeString(file, K2_K1.replace(KEY2, "c2hvcnQ="));
    await().atMost(Duration.ofSeconds(10)).until(() -> metric(
        "apiserver_encryption_config_controller_automatic_reload_failures_total") > failures);
    assertTrue(metric("apiserver_encryption_config_controller_automatic_reloads_total{.*status=\"failure\"") > 0);
    assertSame(inUse, StoreEncryption.config());
    assertTrue(written().startsWith("k8s:enc:aescbc:v1:key2:"));

    // fixed: the next poll takes it
    Files.writeString(file, K1);
    await().atMost(Duration.ofSeconds(10)).until(() -> written().startsWith("k8s:enc:aescbc:v1:key1:"));
    assertEquals(success + 2, metric("apiserver_encryption_config_controller_automatic_reload_success_total"));

    // without the flag the file is read once: a change needs a restart
    StoreEncryption.install(EncryptionConfig.load(file));
    assertTrue(!StoreEncryption.reloading());
    EncryptionConfig loaded = StoreEncryption.config();
    Files.writeString(file, K2_K1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
        .until(() -> StoreEncryption.config() == loaded);
  }

  @Test
  void aBadFileAtStartStopsTheStartWithKubesWords(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("enc.yaml"), K1.replace(KEY1, "c2hvcnQ="));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> StoreEncryption.installReloading(file, Duration.ofMillis(20)));
    assertTrue(e.getMessage().contains("secret is not of the expected length, got 5, expected one of [16 24 32]"),
        e.getMessage());
    assertTrue(!StoreEncryption.reloading());
  }

  /** The value of the first series whose line matches {@code series} (a regex prefix), 0 when none. */
  private static double metric(String series) {
    Pattern p = Pattern.compile("^" + series.replace("{", "\\{") + (series.contains("{") ? ".*" : "(\\{.*\\})?")
        + " (\\S+)$", Pattern.MULTILINE);
    Matcher m = p.matcher(Metrics.scrape());
    return m.find() ? Double.parseDouble(m.group(m.groupCount())) : 0;
  }
}
