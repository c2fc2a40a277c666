package io.dekube.core.encryption;

import static io.dekube.core.encryption.EncryptionConfigTest.KEY1;
import static io.dekube.core.encryption.EncryptionConfigTest.KEY2;
import static io.dekube.core.encryption.EncryptionConfigTest.config;
import static io.dekube.core.encryption.EncryptionConfigTest.providers;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.RequestEnvelope;
import io.dekube.core.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BusEncryptionTest {

  private static final String AESCBC = providers("[secrets]", "  - aescbc:\n      keys:\n      - {name: key1, secret: "
      + KEY1 + "}\n  - identity: {}\n");

  @AfterEach
  void none() {
    StoreEncryption.install(null);
  }

  private static ObjectNode secret() {
    ObjectNode s = Json.object().put("apiVersion", "v1").put("kind", "Secret");
    s.putObject("metadata").put("name", "s1").put("namespace", "default");
    s.putObject("data").put("password", "aHVudGVyMg==");
    return s;
  }

  private static ObjectNode request(String resource, ObjectNode body) {
    return new RequestEnvelope("id-1", "req-1", "create", resource, "default", "s1", body, null, null).toJson();
  }

  @Test
  void anEncryptedResourcesBodyAndReplyTravelSealedAndOpenAgain() throws Exception {
    StoreEncryption.install(config(AESCBC));
    ObjectNode sealed = BusEncryption.sealRequest(request("secrets", secret()));
    assertFalse(sealed.has("body"));
    assertFalse(sealed.toString().contains("aHVudGVyMg"), sealed.toString());
    assertEquals("s1", sealed.path("name").asText(), "the routing fields stay in clear");
    String prefix = new String(Base64.getDecoder().decode(sealed.path(BusEncryption.SEALED).asText()),
        StandardCharsets.ISO_8859_1);
    assertTrue(prefix.startsWith("k8s:enc:aescbc:v1:key1:"), prefix);
    ObjectNode opened = BusEncryption.openRequest((ObjectNode) Json.MAPPER.readTree(sealed.toString()));
    assertEquals(secret(), opened.path("body"));
    assertFalse(opened.has(BusEncryption.SEALED));

    ObjectNode reply = BusEncryption.sealReply("secrets", new ReplyEnvelope("id-1", "req-1", 201, secret(), null)
        .toJson());
    assertFalse(reply.has("object"));
    assertEquals("secrets", reply.path("resource").asText());
    assertFalse(reply.toString().contains("aHVudGVyMg"));
    ReplyEnvelope back = ReplyEnvelope.fromJson(BusEncryption.openReply(reply));
    assertEquals(secret(), back.object());
    assertEquals(201, back.code());
  }

  @Test
  void otherResourcesAndIdentityFirstStayInClear() throws Exception {
    StoreEncryption.install(config(AESCBC));
    ObjectNode cm = secret().put("kind", "ConfigMap");
    assertEquals(cm, BusEncryption.sealRequest(request("configmaps", cm)).path("body"));
    assertTrue(BusEncryption.sealReply("configmaps", new ReplyEnvelope("id-1", "req-1", 200, cm, null).toJson())
        .has("object"));
    StoreEncryption.install(config(providers("[secrets]", "  - identity: {}\n  - aescbc:\n      keys:\n      - {name: "
        + "key1, secret: " + KEY1 + "}\n")));
    assertEquals(secret(), BusEncryption.sealRequest(request("secrets", secret())).path("body"));
  }

  @Test
  void anIngestRecordIsSealedForItsKeyAndOpensAgain() throws Exception {
    StoreEncryption.install(config(AESCBC));
    String text = "apiVersion: v1\nkind: Secret\nmetadata: {name: s1}\ndata: {password: aHVudGVyMg==}\n";
    String sealed = BusEncryption.sealIngest("secrets", "k1", text);
    assertFalse(sealed.contains("aHVudGVyMg"));
    assertEquals(text, BusEncryption.openIngest("secrets", "k1", sealed));
    assertEquals(null, BusEncryption.sealIngest("configmaps", "k1", text), "a resource kept in clear: as it is");
    StoreEncryption.install(null);
    assertEquals("identity transformer tried to read encrypted data", assertThrows(
        ValueTransformer.TransformException.class, () -> BusEncryption.openIngest("secrets", "k1", sealed))
        .getMessage());
  }

  @Test
  void aSealedPayloadNoProviderReadsFailsWithKubesWords() throws Exception {
    StoreEncryption.install(config(AESCBC));
    ObjectNode sealed = BusEncryption.sealRequest(request("secrets", secret()));
    StoreEncryption.install(config(providers("[secrets]", "  - aescbc:\n      keys:\n      - {name: key2, secret: "
        + KEY2 + "}\n")));
    assertEquals("no matching key was found for the provided AES transformer", assertThrows(
        ValueTransformer.TransformException.class, () -> BusEncryption.openRequest(sealed.deepCopy())).getMessage());
    StoreEncryption.install(null);
    assertEquals("identity transformer tried to read encrypted data", assertThrows(
        ValueTransformer.TransformException.class, () -> BusEncryption.openRequest(sealed.deepCopy())).getMessage());
    // bound to its request: moved under another id, aesgcm refuses it
    StoreEncryption.install(config(providers("[secrets]", "  - aesgcm:\n      keys:\n      - {name: k, secret: "
        + KEY2 + "}\n")));
    ObjectNode gcm = BusEncryption.sealRequest(request("secrets", secret()));
    gcm.put("id", "id-2");
    assertEquals("cipher: message authentication failed", assertThrows(ValueTransformer.TransformException.class,
        () -> BusEncryption.openRequest(gcm)).getMessage());
  }
}
