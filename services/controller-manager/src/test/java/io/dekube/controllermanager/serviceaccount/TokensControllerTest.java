package io.dekube.controllermanager.serviceaccount;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.serviceaccount.TokenClaims;
import io.dekube.core.serviceaccount.TokenSigner;
import io.dekube.core.serviceaccount.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokensControllerTest {

  private static final String CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";
  private static final ServiceAccountKey KEY = ServiceAccountKey.generate();

  private final Fake fake = new Fake();
  private final ResourceType secretType = fake.store.type("secrets");
  private final ResourceType saType = fake.store.type("serviceaccounts");
  private final ResourceType nsType = fake.store.type("namespaces");
  private final ResourceType cmType = fake.store.type("configmaps");
  private final TokensController controller = new TokensController(fake.ctx, TokenSigner.of(KEY), CA);


  private ObjectNode tokenSecret(String name, String account) {
    ObjectNode s = Json.object().put("type", "kubernetes.io/service-account-token");
    Json.metadata(s).put("name", name).put("namespace", "x").putObject("annotations")
        .put("kubernetes.io/service-account.name", account);
    return s;
  }

  private static String decoded(ObjectNode secret, String key) {
    return new String(Base64.getDecoder().decode(secret.path("data").path(key).asText()), StandardCharsets.UTF_8);
  }

  @Test
  void aTokenSecretIsFilledWithALegacyTokenTheCaAndTheNamespace() {
    fake.store.put(saType, ServiceAccountsControllerTest.account("x", "builder"));
    fake.store.put(secretType, tokenSecret("builder-token", "builder"));
    done(controller.sync(new ObjectKey("x", "builder-token")));
    ObjectNode s = fake.store.object(secretType, "x", "builder-token");
    assertEquals(CA, decoded(s, "ca.crt"));
    assertEquals("x", decoded(s, "namespace"));
    assertEquals("uid-builder", s.path("metadata").path("annotations").path("kubernetes.io/service-account.uid").asText());
    TokenClaims c = assertInstanceOf(TokenVerifier.Valid.class,
        TokenVerifier.of(KEY.publicKey()).verify(decoded(s, "token"), Instant.now())).claims();
    assertEquals("system:serviceaccount:x:builder", c.subject());
    assertEquals("builder-token", c.secret().name());
    fake.clearWritesForDebug();
    done(controller.sync(new ObjectKey("x", "builder-token")));
    assertEquals(List.of(), fake.writes(), "a filled secret is left alone");
  }

  @Test
  void otherSecretsAreLeftAlone() {
    ObjectNode opaque = tokenSecret("plain", "builder").put("type", "Opaque");
    fake.store.put(secretType, opaque);
    done(controller.sync(new ObjectKey("x", "plain")));
    assertEquals(List.of(), fake.writes());
  }

  @Test
  void aSecretOfAMissingOrRecreatedAccountIsDeleted() {
    fake.store.put(secretType, tokenSecret("orphan", "nobody"));
    done(controller.sync(new ObjectKey("x", "orphan")));
    assertNull(fake.store.object(secretType, "x", "orphan"));
    fake.store.put(saType, ServiceAccountsControllerTest.account("x", "builder"));
    ObjectNode stale = tokenSecret("stale", "builder");
    ((ObjectNode) stale.path("metadata").path("annotations")).put("kubernetes.io/service-account.uid", "old-uid");
    fake.store.put(secretType, stale);
    done(controller.sync(new ObjectKey("x", "stale")));
    assertNull(fake.store.object(secretType, "x", "stale"));
  }

  @Test
  void theRootCaIsPublishedInActiveNamespacesAndPutRight() {
    RootCaPublisher publisher = new RootCaPublisher(fake.ctx, CA);
    fake.store.put(nsType, ServiceAccountsControllerTest.namespace("x", ns -> { }));
    done(publisher.sync(new ObjectKey("", "x")));
    ObjectNode cm = fake.store.object(cmType, "x", "kube-root-ca.crt");
    assertEquals(CA, cm.path("data").path("ca.crt").asText());
    ObjectNode edited = cm.deepCopy();
    ((ObjectNode) edited.path("data")).put("ca.crt", "tampered").put("extra", "1");
    done(fake.store.update(cmType, edited, io.dekube.core.store.WriteOptions.none()));
    done(publisher.sync(new ObjectKey("", "x")));
    assertEquals(Json.object().put("ca.crt", CA), fake.store.object(cmType, "x", "kube-root-ca.crt").path("data"));
    fake.store.put(nsType, ServiceAccountsControllerTest.namespace("y",
        ns -> Json.metadata(ns).put("deletionTimestamp", "2026-01-01T00:00:00Z")));
    done(publisher.sync(new ObjectKey("", "y")));
    assertNull(fake.store.object(cmType, "y", "kube-root-ca.crt"));
  }
}
