package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.serviceaccount.IssuerOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube-apiserver's service account token flags on {@code up}, the {@code apiserver} command and a standalone
 * kubelet: kube's defaults, repeats, pflag's and kube's words, the help.
 */
class ServiceAccountFlagsTest {

  private static IssuerOptions options(String... args) {
    return ServiceAccountFlags.options(Flags.parse(List.of(args), Components.flags()));
  }

  private static String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> UpOptions.parse(List.of(args))).getMessage();
  }

  @Test
  void withoutFlagsKubeadmsIssuerIsTheAudience() {
    assertEquals(IssuerOptions.defaults(), options());
  }

  @Test
  void theFirstIssuerIssuesAllAreAcceptedAndTheAudiencesDefaultToThem() {
    IssuerOptions o = options("--service-account-issuer", "https://new.example", "--service-account-issuer=https://old"
        + ".example", "--service-account-max-token-expiration", "48h", "--service-account-extend-token-expiration=false",
        "--service-account-jwks-uri", "https://keys.example/jwks");
    assertEquals("https://new.example", o.issuer());
    assertEquals(List.of("https://new.example", "https://old.example"), o.issuers());
    assertEquals(o.issuers(), o.apiAudiences());
    assertEquals(Duration.ofHours(48), o.maxExpiration());
    assertEquals(false, o.extendExpiration());
    assertEquals("https://keys.example/jwks", o.jwksUri());
    assertEquals(List.of("api", "vault", "other"), options("--api-audiences", "api,vault", "--api-audiences", "other")
        .apiAudiences());
    // the issuers are a string array, as pflag's: a comma is part of one issuer (Go's url.Parse takes it, so kube does)
    assertEquals(List.of("https://a.example,https://b.example"),
        options("--service-account-issuer", "https://a.example,https://b.example").issuers());
  }

  @Test
  void badValuesStopTheStartInPflagsAndKubesWords() {
    assertEquals("service-account-issuer \"https://a.example\" is already specified",
        refused("--service-account-issuer", "https://a.example", "--service-account-issuer", "https://a.example"));
    assertEquals("the service-account-max-token-expiration must be between 1 hour and 2^32 seconds",
        refused("--service-account-max-token-expiration", "30m"));
    assertEquals("invalid argument \"a day\" for \"--service-account-max-token-expiration\" flag: time: invalid "
        + "duration \"a day\"", refused("--service-account-max-token-expiration", "a day"));
    assertEquals("service-account-jwks-uri requires https scheme, parsed as: http://keys.example/jwks",
        refused("--service-account-jwks-uri", "http://keys.example/jwks"));
    assertEquals("invalid argument \"maybe\" for \"--service-account-extend-token-expiration\" flag: "
        + "strconv.ParseBool: parsing \"maybe\": invalid syntax",
        refused("--service-account-extend-token-expiration=maybe"));
  }

  @Test
  void theHelpAndTheStandaloneKubeletNameThem() {
    String help = DekubeMain.help();
    for (Flag f : ServiceAccountFlags.FLAGS) {
      assertTrue(help.contains(f.name()), f.name());
      assertTrue(KubeletCommand.FLAGS.contains(f), f.name());
    }
  }
}
