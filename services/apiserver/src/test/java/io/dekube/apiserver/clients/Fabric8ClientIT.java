package io.dekube.apiserver.clients;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.apiserver.ApiServerFixture;
import io.dekube.kafka.WithKafka;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.StatusDetails;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * fabric8 kubernetes-client 8 (JDK HTTP client) against the running apiserver, authenticated with
 * the admin client certificate from a kubeconfig: CRUD and patches of ConfigMaps and Deployments,
 * a watch, a shared informer, and typed errors.
 */
@WithKafka
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Fabric8ClientIT {

  private static final String NS = "fabric8-it";
  private static final Duration WAIT = Duration.ofSeconds(20);

  private static ApiServerFixture server;
  private static KubernetesClient client;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.start(true);
    client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(server.adminKubeconfig())).build();
    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
  }

  @AfterAll
  static void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void namespaceIsCreatedAndReadBack() {
    var ns = client.namespaces().withName(NS).get();
    assertNotNull(ns);
    assertEquals(NS, ns.getMetadata().getName());
    assertNotNull(ns.getMetadata().getUid());
    assertNotNull(ns.getMetadata().getCreationTimestamp());
    assertEquals("Active", ns.getStatus().getPhase());
  }

  @Test
  void configMapCrudAndPatches() {
    var cms = client.configMaps().inNamespace(NS);
    ConfigMap created = cms.resource(configMap("crud", Map.of("app", "crud", "tier", "a", "case", "crud"), Map.of("k", "v1"))).create();
    assertEquals("v1", created.getData().get("k"));
    assertEquals("crud", created.getMetadata().getLabels().get("app"));
    assertNotNull(created.getMetadata().getUid());
    String rv1 = created.getMetadata().getResourceVersion();
    assertNotNull(rv1);
    cms.resource(configMap("crud-other", Map.of("app", "other", "case", "crud"), Map.of("k", "x"))).create();

    ConfigMap got = cms.withName("crud").get();
    assertEquals(created.getMetadata().getUid(), got.getMetadata().getUid());
    assertEquals(rv1, got.getMetadata().getResourceVersion());

    List<ConfigMap> selected = cms.withLabel("app", "crud").list().getItems();
    assertEquals(List.of("crud"), selected.stream().map(c -> c.getMetadata().getName()).toList());
    assertEquals(2, cms.withLabelIn("app", "crud", "other").list().getItems().size());
    assertEquals(List.of("crud-other"),
        cms.withLabel("case", "crud").withoutLabel("tier").list().getItems().stream().map(c -> c.getMetadata().getName()).toList());
    assertNotNull(cms.list().getMetadata().getResourceVersion());

    got.getData().put("k", "v2");
    ConfigMap updated = cms.resource(got).update();
    assertEquals("v2", updated.getData().get("k"));
    String rv2 = updated.getMetadata().getResourceVersion();
    assertNotEquals(rv1, rv2);

    ConfigMap edited = cms.withName("crud").edit(c -> new ConfigMapBuilder(c).addToData("added", "yes")
        .editMetadata().addToLabels("edited", "true").endMetadata().build());
    assertEquals(Map.of("k", "v2", "added", "yes"), edited.getData());
    assertEquals("true", edited.getMetadata().getLabels().get("edited"));
    assertNotEquals(rv2, edited.getMetadata().getResourceVersion());

    ConfigMap merged = cms.withName("crud").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"data\":{\"k\":\"v3\",\"added\":null},\"metadata\":{\"labels\":{\"tier\":\"b\"}}}");
    assertEquals(Map.of("k", "v3"), merged.getData());
    assertEquals("b", merged.getMetadata().getLabels().get("tier"));

    ConfigMap jsonPatched = cms.withName("crud").patch(PatchContext.of(PatchType.JSON),
        "[{\"op\":\"add\",\"path\":\"/data/j\",\"value\":\"json\"}]");
    assertEquals(Map.of("k", "v3", "j", "json"), jsonPatched.getData());

    ConfigMap strategic = cms.withName("crud").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"data\":{\"s\":\"smp\"}}");
    assertEquals(Map.of("k", "v3", "j", "json", "s", "smp"), strategic.getData());

    List<StatusDetails> deleted = cms.withName("crud").delete();
    assertEquals(1, deleted.size());
    assertEquals("crud", deleted.get(0).getName());
    assertNull(cms.withName("crud").get());
    assertTrue(cms.withName("crud").delete().isEmpty(), "deleting a missing object is not an error in fabric8");
    cms.withName("crud-other").delete();
  }

  @Test
  void staleUpdateIsAConflict() {
    var cms = client.configMaps().inNamespace(NS);
    ConfigMap created = cms.resource(configMap("stale", Map.of(), Map.of("k", "v1"))).create();
    cms.withName("stale").edit(c -> new ConfigMapBuilder(c).addToData("k", "v2").build());
    created.getData().put("k", "lost");
    KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> cms.resource(created).update());
    assertEquals(409, e.getCode());
    assertEquals("Conflict", e.getStatus().getReason());
    assertEquals("v2", cms.withName("stale").get().getData().get("k"));
    cms.withName("stale").delete();
  }

  @Test
  void deploymentCrudAndPatches() {
    var deployments = client.apps().deployments().inNamespace(NS);
    Deployment created = deployments.resource(deployment("web", 1, "nginx:1.25")).create();
    assertEquals(1, created.getSpec().getReplicas());
    assertEquals("web", created.getMetadata().getLabels().get("app"));
    assertEquals("RollingUpdate", created.getSpec().getStrategy().getType(), "defaulted as Kubernetes does");
    assertEquals(10, created.getSpec().getRevisionHistoryLimit());
    assertEquals("Always", created.getSpec().getTemplate().getSpec().getRestartPolicy());
    deployments.resource(deployment("api", 1, "busybox:1.36")).create();

    Deployment got = deployments.withName("web").get();
    assertEquals("nginx:1.25", got.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
    assertEquals(List.of("web"),
        deployments.withLabel("app", "web").list().getItems().stream().map(d -> d.getMetadata().getName()).toList());

    Deployment scaled = deployments.withName("web").edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(3)
        .endSpec().build());
    assertEquals(3, scaled.getSpec().getReplicas());
    assertNotEquals(got.getMetadata().getResourceVersion(), scaled.getMetadata().getResourceVersion());

    Deployment patched = deployments.withName("web").patch(PatchContext.of(PatchType.JSON_MERGE),
        "{\"metadata\":{\"annotations\":{\"note\":\"merged\"}},\"spec\":{\"replicas\":2}}");
    assertEquals(2, patched.getSpec().getReplicas());
    assertEquals("merged", patched.getMetadata().getAnnotations().get("note"));

    Deployment image = deployments.withName("web").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"main\",\"image\":\"nginx:1.27\"}]}}}}");
    var containers = image.getSpec().getTemplate().getSpec().getContainers();
    assertEquals(1, containers.size(), "strategic merge keeps the list merged by name");
    assertEquals("nginx:1.27", containers.get(0).getImage());
    assertEquals(80, containers.get(0).getPorts().get(0).getContainerPort());
    assertTrue(image.getMetadata().getGeneration() > created.getMetadata().getGeneration(), "spec changes bump generation");

    Deployment replaced = deployments.withName("web").get();
    replaced.getSpec().setReplicas(0);
    assertEquals(0, deployments.resource(replaced).update().getSpec().getReplicas());

    assertEquals(1, deployments.withName("web").delete().size());
    assertNull(deployments.withName("web").get());
    deployments.withName("api").delete();
  }

  @Test
  void watchSeesAddedModifiedDeleted() throws Exception {
    var cms = client.configMaps().inNamespace(NS);
    List<String> events = new CopyOnWriteArrayList<>();
    List<ConfigMap> objects = new CopyOnWriteArrayList<>();
    List<WatcherException> closed = new CopyOnWriteArrayList<>();
    try (Watch ignored = cms.withLabel("watch", "me").watch(new Watcher<>() {
      @Override
      public void eventReceived(Action action, ConfigMap resource) {
        events.add(action + " " + resource.getMetadata().getName());
        objects.add(resource);
      }

      @Override
      public void onClose(WatcherException cause) {
        closed.add(cause);
      }
    })) {
      // the WebSocket watch is a long-running request of the apiserver's metrics while it is open
      await().atMost(WAIT).until(() -> openConfigMapWatches() >= 1);
      cms.resource(configMap("unwatched", Map.of("watch", "no"), Map.of("k", "v"))).create();
      ConfigMap created = cms.resource(configMap("watched", Map.of("watch", "me"), Map.of("k", "v1"))).create();
      await().atMost(WAIT).until(() -> events.contains("ADDED watched"));
      String big = "x".repeat(200_000); // beyond one WebSocket frame: the event arrives fragmented
      ConfigMap modified = cms.withName("watched").edit(c -> new ConfigMapBuilder(c).addToData("k", "v2")
          .addToData("big", big).build());
      await().atMost(WAIT).until(() -> events.contains("MODIFIED watched"));
      cms.withName("watched").delete();
      await().atMost(WAIT).until(() -> events.contains("DELETED watched"));

      assertEquals(List.of("ADDED watched", "MODIFIED watched", "DELETED watched"), events);
      assertEquals("v1", objects.get(0).getData().get("k"));
      assertEquals(created.getMetadata().getResourceVersion(), objects.get(0).getMetadata().getResourceVersion());
      assertEquals("v2", objects.get(1).getData().get("k"));
      assertEquals(big, objects.get(1).getData().get("big"));
      assertEquals(modified.getMetadata().getResourceVersion(), objects.get(1).getMetadata().getResourceVersion());
      assertEquals("v2", objects.get(2).getData().get("k"));
      assertTrue(Long.parseLong(objects.get(2).getMetadata().getResourceVersion())
          > Long.parseLong(objects.get(1).getMetadata().getResourceVersion()));
      assertTrue(closed.isEmpty(), "watch not closed: " + closed);
    }
    await().atMost(WAIT).until(() -> openConfigMapWatches() == 0);
    // RequestMetricsFilter takes the watch off the gauge, then counts it, on the event loop: this thread may see
    // the gauge at 0 a moment before the count
    await().atMost(WAIT).untilAsserted(() -> assertNotNull(io.dekube.core.metrics.Metrics.registry()
        .find("apiserver.request").tags("verb", "WATCH", "resource", "configmaps", "code", "101").counter(),
        "the WebSocket watch counted with code 101: " + io.dekube.core.metrics.Metrics.scrape().lines()
            .filter(l -> l.startsWith("apiserver_request_total") && l.contains("WATCH")).toList()));
    cms.withName("unwatched").delete();
  }

  /** apiserver_longrunning_requests of namespaced ConfigMap watches in this process's registry. */
  private static double openConfigMapWatches() {
    var gauge = io.dekube.core.metrics.Metrics.registry().find("apiserver.longrunning.requests")
        .tags("verb", "WATCH", "resource", "configmaps", "scope", "namespace").gauge();
    return gauge == null ? 0 : gauge.value();
  }

  @Test
  void sharedInformerSyncsAndSeesAddUpdateDelete() {
    var cms = client.configMaps().inNamespace(NS).withLabel("informed", "yes");
    client.configMaps().inNamespace(NS).resource(configMap("before", Map.of("informed", "yes"), Map.of("k", "0")))
        .create();
    List<String> events = new CopyOnWriteArrayList<>();
    List<ConfigMap[]> updates = new CopyOnWriteArrayList<>();
    SharedIndexInformer<ConfigMap> informer = cms.inform(new ResourceEventHandler<>() {
      @Override
      public void onAdd(ConfigMap obj) {
        events.add("add " + obj.getMetadata().getName());
      }

      @Override
      public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
        if (!oldObj.getMetadata().getResourceVersion().equals(newObj.getMetadata().getResourceVersion())) {
          events.add("update " + newObj.getMetadata().getName());
          updates.add(new ConfigMap[] {oldObj, newObj});
        }
      }

      @Override
      public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
        events.add("delete " + obj.getMetadata().getName() + (deletedFinalStateUnknown ? " (unknown)" : ""));
      }
    });
    try {
      await().atMost(WAIT).until(informer::hasSynced);
      await().atMost(WAIT).until(() -> events.contains("add before"));
      assertEquals("0", informer.getStore().getByKey(NS + "/before").getData().get("k"));

      var all = client.configMaps().inNamespace(NS);
      all.resource(configMap("informed", Map.of("informed", "yes"), Map.of("k", "1"))).create();
      await().atMost(WAIT).until(() -> events.contains("add informed"));
      assertEquals("1", informer.getStore().getByKey(NS + "/informed").getData().get("k"));

      all.withName("informed").edit(c -> new ConfigMapBuilder(c).addToData("k", "2").build());
      await().atMost(WAIT).until(() -> events.contains("update informed"));
      ConfigMap[] update = updates.get(0);
      assertEquals("1", update[0].getData().get("k"));
      assertEquals("2", update[1].getData().get("k"));
      assertNotEquals(update[0].getMetadata().getResourceVersion(), update[1].getMetadata().getResourceVersion());
      assertEquals("2", informer.getStore().getByKey(NS + "/informed").getData().get("k"));

      all.withName("informed").delete();
      await().atMost(WAIT).until(() -> events.contains("delete informed"));
      assertNull(informer.getStore().getByKey(NS + "/informed"));
      assertEquals(List.of("add before", "add informed", "update informed", "delete informed"), events);
      assertTrue(informer.isWatching(), "the informer keeps watching");
    } finally {
      informer.close();
      client.configMaps().inNamespace(NS).withName("before").delete();
    }
  }

  @Test
  void missingObjectIsNotFound() {
    KubernetesClientException e = assertThrows(KubernetesClientException.class,
        () -> client.configMaps().inNamespace(NS).withName("missing").patch(PatchContext.of(PatchType.JSON_MERGE),
            "{\"data\":{\"a\":\"b\"}}"));
    assertEquals(404, e.getCode());
    assertEquals("NotFound", e.getStatus().getReason());
    assertEquals("configmaps", e.getStatus().getDetails().getKind());
    assertEquals("missing", e.getStatus().getDetails().getName());
    assertNull(client.configMaps().inNamespace(NS).withName("missing").get());
  }

  @Test
  void createTwiceIsAlreadyExists() {
    var cms = client.configMaps().inNamespace(NS);
    cms.resource(configMap("twice", Map.of(), Map.of("k", "v"))).create();
    KubernetesClientException e = assertThrows(KubernetesClientException.class,
        () -> cms.resource(configMap("twice", Map.of(), Map.of("k", "w"))).create());
    assertEquals(409, e.getCode());
    assertEquals("AlreadyExists", e.getStatus().getReason());
    assertEquals("twice", e.getStatus().getDetails().getName());
    assertEquals("v", cms.withName("twice").get().getData().get("k"));
    cms.withName("twice").delete();
  }

  private static ConfigMap configMap(String name, Map<String, String> labels, Map<String, String> data) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata().withData(data).build();
  }

  private static Deployment deployment(String name, int replicas, String image) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).addToLabels("app", name).endMetadata()
        .withNewSpec().withReplicas(replicas)
        .withNewSelector().addToMatchLabels("app", name).endSelector()
        .withNewTemplate().withNewMetadata().addToLabels("app", name).endMetadata()
        .withNewSpec().addNewContainer().withName("main").withImage(image).addNewPort().withContainerPort(80).endPort()
        .endContainer().endSpec().endTemplate()
        .endSpec().build();
  }
}
