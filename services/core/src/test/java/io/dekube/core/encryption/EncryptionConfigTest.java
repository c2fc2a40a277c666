package io.dekube.core.encryption;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EncryptionConfigTest {

  static final String KEY1 = "c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Pz8/Pz8="; // 32 bytes
  static final String KEY2 = "dGhpcyBpcyBwYXNzd29yZA=="; // 16 bytes
  private static final byte[] JSON = "{\"kind\":\"Secret\",\"metadata\":{\"name\":\"s1\"}}".getBytes(StandardCharsets.UTF_8);

  static EncryptionConfig config(String yaml) throws Exception {
    return EncryptionConfig.parse(Json.YAML.readTree(yaml));
  }

  static String providers(String resources, String providers) {
    return "apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: "
        + resources + "\n  providers:\n" + providers;
  }

  private static String text(byte[] b) {
    return new String(b, StandardCharsets.ISO_8859_1);
  }

  @Test
  void eachProviderWritesKubesPrefixAndReadsItBack() throws Exception {
    for (String p : new String[] {"aescbc", "aesgcm", "secretbox"}) {
      EncryptionConfig c = config(providers("[secrets]", "  - " + p + ":\n      keys:\n      - {name: key1, secret: "
          + KEY1 + "}\n  - identity: {}\n"));
      ValueTransformer t = c.transformer("", "secrets");
      byte[] stored = StoreEncryption.write(t, "secrets", "default/s1", JSON);
      assertTrue(text(stored).startsWith("k8s:enc:" + p + ":v1:key1:"), text(stored));
      assertFalse(text(stored).contains("Secret"));
      ValueTransformer.Read r = StoreEncryption.read(t, "secrets", "default/s1", stored);
      assertArrayEquals(JSON, r.data());
      assertFalse(r.stale());
      // clear values written before are read by identity, and are stale: a write encrypts them
      ValueTransformer.Read clear = StoreEncryption.read(t, "secrets", "default/s1", JSON);
      assertArrayEquals(JSON, clear.data());
      assertTrue(clear.stale());
    }
  }

  @Test
  void aesgcmBindsTheValueToItsStoragePath() throws Exception {
    ValueTransformer t = config(providers("[secrets]", "  - aesgcm:\n      keys:\n      - {name: k, secret: " + KEY2
        + "}\n")).transformer("", "secrets");
    byte[] stored = StoreEncryption.write(t, "secrets", "default/s1", JSON);
    var e = assertThrows(ValueTransformer.TransformException.class,
        () -> StoreEncryption.read(t, "secrets", "default/s2", stored));
    assertEquals("cipher: message authentication failed", e.getMessage());
  }

  @Test
  void secretboxIsNaclsSecretbox() {
    byte[] key = new byte[32];
    byte[] nonce = new byte[24];
    byte[] message = new byte[64];
    Arrays.fill(key, (byte) 1);
    Arrays.fill(nonce, (byte) 2);
    Arrays.fill(message, (byte) 3);
    // the vector of NaCl's C implementation that Go's x/crypto/nacl/secretbox tests against
    assertEquals("8442bc313f4626f1359e3b50122b6ce6fe66ddfe7d39d14e637eb4fd5b45beadab55198df6ab5368439792a23c87db70acb6"
        + "156dc5ef957ac04f6276cf6093b84be77ff0849cc33e34b7254d5a8f65ad",
        HexFormat.of().formatHex(Providers.seal(key, nonce, message)));
  }

  @Test
  void readsFailWithKubesWords() throws Exception {
    EncryptionConfig rotated = config(providers("[secrets]", "  - aescbc:\n      keys:\n      - {name: key2, secret: "
        + KEY2 + "}\n"));
    EncryptionConfig old = config(providers("[secrets]", "  - aescbc:\n      keys:\n      - {name: key1, secret: "
        + KEY1 + "}\n"));
    byte[] stored = StoreEncryption.write(old.transformer("", "secrets"), "secrets", "default/s1", JSON);
    ValueTransformer t = rotated.transformer("", "secrets");
    assertEquals("no matching key was found for the provided AES transformer", assertThrows(
        ValueTransformer.TransformException.class, () -> StoreEncryption.read(t, "secrets", "default/s1", stored))
        .getMessage());
    assertEquals("no matching prefix found", assertThrows(ValueTransformer.TransformException.class,
        () -> StoreEncryption.read(t, "secrets", "default/s1", JSON)).getMessage());
    // a resource no entry names is read by kube's encrypt-check identity
    assertEquals("identity transformer tried to read encrypted data", assertThrows(
        ValueTransformer.TransformException.class, () -> StoreEncryption.read(null, "secrets", "default/s1", stored))
        .getMessage());
    // identity first: clear values are read, encrypted ones fall through to the provider after it
    ValueTransformer decrypting = config(providers("[secrets]", "  - identity: {}\n  - aescbc:\n      keys:\n"
        + "      - {name: key1, secret: " + KEY1 + "}\n")).transformer("", "secrets");
    ValueTransformer.Read r = StoreEncryption.read(decrypting, "secrets", "default/s1", stored);
    assertArrayEquals(JSON, r.data());
    assertTrue(r.stale());
    assertArrayEquals(JSON, StoreEncryption.write(decrypting, "secrets", "default/s1", JSON));
  }

  @Test
  void resourcesMatchByNameThenGroupThenAll() throws Exception {
    String aes = "  - aescbc:\n      keys:\n      - {name: k, secret: " + KEY2 + "}\n";
    EncryptionConfig c = config("apiVersion: apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n"
        + "- resources: [secrets, widgets.example.com]\n  providers:\n" + aes
        + "- resources: ['*.apps']\n  providers:\n  - identity: {}\n"
        + "- resources: ['*.*']\n  providers:\n  - secretbox:\n      keys:\n      - {name: k, secret: " + KEY1 + "}\n");
    assertTrue(text(c.transformer("", "secrets").toStorage(JSON, new byte[0])).startsWith("k8s:enc:aescbc:v1:k:"));
    assertTrue(text(c.transformer("example.com", "widgets").toStorage(JSON, new byte[0])).startsWith("k8s:enc:aescbc"));
    assertArrayEquals(JSON, c.transformer("apps", "deployments").toStorage(JSON, new byte[0]));
    assertTrue(text(c.transformer("", "configmaps").toStorage(JSON, new byte[0])).startsWith("k8s:enc:secretbox:"));
    assertNull(config(providers("[secrets]", aes)).transformer("", "configmaps"));
    StoreEncryption.install(config(providers("[secrets]", aes)));
    try {
      assertNull(StoreEncryption.transformer("configmaps"));
      assertTrue(StoreEncryption.transformer("secrets") != null);
    } finally {
      StoreEncryption.install(null);
    }
  }

  @Test
  void badFilesFailWithKubesWords(@TempDir Path dir) throws Exception {
    assertEquals("error while parsing file: resources[0].providers[0].aescbc.keys[0].secret: Invalid value: "
        + "\"REDACTED\": secret is not of the expected length, got 8, expected one of [16 24 32]",
        bad(providers("[secrets]", "  - aescbc:\n      keys:\n      - {name: key1, secret: cGFzc3dvcmQ=}\n")));
    assertEquals("error while parsing file: resources[0].providers[0].secretbox.keys[0].secret: Invalid value: "
        + "\"REDACTED\": secret is not of the expected length, got 16, expected one of [32]",
        bad(providers("[secrets]", "  - secretbox:\n      keys:\n      - {name: k, secret: " + KEY2 + "}\n")));
    assertEquals("error while parsing file: [resources[0].providers[0].aesgcm.keys[0].name: Required value: name is a "
        + "mandatory field for a key, resources[0].providers[0].aesgcm.keys[0].secret: Invalid value: \"REDACTED\": "
        + "secrets must be base64 encoded]",
        bad(providers("[secrets]", "  - aesgcm:\n      keys:\n      - {secret: '%%%'}\n")));
    assertEquals("error while parsing file: resources[0].resources: Invalid value: []string{\"secrets\", \"*.\"}: "
        + "using overlapping resources such as 'secrets' and '*.' in the same resource list is not allowed as they "
        + "will be masked", bad(providers("[secrets, '*.']", "  - identity: {}\n")));
    assertEquals("error while parsing file: resources[0].resources[0]: Invalid value: \"*\": use '*.' to encrypt all "
        + "the resources from core API group or *.* to encrypt all resources", bad(providers("['*']",
        "  - identity: {}\n")));
    assertEquals("error while parsing file: resources[0].providers: Required value: at least one "
        + "resources[0].providers is required", bad(providers("[secrets]", "    []\n")));
    // kms: kube's checks of each field, in its order, and its refusal of v1 without the KMSv1 feature gate
    assertEquals("error while parsing file: [resources[0].providers[0].kms.name: Invalid value: \"a:b\": invalid "
        + "KMS provider name a:b, must not contain ':', resources[0].providers[0].kms.timeout: Invalid value: 0s: "
        + "timeout should be a positive value, resources[0].providers[0].kms.endpoint: Invalid value: "
        + "\"tcp://kms:80\": unsupported scheme \"tcp\" for KMS provider, only unix is supported, "
        + "resources[0].providers[0].kms.cachesize: Invalid value: 100: cachesize is not supported in v2]",
        bad(providers("[secrets]", "  - kms:\n      apiVersion: v2\n      name: a:b\n      timeout: 0s\n"
            + "      endpoint: tcp://kms:80\n      cachesize: 100\n")));
    assertEquals("error while parsing file: resources[0].providers[1].kms.name: Invalid value: \"k\": duplicate KMS "
        + "provider name k, names must be unique", bad(providers("[secrets]", "  - kms: {apiVersion: v2, name: k, "
        + "endpoint: 'unix:///tmp/a.sock'}\n  - kms: {apiVersion: v2, name: k, endpoint: 'unix:///tmp/b.sock'}\n")));
    assertEquals("error while parsing file: resources[0].providers[0].kms.apiVersion: Invalid value: \"v3\": "
        + "unsupported apiVersion apiVersion for KMS provider, only v1 and v2 are supported", bad(providers(
        "[secrets]", "  - kms: {apiVersion: v3, name: k, endpoint: 'unix:///tmp/a.sock'}\n")));
    assertEquals("error while building transformers: KMSv1 is deprecated and will only receive security updates "
        + "going forward. Use KMSv2 instead.  Set --feature-gates=KMSv1=true to use the deprecated KMSv1 feature.",
        bad(providers("[secrets]", "  - kms: {name: k, endpoint: 'unix:///tmp/a.sock'}\n")));
    assertEquals("/var/run/kms.sock", EncryptionValidation.socketPath("unix:///var/run/kms.sock"));
    assertEquals("@kms", EncryptionValidation.socketPath("unix:///@kms"));
    assertEquals("error opening encryption provider configuration file \"" + dir.resolve("none.yaml") + "\": open "
        + dir.resolve("none.yaml") + ": no such file or directory", assertThrows(IllegalArgumentException.class,
        () -> EncryptionConfig.load(dir.resolve("none.yaml"))).getMessage());
    Path good = Files.writeString(dir.resolve("enc.yaml"), providers("[secrets]", "  - identity: {}\n"));
    assertFalse(EncryptionConfig.load(good).isEmpty());
  }

  private static String bad(String yaml) {
    return assertThrows(IllegalArgumentException.class, () -> config(yaml)).getMessage();
  }
}
