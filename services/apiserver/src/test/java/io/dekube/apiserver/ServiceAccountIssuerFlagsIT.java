package io.dekube.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.serviceaccount.IssuerOptions;
import io.dekube.core.serviceaccount.TokenSigner;
import io.dekube.kafka.WithKafka;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kube-apiserver's {@code --service-account-issuer} (twice), {@code --service-account-max-token-expiration} and
 * {@code --service-account-jwks-uri} with the real kubectl: the first issuer signs, both are accepted and are
 * the API audiences, a longer TokenRequest is shortened with kube's warning, discovery names the issuer and
 * the key set's URI.
 */
@WithKafka
class ServiceAccountIssuerFlagsIT {

  private static final String NEW = "https://issuer.dekube.example";
  private static final String OLD = "https://old-issuer.dekube.example";
  private static ApiServerFixture server;
  private static Path admin;
  private static Path anonymous;
  private static Kubectl kubectl;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(IssuerOptions.of(List.of(NEW, OLD), List.of(), Duration.ofHours(2), true,
        "https://keys.dekube.example/openid/v1/jwks"));
    Path work = Files.createDirectories(server.dir.resolve("flags"));
    admin = KubeconfigWriter.writeAdmin(server.pki, server.server(), work.resolve("admin.kubeconfig"));
    anonymous = work.resolve("token.kubeconfig");
    KubeconfigWriter.write(anonymous, new KubeconfigWriter(server.server(), server.pki.ca().certificate())
        .withToken("sa", "replaced-by-the-token-flag"));
    kubectl = new Kubectl(KubectlIT.findKubectl(), work);
    kubectl.ok(admin, "create", "namespace", "iss");
    kubectl.ok(admin, "-n", "iss", "create", "serviceaccount", "robot");
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static String claims(String token) {
    return new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
  }

  @Test
  void theFirstIssuerSignsWithinTheMaximumAndBothAreAccepted() throws Exception {
    Kubectl.Result r = kubectl.ok(admin, "-n", "iss", "create", "token", "robot", "--duration", "48h");
    assertTrue(r.err().contains("Warning: requested expiration of 172800 seconds shortened to 7200 seconds"), r.err());
    String token = r.out().trim();
    String claims = claims(token);
    assertTrue(claims.contains("\"iss\":\"" + NEW + "\"") && claims.contains("\"aud\":[\"" + NEW + "\",\"" + OLD
        + "\"]"), claims);
    long iat = Long.parseLong(claims.replaceAll("(?s).*\"iat\":(\\d+).*", "$1"));
    long exp = Long.parseLong(claims.replaceAll("(?s).*\"exp\":(\\d+).*", "$1"));
    assertEquals(7200, exp - iat);
    assertTrue(kubectl.ok(anonymous, "--token", token, "auth", "whoami").out().contains("system:serviceaccount:iss:robot"));

    String uid = kubectl.ok(admin, "-n", "iss", "get", "sa", "robot", "-o", "jsonpath={.metadata.uid}").out().trim();
    ServiceAccountKey key = ServiceAccountKey.loadOrCreate(server.config.pkiDirectory());
    TokenSigner.Binding robot = TokenSigner.Binding.account("iss", "robot", uid);
    String old = new TokenSigner(key, IssuerOptions.of(List.of(OLD), List.of(), Duration.ZERO, true, ""))
        .bound(robot, List.of(), 3600, Instant.now()).token();
    assertEquals(0, kubectl.run(anonymous, "--token", old, "auth", "whoami").exit(), "the second issuer is accepted");
    String kubeadm = TokenSigner.of(key).bound(robot, List.of(NEW), 3600, Instant.now()).token();
    assertTrue(kubectl.run(anonymous, "--token", kubeadm, "auth", "whoami").err().contains("Unauthorized"),
        "an issuer not given is not ours");
  }

  @Test
  void discoveryNamesTheIssuerAndTheKeySetsUri() throws Exception {
    String config = kubectl.ok(admin, "get", "--raw", "/.well-known/openid-configuration").out();
    assertTrue(config.contains("\"issuer\":\"" + NEW + "\"")
        && config.contains("\"jwks_uri\":\"https://keys.dekube.example/openid/v1/jwks\""), config);
  }
}
