package io.dekube.apiserver.clients;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.apiserver.ApiServerFixture;
import io.dekube.kafka.WithKafka;
import io.kubernetes.client.ProtoClient;
import io.kubernetes.client.ProtoClient.ObjectOrStatus;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1DaemonSet;
import io.kubernetes.client.openapi.models.V1DaemonSetSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1ReplicaSet;
import io.kubernetes.client.openapi.models.V1ReplicaSetSpec;
import io.kubernetes.client.openapi.models.V1StatefulSet;
import io.kubernetes.client.openapi.models.V1StatefulSetSpec;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.PatchUtils;
import java.io.StringReader;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The API details the official Java client trips on: typed reads of workloads whose status has
 * only zero counters, a Node stored without spec, a cordon by JSON patch {@code replace} of a
 * missing field, and protobuf GET, LIST and create through its {@code ProtoClient}.
 */
@WithKafka
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OfficialClientDetailsIT {

  private static final String NS = "details-it";

  private static ApiServerFixture server;
  private static ApiClient client;
  private static CoreV1Api core;
  private static AppsV1Api apps;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(server.adminKubeconfig()))).build();
    core = new CoreV1Api(client);
    apps = new AppsV1Api(client);
    core.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(NS))).execute();
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  private static V1PodTemplateSpec template(String app) {
    return new V1PodTemplateSpec().metadata(new V1ObjectMeta().labels(Map.of("app", app)))
        .spec(new V1PodSpec().containers(List.of(new V1Container().name("c").image("dekube/web"))));
  }

  private static V1LabelSelector selector(String app) {
    return new V1LabelSelector().matchLabels(Map.of("app", app));
  }

  @Test
  void typedWorkloadsComeBackWithTheirZeroStatusCounters() throws Exception {
    V1DaemonSet ds = apps.createNamespacedDaemonSet(NS, new V1DaemonSet().metadata(new V1ObjectMeta().name("ds"))
        .spec(new V1DaemonSetSpec().selector(selector("ds")).template(template("ds")))).execute();
    assertEquals(0, ds.getStatus().getNumberReady());
    assertEquals(0, apps.readNamespacedDaemonSet("ds", NS).execute().getStatus().getDesiredNumberScheduled());
    assertEquals(1, apps.listNamespacedDaemonSet(NS).execute().getItems().size());

    V1StatefulSet sts = apps.createNamespacedStatefulSet(NS, new V1StatefulSet().metadata(new V1ObjectMeta().name("sts"))
        .spec(new V1StatefulSetSpec().selector(selector("sts")).serviceName("sts").template(template("sts"))))
        .execute();
    assertEquals(0, sts.getStatus().getReplicas());
    assertEquals(0, apps.readNamespacedStatefulSet("sts", NS).execute().getStatus().getReplicas());

    V1ReplicaSet rs = apps.createNamespacedReplicaSet(NS, new V1ReplicaSet().metadata(new V1ObjectMeta().name("rs"))
        .spec(new V1ReplicaSetSpec().replicas(2).selector(selector("rs")).template(template("rs")))).execute();
    assertEquals(0, rs.getStatus().getReplicas());
    assertEquals(2, apps.readNamespacedReplicaSet("rs", NS).execute().getSpec().getReplicas());
  }

  @Test
  void nodeWithoutSpecIsCordonedByJsonPatchReplace() throws Exception {
    V1Node node = core.createNode(new V1Node().metadata(new V1ObjectMeta().name("bare-node"))).execute();
    assertNotNull(node.getSpec(), "spec: {} as kube returns it");
    assertNull(node.getSpec().getUnschedulable());
    V1Node cordoned = PatchUtils.patch(V1Node.class, () -> core.patchNode("bare-node",
            new V1Patch("[{\"op\":\"replace\",\"path\":\"/spec/unschedulable\",\"value\":true}]")).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH, client);
    assertEquals(Boolean.TRUE, cordoned.getSpec().getUnschedulable());
    assertEquals(Boolean.TRUE, core.readNode("bare-node").execute().getSpec().getUnschedulable());
  }

  @Test
  void protoClientReadsListsAndCreates() throws Exception {
    ProtoClient proto = new ProtoClient(client);
    V1.ConfigMap cm = V1.ConfigMap.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("proto").putLabels("via", "protobuf"))
        .putData("k", "v").build();
    ObjectOrStatus<V1.ConfigMap> created = proto.create(cm, "/api/v1/namespaces/" + NS + "/configmaps", "v1",
        "ConfigMap");
    assertNull(created.status, () -> String.valueOf(created.status));
    assertEquals("v", created.object.getDataMap().get("k"));
    assertTrue(created.object.getMetadata().getCreationTimestamp().getSeconds() > 0);
    assertTrue(!created.object.getMetadata().getUid().isEmpty());

    ObjectOrStatus<V1.ConfigMap> got = proto.get(V1.ConfigMap.newBuilder(),
        "/api/v1/namespaces/" + NS + "/configmaps/proto");
    assertEquals("protobuf", got.object.getMetadata().getLabelsMap().get("via"));
    assertEquals(created.object.getMetadata().getResourceVersion(), got.object.getMetadata().getResourceVersion());

    ObjectOrStatus<V1.ConfigMapList> list = proto.list(V1.ConfigMapList.newBuilder(),
        "/api/v1/namespaces/" + NS + "/configmaps");
    assertTrue(list.object.getItemsList().stream().anyMatch(c -> c.getMetadata().getName().equals("proto")));
    assertTrue(!list.object.getMetadata().getResourceVersion().isEmpty());

    ObjectOrStatus<V1.ConfigMap> missing = proto.get(V1.ConfigMap.newBuilder(),
        "/api/v1/namespaces/" + NS + "/configmaps/nope");
    assertEquals(404, missing.status.getCode());
    assertEquals("NotFound", missing.status.getReason());
  }

  @Test
  void acceptNamingNothingProducibleIs406() throws Exception {
    for (String path : List.of("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "/api/v1/nodes")) {
      try (okhttp3.Response res = client.getHttpClient().newCall(new okhttp3.Request.Builder()
          .url(server.server() + path).header("Accept", "text/html").build()).execute()) {
        String body = res.body().string();
        assertEquals(406, res.code(), body);
        assertTrue(body.contains("NotAcceptable"), body);
      }
    }
  }
}
