package io.dekube.apiserver.codec.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Networking;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** What kubectl's typed clients (describe, the default for built-in kinds) read in protobuf. */
class ProtobufEncoderTest {

  private static final String INGRESS = "{apiVersion: networking.k8s.io/v1, kind: Ingress,"
      + " metadata: {name: kube-decon, namespace: kube-decon},"
      + " spec: {ingressClassName: dekube, rules: [{host: kube-decon.kubecon.carson-anderson.com, http: {paths: ["
      + "{path: /, pathType: Prefix, backend: {service: {name: kube-decon, port: {number: 80}}}}]}}]}}";

  @Test
  void anIngressRuleKeepsItsHttpPaths() throws Exception {
    ObjectNode ingress = (ObjectNode) Json.YAML.readTree(INGRESS);
    byte[] bytes = ProtobufEncoder.encode(ingress).orElseThrow();
    Runtime.Unknown unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(bytes, ProtobufDecoder.MAGIC.length,
        bytes.length));
    V1Networking.IngressRule rule = V1Networking.Ingress.parseFrom(unknown.getRaw()).getSpec().getRules(0);
    // IngressRuleValue is embedded (json:",inline"): kubectl describe printed "* * <default>" without it
    V1Networking.HTTPIngressPath path = rule.getIngressRuleValue().getHttp().getPaths(0);
    assertEquals("kube-decon", path.getBackend().getService().getName());
    assertEquals(80, path.getBackend().getService().getPort().getNumber());
    assertEquals(ingress.at("/spec/rules"), ProtobufDecoder.decode(bytes).at("/spec/rules"));
  }

  @Test
  void aWebhookConfigurationKeepsItsWebhooks() throws Exception {
    ObjectNode config = (ObjectNode) Json.YAML.readTree("{apiVersion: admissionregistration.k8s.io/v1, kind: "
        + "ValidatingWebhookConfiguration, metadata: {name: c}, webhooks: [{name: a.dekube.io, clientConfig: {service: "
        + "{namespace: ns, name: svc, port: 443}}, rules: [{operations: [CREATE], apiGroups: [''], apiVersions: [v1], "
        + "resources: [pods], scope: '*'}], sideEffects: None, admissionReviewVersions: [v1]}]}");
    byte[] bytes = ProtobufEncoder.encode(config).orElseThrow();
    Runtime.Unknown unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(bytes, ProtobufDecoder.MAGIC.length,
        bytes.length));
    // kube's proto names the field after the Go one, "Webhooks"; its JSON name is "webhooks"
    V1Admissionregistration.ValidatingWebhook hook = V1Admissionregistration.ValidatingWebhookConfiguration
        .parseFrom(unknown.getRaw()).getWebhooks(0);
    assertEquals("a.dekube.io", hook.getName());
    assertEquals("pods", hook.getRules(0).getRule().getResources(0));
    assertEquals(config, ProtobufDecoder.decode(bytes));
  }

  @Test
  void anEventsK8sIoEventUsesKubesFieldNumbers() throws Exception {
    ObjectNode event = (ObjectNode) Json.YAML.readTree("{apiVersion: events.k8s.io/v1, kind: Event, metadata: "
        + "{name: probe.1, namespace: default}, eventTime: '2026-12-06T04:00:00.123456Z', reportingController: "
        + "example.com/prober, reportingInstance: prober-1, action: Probing, reason: ProbeFailed, type: Warning, "
        + "note: the probe failed, regarding: {kind: Pod, namespace: default, name: web-0}, "
        + "series: {count: 3, lastObservedTime: '2026-12-06T04:01:00.000001Z'}, deprecatedCount: 2}");
    byte[] bytes = ProtobufEncoder.encode(event).orElseThrow();
    Runtime.Unknown unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(bytes, ProtobufDecoder.MAGIC.length,
        bytes.length));
    // read back with the field numbers of k8s.io/api/events/v1/generated.proto: 10 note, 8 regarding, 4 controller
    com.google.protobuf.UnknownFieldSet fields = com.google.protobuf.UnknownFieldSet.parseFrom(unknown.getRaw());
    assertEquals("the probe failed", fields.getField(10).getLengthDelimitedList().get(0).toStringUtf8());
    assertEquals("example.com/prober", fields.getField(4).getLengthDelimitedList().get(0).toStringUtf8());
    io.kubernetes.client.proto.V1.ObjectReference regarding = io.kubernetes.client.proto.V1.ObjectReference
        .parseFrom(fields.getField(8).getLengthDelimitedList().get(0));
    assertEquals("web-0", regarding.getName());
    assertEquals(2, fields.getField(15).getVarintList().get(0));
    assertEquals(event, ProtobufDecoder.decode(bytes));
  }
}
