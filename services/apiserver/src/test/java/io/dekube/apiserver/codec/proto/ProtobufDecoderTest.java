package io.dekube.apiserver.codec.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import org.junit.jupiter.api.Test;

class ProtobufDecoderTest {

  static byte[] resource(String name) throws Exception {
    try (InputStream in = ProtobufDecoderTest.class.getResourceAsStream("/proto/" + name)) {
      return in.readAllBytes();
    }
  }

  static JsonNode yaml(String s) throws Exception {
    return Json.YAML.readTree(s);
  }

  static byte[] wrap(String apiVersion, String kind, com.google.protobuf.Message m) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(ProtobufDecoder.MAGIC);
    Runtime.Unknown.newBuilder().setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(m.toByteString()).build().writeTo(out);
    return out.toByteArray();
  }

  @Test
  void kubectlCreateNamespace() throws Exception {
    assertEquals(yaml("{apiVersion: v1, kind: Namespace, metadata: {name: foo}, spec: {}, status: {}}"),
        ProtobufDecoder.decode(resource("namespace.pb")));
  }

  @Test
  void kubectlCreateConfigMap() throws Exception {
    assertEquals(yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: cfg}, data: {a: b}}"),
        ProtobufDecoder.decode(resource("configmap.pb")));
  }

  @Test
  void kubectlCreateSecretKeepsBytesAsBase64() throws Exception {
    assertEquals(yaml("{apiVersion: v1, kind: Secret, metadata: {name: s}, data: {k: dg==}}"),
        ProtobufDecoder.decode(resource("secret.pb")));
  }

  @Test
  void kubectlCreateDeploymentWithZeroReplicas() throws Exception {
    JsonNode d = ProtobufDecoder.decode(resource("deployment-replicas0.pb"));
    assertEquals("apps/v1", d.path("apiVersion").asText());
    assertEquals(0, d.at("/spec/replicas").asInt(-1));
    assertEquals("zero", d.at("/metadata/name").asText());
    assertEquals(yaml("{app: zero}"), d.at("/spec/selector/matchLabels"));
    assertEquals("nginx:1.25", d.at("/spec/template/spec/containers/0/image").asText());
    assertEquals(8080, d.at("/spec/template/spec/containers/0/ports/0/containerPort").asInt());
    assertEquals(yaml("{}"), d.at("/spec/template/spec/containers/0/resources"));
    assertEquals(true, d.at("/metadata/creationTimestamp").isMissingNode());
  }

  @Test
  void kubectlCreateServiceHasIntOrStringTargetPort() throws Exception {
    JsonNode s = ProtobufDecoder.decode(resource("service.pb"));
    assertEquals(8080, s.at("/spec/ports/0/targetPort").asInt());
    assertEquals(true, s.at("/spec/ports/0/targetPort").isInt());
    assertEquals("ClusterIP", s.at("/spec/type").asText());
  }

  @Test
  void messagesBuiltWithTheGeneratedClasses() throws Exception {
    V1Apps.Deployment d = V1Apps.Deployment.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("web").setNamespace("ns")
            .setCreationTimestamp(Meta.Time.newBuilder().setSeconds(1700000000)).putLabels("app", "web"))
        .setSpec(V1Apps.DeploymentSpec.newBuilder().setReplicas(3)
            .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                    .setMaxSurge(IntStr.IntOrString.newBuilder().setType(1).setStrVal("25%"))))
            .setTemplate(V1.PodTemplateSpec.newBuilder().setSpec(V1.PodSpec.newBuilder()
                .addContainers(V1.Container.newBuilder().setName("web").setImage("nginx")
                    .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", Resource.Quantity.newBuilder().setString("500m").build()))))))
        .build();
    JsonNode json = ProtobufDecoder.decode(wrap("apps/v1", "Deployment", d));
    assertEquals("2023-11-14T22:13:20Z", json.at("/metadata/creationTimestamp").asText());
    assertEquals("web", json.at("/metadata/labels/app").asText());
    assertEquals(3, json.at("/spec/replicas").asInt());
    assertEquals("25%", json.at("/spec/strategy/rollingUpdate/maxSurge").asText());
    assertEquals("500m", json.at("/spec/template/spec/containers/0/resources/limits/cpu").asText());
  }

  @Test
  void malformedBodiesAreBadRequests() throws Exception {
    for (byte[] body : new byte[][] {new byte[0], "{\"a\":1}".getBytes(), {'k', '8', 's', 0, (byte) 0xff, 0x01},
        wrap("v1", "NoSuchKind", V1.Namespace.getDefaultInstance())}) {
      StatusException e = assertThrows(StatusException.class, () -> ProtobufDecoder.decode(body));
      assertEquals(400, e.code());
      assertEquals("BadRequest", e.reason());
    }
    byte[] truncated = resource("deployment-replicas0.pb");
    StatusException e = assertThrows(StatusException.class,
        () -> ProtobufDecoder.decode(java.util.Arrays.copyOf(truncated, truncated.length - 7)));
    assertEquals(400, e.code());
  }

  @Test
  void goDurations() {
    assertEquals("1h0m0s", ProtoJson.goDuration(3_600_000_000_000L));
    assertEquals("30s", ProtoJson.goDuration(30_000_000_000L));
    assertEquals("1.5s", ProtoJson.goDuration(1_500_000_000L));
    assertEquals(ByteString.EMPTY.size(), 0);
  }

  @Test
  void embeddedStructsSitInTheirParentsJsonBothWays() throws Exception {
    JsonNode pod = yaml("""
        apiVersion: v1
        kind: Pod
        metadata: {name: p}
        spec:
          containers:
          - name: c
            image: i
            env: [{name: A, valueFrom: {configMapKeyRef: {name: cm, key: k}}}]
            readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}
          volumes:
          - {name: d, persistentVolumeClaim: {claimName: data}}
          - {name: c, configMap: {name: cfg}}
        """);
    byte[] encoded = ProtobufEncoder.encode((com.fasterxml.jackson.databind.node.ObjectNode) pod).orElseThrow();
    JsonNode back = ProtobufDecoder.decode(encoded);
    assertEquals(pod.at("/spec/volumes"), back.at("/spec/volumes"));
    assertEquals(pod.at("/spec/containers/0/env"), back.at("/spec/containers/0/env"));
    assertEquals("/", back.at("/spec/containers/0/readinessProbe/httpGet/path").asText());
    JsonNode pv = yaml("""
        apiVersion: v1
        kind: PersistentVolume
        metadata: {name: pv1}
        spec: {capacity: {storage: 1Gi}, hostPath: {path: /tmp/x, type: DirectoryOrCreate}, storageClassName: s}
        """);
    JsonNode pvBack = ProtobufDecoder.decode(ProtobufEncoder.encode((com.fasterxml.jackson.databind.node.ObjectNode) pv)
        .orElseThrow());
    assertEquals(pv.at("/spec/hostPath"), pvBack.at("/spec/hostPath"));
    assertEquals("s", pvBack.at("/spec/storageClassName").asText());
  }
}
