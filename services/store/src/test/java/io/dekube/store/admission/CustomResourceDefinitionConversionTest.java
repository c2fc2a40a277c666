package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import io.dekube.core.pki.CertificateIssuer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** A CRD's {@code spec.conversion}, defaulted and validated in kube-apiextensions-apiserver's words. */
class CustomResourceDefinitionConversionTest {

  private static final String CRDS = "customresourcedefinitions.apiextensions.k8s.io";
  private static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: crontabs.stable.example.com}
      spec:
        group: stable.example.com
        scope: Namespaced
        names: {plural: crontabs, kind: CronTab}
        versions:
        - {name: v1beta1, served: true, storage: false, schema: {openAPIV3Schema: {type: object}}}
        - {name: v1, served: true, storage: true, schema: {openAPIV3Schema: {type: object}}}
        conversion: %s
      """;

  private static final String PREFIX =
      "CustomResourceDefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" is invalid: ";

  private static String invalid(String conversion) {
    StatusException e = assertThrows(StatusException.class, () -> create(CRDS, CRD.formatted(conversion)));
    assertEquals(422, e.code());
    return e.getMessage();
  }

  @Test
  void aServiceWebhookIsDefaultedToPort443() throws Exception {
    String ca = Base64.getEncoder().encodeToString(new CertificateIssuer().newCa("conversion-ca").certificatePem()
        .getBytes(StandardCharsets.UTF_8));
    ObjectNode crd = create(CRDS, CRD.formatted("{strategy: Webhook, webhook: {conversionReviewVersions: [v1, v1beta1], "
        + "clientConfig: {caBundle: '" + ca + "', service: {namespace: default, name: example-conversion-webhook-server, "
        + "path: /crdconvert}}}}"));
    assertEquals(443, crd.at("/spec/conversion/webhook/clientConfig/service/port").asInt());
    assertEquals("None", create(CRDS, CRD.formatted("{}")).at("/spec/conversion/strategy").asText());
  }

  @Test
  void aWebhookNeedsAClientConfigAndReviewVersionsKubeSpeaks() {
    assertEquals(PREFIX + "[spec.conversion.webhookClientConfig: Required value: required when strategy is set to "
        + "Webhook, spec.conversion.conversionReviewVersions: Required value]", invalid("{strategy: Webhook}"));
    assertEquals(PREFIX + "spec.conversion.conversionReviewVersions: Invalid value: []string{\"v2\"}: must include at "
        + "least one of v1, v1beta1", invalid("{strategy: Webhook, webhook: {conversionReviewVersions: [v2], "
        + "clientConfig: {url: 'https://convert.example.com/x'}}}"));
    assertEquals(PREFIX + "spec.conversion.conversionReviewVersions[1]: Invalid value: \"v1\": duplicate version",
        invalid("{strategy: Webhook, webhook: {conversionReviewVersions: [v1, v1], "
            + "clientConfig: {url: 'https://convert.example.com/x'}}}"));
    assertEquals(PREFIX + "spec.conversion.webhookClientConfig: Required value: exactly one of url or service is "
        + "required", invalid("{strategy: Webhook, webhook: {conversionReviewVersions: [v1], clientConfig: {}}}"));
    assertEquals(PREFIX + "spec.conversion.webhookClientConfig.url: Invalid value: \"http\": 'https' is the only "
        + "allowed URL scheme; desired format: https://host[/path]", invalid("{strategy: Webhook, webhook: "
        + "{conversionReviewVersions: [v1], clientConfig: {url: 'http://convert.example.com/x'}}}"));
    assertEquals(PREFIX + "[spec.conversion.webhookClientConfig.service.name: Required value: service name is "
        + "required, spec.conversion.webhookClientConfig.service.port: Invalid value: 0: port is not valid: must be "
        + "between 1 and 65535, inclusive]", invalid("{strategy: Webhook, webhook: {conversionReviewVersions: [v1], "
        + "clientConfig: {service: {namespace: default, port: 0}}}}"));
    assertEquals(PREFIX + "spec.conversion.webhookClientConfig.caBundle: Invalid value: []byte{0x6e, 0x6f}: data "
        + "does not contain any valid RSA or ECDSA certificates", invalid("{strategy: Webhook, webhook: "
        + "{conversionReviewVersions: [v1], clientConfig: {caBundle: bm8=, url: 'https://convert.example.com'}}}"));
  }

  @Test
  void noneMustNotNameAWebhookAndOtherStrategiesAreNotSupported() {
    assertEquals(PREFIX + "[spec.conversion.webhookClientConfig: Forbidden: should not be set when strategy is not "
        + "set to Webhook, spec.conversion.conversionReviewVersions: Forbidden: should not be set when strategy is not "
        + "set to Webhook]", invalid("{strategy: None, webhook: {conversionReviewVersions: [v1], "
        + "clientConfig: {url: 'https://convert.example.com'}}}"));
    assertEquals(PREFIX + "spec.conversion.strategy: Unsupported value: \"Magic\": supported values: \"None\", "
        + "\"Webhook\"", invalid("{strategy: Magic}"));
  }
}
