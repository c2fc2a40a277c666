package io.dekube.apiserver.semantics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.proto.ProtobufDecoder;
import io.dekube.core.model.Json;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl sends protobuf for typed creates; the decoder turns its bodies into the objects asked for. */
class ProtobufKubectlIT {

  static StubApiServer server;
  static Kubectl kubectl;
  @TempDir
  static Path dir;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(Kubectl.available(), "kubectl not on the PATH");
    server = new StubApiServer();
    server.responder = r -> {
      ObjectNode obj;
      if (ProtobufDecoder.handles(r.contentType())) {
        obj = ProtobufDecoder.decode(r.body());
      } else {
        try {
          obj = (ObjectNode) Json.MAPPER.readTree(r.body());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
      return obj;
    };
    kubectl = new Kubectl(server.kubeconfig(dir), dir.resolve("cache"));
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void createNamespaceDeploymentConfigMap() throws Exception {
    Kubectl.Result ns = kubectl.run("create", "namespace", "kube-decon");
    assertEquals(0, ns.exit(), ns.out());
    assertTrue(ns.out().contains("namespace/kube-decon created"), ns.out());
    Kubectl.Result deploy = kubectl.run("create", "deployment", "web", "--image=carsonoid/kube-decon:v1", "-o", "json");
    assertEquals(0, deploy.exit(), deploy.out());
    ObjectNode d = (ObjectNode) Json.MAPPER.readTree(deploy.out());
    assertEquals("carsonoid/kube-decon:v1", d.at("/spec/template/spec/containers/0/image").asText());
    assertEquals("web", d.at("/spec/selector/matchLabels/app").asText());
    Kubectl.Result cm = kubectl.run("create", "configmap", "cfg", "--from-literal=greeting=hello", "-o", "json");
    assertEquals(0, cm.exit(), cm.out());
    assertEquals("hello", Json.MAPPER.readTree(cm.out()).at("/data/greeting").asText());
    assertTrue(server.recorded().stream().allMatch(w -> ProtobufDecoder.handles(w.contentType())));
  }
}
