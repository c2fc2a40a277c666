package io.dekube.apiserver.clients;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.reflect.TypeToken;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.kafka.WithKafka;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AppsV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ContainerPort;
import io.kubernetes.client.openapi.models.V1Deployment;
import io.kubernetes.client.openapi.models.V1DeploymentSpec;
import io.kubernetes.client.openapi.models.V1LabelSelector;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1PodTemplateSpec;
import io.kubernetes.client.openapi.models.V1Status;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.PatchUtils;
import io.kubernetes.client.util.Watch;
import java.io.StringReader;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The official Kubernetes Java client (io.kubernetes:client-java 24, for Kubernetes 1.32) against
 * the running apiserver, authenticated with the admin client certificate from a kubeconfig: CRUD
 * and patches of ConfigMaps and Deployments, a watch, a shared informer, and typed errors. Its
 * generated models reject fields they do not know, so every response is also checked for shape.
 */
@WithKafka
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OfficialJavaClientIT {

  private static final String NS = "official-it";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static ApiServerFixture server;
  private static ApiClient client;
  private static CoreV1Api core;
  private static AppsV1Api apps;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    ApiClient built = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(server.adminKubeconfig())))
        .build();
    // watches and informers hold a request open: no read timeout, as the client's docs ask
    built.setHttpClient(built.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
    client = built;
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

  @Test
  void namespaceIsCreatedAndReadBack() throws Exception {
    V1Namespace ns = core.readNamespace(NS).execute();
    assertEquals(NS, ns.getMetadata().getName());
    assertNotNull(ns.getMetadata().getUid());
    assertNotNull(ns.getMetadata().getCreationTimestamp());
    assertEquals("Active", ns.getStatus().getPhase());
    assertTrue(core.listNamespace().execute().getItems().stream().anyMatch(n -> NS.equals(n.getMetadata().getName())));
  }

  @Test
  void configMapCrudAndPatches() throws Exception {
    V1ConfigMap created = core.createNamespacedConfigMap(NS,
        configMap("crud", Map.of("app", "crud", "tier", "a", "case", "crud"), Map.of("k", "v1"))).execute();
    assertEquals("v1", created.getData().get("k"));
    assertEquals("crud", created.getMetadata().getLabels().get("app"));
    assertNotNull(created.getMetadata().getUid());
    String rv1 = created.getMetadata().getResourceVersion();
    assertNotNull(rv1);
    core.createNamespacedConfigMap(NS, configMap("crud-other", Map.of("app", "other", "case", "crud"),
        Map.of("k", "x"))).execute();

    V1ConfigMap got = core.readNamespacedConfigMap("crud", NS).execute();
    assertEquals(created.getMetadata().getUid(), got.getMetadata().getUid());
    assertEquals(rv1, got.getMetadata().getResourceVersion());

    V1ConfigMapList selected = core.listNamespacedConfigMap(NS).labelSelector("app=crud").execute();
    assertEquals(List.of("crud"), names(selected));
    assertNotNull(selected.getMetadata().getResourceVersion());
    assertEquals(List.of("crud", "crud-other"),
        names(core.listNamespacedConfigMap(NS).labelSelector("case=crud,app in (crud,other)").execute()));
    assertEquals(List.of("crud-other"), names(core.listNamespacedConfigMap(NS).labelSelector("case=crud,!tier")
        .execute()));
    assertEquals(List.of("crud"), names(core.listNamespacedConfigMap(NS).fieldSelector("metadata.name=crud")
        .execute()));

    got.getData().put("k", "v2");
    V1ConfigMap replaced = core.replaceNamespacedConfigMap("crud", NS, got).execute();
    assertEquals("v2", replaced.getData().get("k"));
    assertNotEquals(rv1, replaced.getMetadata().getResourceVersion());

    V1ConfigMap strategic = patch("crud", V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH,
        "{\"data\":{\"s\":\"smp\"},\"metadata\":{\"labels\":{\"tier\":\"b\"}}}");
    assertEquals(Map.of("k", "v2", "s", "smp"), strategic.getData());
    assertEquals("b", strategic.getMetadata().getLabels().get("tier"));
    assertNotEquals(replaced.getMetadata().getResourceVersion(), strategic.getMetadata().getResourceVersion());

    V1ConfigMap jsonPatched = patch("crud", V1Patch.PATCH_FORMAT_JSON_PATCH,
        "[{\"op\":\"replace\",\"path\":\"/data/k\",\"value\":\"v3\"},{\"op\":\"remove\",\"path\":\"/data/s\"}]");
    assertEquals(Map.of("k", "v3"), jsonPatched.getData());

    V1ConfigMap merged = patch("crud", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, "{\"data\":{\"m\":\"merge\"}}");
    assertEquals(Map.of("k", "v3", "m", "merge"), merged.getData());

    V1Status deleted = core.deleteNamespacedConfigMap("crud", NS).execute();
    assertEquals("Success", deleted.getStatus());
    assertEquals("crud", deleted.getDetails().getName());
    assertEquals(created.getMetadata().getUid(), deleted.getDetails().getUid());
    ApiException gone = assertThrows(ApiException.class, () -> core.readNamespacedConfigMap("crud", NS).execute());
    assertEquals(404, gone.getCode());
    core.deleteNamespacedConfigMap("crud-other", NS).execute();
  }

  @Test
  void staleReplaceIsAConflict() throws Exception {
    V1ConfigMap created = core.createNamespacedConfigMap(NS, configMap("stale", Map.of(), Map.of("k", "v1")))
        .execute();
    patch("stale", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, "{\"data\":{\"k\":\"v2\"}}");
    created.getData().put("k", "lost");
    ApiException e = assertThrows(ApiException.class,
        () -> core.replaceNamespacedConfigMap("stale", NS, created).execute());
    assertEquals(409, e.getCode());
    assertEquals("Conflict", status(e).getReason());
    assertEquals("v2", core.readNamespacedConfigMap("stale", NS).execute().getData().get("k"));
    core.deleteNamespacedConfigMap("stale", NS).execute();
  }

  @Test
  void deploymentCrudAndPatches() throws Exception {
    V1Deployment created = apps.createNamespacedDeployment(NS, deployment("web", 1, "nginx:1.25")).execute();
    assertEquals(1, created.getSpec().getReplicas());
    assertEquals("RollingUpdate", created.getSpec().getStrategy().getType(), "defaulted as Kubernetes does");
    assertEquals("25%", created.getSpec().getStrategy().getRollingUpdate().getMaxSurge().toString());
    assertEquals(10, created.getSpec().getRevisionHistoryLimit());
    assertEquals("Always", created.getSpec().getTemplate().getSpec().getRestartPolicy());
    assertEquals(1L, created.getMetadata().getGeneration());
    apps.createNamespacedDeployment(NS, deployment("api", 1, "busybox:1.36")).execute();

    V1Deployment got = apps.readNamespacedDeployment("web", NS).execute();
    assertEquals("nginx:1.25", got.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals(List.of("web"), apps.listNamespacedDeployment(NS).labelSelector("app=web").execute().getItems()
        .stream().map(d -> d.getMetadata().getName()).toList());

    got.getSpec().setReplicas(3);
    V1Deployment replaced = apps.replaceNamespacedDeployment("web", NS, got).execute();
    assertEquals(3, replaced.getSpec().getReplicas());
    assertNotEquals(got.getMetadata().getResourceVersion(), replaced.getMetadata().getResourceVersion());

    V1Deployment image = PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment("web", NS,
            new V1Patch("{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"nginx:1.27\"}]}}}}"))
        .buildCall(null), V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, client);
    List<V1Container> containers = image.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, containers.size(), "strategic merge keeps the list merged by name");
    assertEquals("nginx:1.27", containers.get(0).getImage());
    assertEquals(80, containers.get(0).getPorts().get(0).getContainerPort());
    assertTrue(image.getMetadata().getGeneration() > replaced.getMetadata().getGeneration(),
        "spec changes bump generation");

    V1Deployment jsonPatched = PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment("web", NS,
            new V1Patch("[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":2}]")).buildCall(null),
        V1Patch.PATCH_FORMAT_JSON_PATCH, client);
    assertEquals(2, jsonPatched.getSpec().getReplicas());

    V1Deployment applied = PatchUtils.patch(V1Deployment.class, () -> apps.patchNamespacedDeployment("web", NS,
            new V1Patch("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n  annotations:\n"
                + "    owner: official-it\n")).fieldManager("official-it").force(true).buildCall(null),
        V1Patch.PATCH_FORMAT_APPLY_YAML, client);
    assertEquals("official-it", applied.getMetadata().getAnnotations().get("owner"));
    assertEquals(2, applied.getSpec().getReplicas(), "apply of other fields leaves replicas alone");
    // client-java 24 leaves managedFields out of its models; ownership shows as a conflict for another manager
    ApiException conflict = assertThrows(ApiException.class, () -> PatchUtils.patch(V1Deployment.class,
        () -> apps.patchNamespacedDeployment("web", NS, new V1Patch("apiVersion: apps/v1\nkind: Deployment\n"
            + "metadata:\n  name: web\n  annotations:\n    owner: someone-else\n")).fieldManager("other")
            .buildCall(null), V1Patch.PATCH_FORMAT_APPLY_YAML, client));
    assertEquals(409, conflict.getCode());
    V1Status conflictStatus = status(conflict);
    assertEquals("Conflict", conflictStatus.getReason());
    assertTrue(conflictStatus.getMessage().contains("official-it"), conflictStatus.getMessage());

    V1Status deleted = apps.deleteNamespacedDeployment("web", NS).execute();
    assertEquals("Success", deleted.getStatus());
    ApiException gone = assertThrows(ApiException.class, () -> apps.readNamespacedDeployment("web", NS).execute());
    assertEquals(404, gone.getCode());
    apps.deleteNamespacedDeployment("api", NS).execute();
  }

  @Test
  void watchSeesAddedModifiedDeleted() throws Exception {
    V1ConfigMapList list = core.listNamespacedConfigMap(NS).execute();
    List<Watch.Response<V1ConfigMap>> events = new CopyOnWriteArrayList<>();
    Watch<V1ConfigMap> watch = Watch.createWatch(client,
        core.listNamespacedConfigMap(NS).labelSelector("watch=me").watch(true)
            .resourceVersion(list.getMetadata().getResourceVersion()).timeoutSeconds(50).buildCall(null),
        new TypeToken<Watch.Response<V1ConfigMap>>() { }.getType());
    Thread reader = new Thread(() -> {
      try {
        for (Watch.Response<V1ConfigMap> e : watch) {
          events.add(e);
        }
      } catch (RuntimeException e) {
        // closed by the test
      }
    }, "official-watch");
    reader.setDaemon(true);
    reader.start();
    try {
      core.createNamespacedConfigMap(NS, configMap("unwatched", Map.of("watch", "no"), Map.of("k", "v"))).execute();
      V1ConfigMap created = core.createNamespacedConfigMap(NS, configMap("watched", Map.of("watch", "me"),
          Map.of("k", "v1"))).execute();
      V1ConfigMap modified = patch("watched", V1Patch.PATCH_FORMAT_STRATEGIC_MERGE_PATCH, "{\"data\":{\"k\":\"v2\"}}");
      core.deleteNamespacedConfigMap("watched", NS).execute();
      await().atMost(WAIT).until(() -> events.size() >= 3);

      assertEquals(List.of("ADDED", "MODIFIED", "DELETED"), events.stream().map(e -> e.type).toList());
      assertTrue(events.stream().allMatch(e -> "watched".equals(e.object.getMetadata().getName())));
      assertEquals("v1", events.get(0).object.getData().get("k"));
      assertEquals(created.getMetadata().getResourceVersion(), events.get(0).object.getMetadata().getResourceVersion());
      assertEquals("v2", events.get(1).object.getData().get("k"));
      assertEquals(modified.getMetadata().getResourceVersion(), events.get(1).object.getMetadata().getResourceVersion());
      assertEquals("v2", events.get(2).object.getData().get("k"));
      assertTrue(Long.parseLong(events.get(2).object.getMetadata().getResourceVersion())
          > Long.parseLong(events.get(1).object.getMetadata().getResourceVersion()));
    } finally {
      watch.close();
      core.deleteNamespacedConfigMap("unwatched", NS).execute();
    }
  }

  @Test
  void sharedInformerSyncsAndSeesAddUpdateDelete() throws Exception {
    core.createNamespacedConfigMap(NS, configMap("before", Map.of("informed", "yes"), Map.of("k", "0"))).execute();
    SharedInformerFactory factory = new SharedInformerFactory(client);
    SharedIndexInformer<V1ConfigMap> informer = factory.sharedIndexInformerFor(
        (CallGeneratorParams p) -> core.listNamespacedConfigMap(NS).labelSelector("informed=yes")
            .resourceVersion(p.resourceVersion).watch(p.watch).timeoutSeconds(p.timeoutSeconds).buildCall(null),
        V1ConfigMap.class, V1ConfigMapList.class);
    List<String> events = new CopyOnWriteArrayList<>();
    List<V1ConfigMap[]> updates = new CopyOnWriteArrayList<>();
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(V1ConfigMap obj) {
        events.add("add " + obj.getMetadata().getName());
      }

      @Override
      public void onUpdate(V1ConfigMap oldObj, V1ConfigMap newObj) {
        if (!oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata().getResourceVersion())) {
          events.add("update " + newObj.getMetadata().getName());
          updates.add(new V1ConfigMap[] {oldObj, newObj});
        }
      }

      @Override
      public void onDelete(V1ConfigMap obj, boolean deletedFinalStateUnknown) {
        events.add("delete " + obj.getMetadata().getName() + (deletedFinalStateUnknown ? " (unknown)" : ""));
      }
    });
    factory.startAllRegisteredInformers();
    try {
      await().atMost(WAIT).until(informer::hasSynced);
      await().atMost(WAIT).until(() -> events.contains("add before"));
      assertEquals("0", informer.getIndexer().getByKey(NS + "/before").getData().get("k"));
      assertNotNull(informer.lastSyncResourceVersion());

      core.createNamespacedConfigMap(NS, configMap("informed", Map.of("informed", "yes"), Map.of("k", "1")))
          .execute();
      await().atMost(WAIT).until(() -> events.contains("add informed"));
      assertEquals("1", informer.getIndexer().getByKey(NS + "/informed").getData().get("k"));

      patch("informed", V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, "{\"data\":{\"k\":\"2\"}}");
      await().atMost(WAIT).until(() -> events.contains("update informed"));
      V1ConfigMap[] update = updates.get(0);
      assertEquals("1", update[0].getData().get("k"));
      assertEquals("2", update[1].getData().get("k"));
      assertNotEquals(update[0].getMetadata().getResourceVersion(), update[1].getMetadata().getResourceVersion());
      assertEquals("2", informer.getIndexer().getByKey(NS + "/informed").getData().get("k"));

      core.deleteNamespacedConfigMap("informed", NS).execute();
      await().atMost(WAIT).until(() -> events.contains("delete informed"));
      assertNull(informer.getIndexer().getByKey(NS + "/informed"));
      assertEquals(List.of("add before", "add informed", "update informed", "delete informed"), events);
    } finally {
      factory.stopAllRegisteredInformers();
      core.deleteNamespacedConfigMap("before", NS).execute();
    }
  }

  @Test
  void missingObjectIsNotFound() {
    ApiException e = assertThrows(ApiException.class, () -> core.readNamespacedConfigMap("missing", NS).execute());
    assertEquals(404, e.getCode());
    V1Status status = status(e);
    assertEquals("NotFound", status.getReason());
    assertEquals("Failure", status.getStatus());
    assertEquals("configmaps", status.getDetails().getKind());
    assertEquals("missing", status.getDetails().getName());
    assertEquals("configmaps \"missing\" not found", status.getMessage());
  }

  @Test
  void createTwiceIsAlreadyExists() throws Exception {
    core.createNamespacedConfigMap(NS, configMap("twice", Map.of(), Map.of("k", "v"))).execute();
    ApiException e = assertThrows(ApiException.class,
        () -> core.createNamespacedConfigMap(NS, configMap("twice", Map.of(), Map.of("k", "w"))).execute());
    assertEquals(409, e.getCode());
    V1Status status = status(e);
    assertEquals("AlreadyExists", status.getReason());
    assertEquals("twice", status.getDetails().getName());
    assertEquals("configmaps \"twice\" already exists", status.getMessage());
    assertEquals("v", core.readNamespacedConfigMap("twice", NS).execute().getData().get("k"));
    core.deleteNamespacedConfigMap("twice", NS).execute();
  }

  private static V1ConfigMap patch(String name, String format, String body) throws ApiException {
    return PatchUtils.patch(V1ConfigMap.class,
        () -> core.patchNamespacedConfigMap(name, NS, new V1Patch(body)).buildCall(null), format, client);
  }

  private static V1Status status(ApiException e) {
    return client.getJSON().deserialize(e.getResponseBody(), V1Status.class);
  }

  private static List<String> names(V1ConfigMapList list) {
    return list.getItems().stream().map(c -> c.getMetadata().getName()).sorted().toList();
  }

  private static V1ConfigMap configMap(String name, Map<String, String> labels, Map<String, String> data) {
    return new V1ConfigMap().metadata(new V1ObjectMeta().name(name).labels(new HashMap<>(labels)))
        .data(new HashMap<>(data));
  }

  private static V1Deployment deployment(String name, int replicas, String image) {
    Map<String, String> labels = Map.of("app", name);
    return new V1Deployment()
        .metadata(new V1ObjectMeta().name(name).labels(labels))
        .spec(new V1DeploymentSpec().replicas(replicas)
            .selector(new V1LabelSelector().matchLabels(labels))
            .template(new V1PodTemplateSpec()
                .metadata(new V1ObjectMeta().labels(labels))
                .spec(new V1PodSpec().containers(List.of(new V1Container().name("main").image(image)
                    .ports(List.of(new V1ContainerPort().containerPort(80))))))));
  }
}
