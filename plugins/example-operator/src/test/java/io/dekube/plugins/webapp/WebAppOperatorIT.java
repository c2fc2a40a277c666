package io.dekube.plugins.webapp;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.crd.CrdController;
import io.dekube.controllermanager.ControllerManagerConfig;
import io.dekube.controllermanager.ControllerManagerVerticle;
import io.dekube.controllermanager.plugins.PluginJars;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.crd.CustomKindSync;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built jar in a plugins folder, a controller-manager loading it on a real broker beside a writer and
 * the apiserver's CRD controller (as {@code dekube up} wires them): the WebApp CRD is applied and served
 * before the controller-manager has started; a WebApp gets its owned Deployment and Service, its status
 * follows the Deployment's ready pods, scaling it scales the Deployment, and deleting it deletes them.
 */
@WithKafka
class WebAppOperatorIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();

  private static ResourceType type(String name) {
    return REGISTRY.byResourceName(name).orElseThrow();
  }

  @Test
  void aWebAppGetsItsDeploymentServiceAndStatus(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
    Path jar = Path.of(System.getProperty("plugin.jar", "target/example-operator-0.1.0-SNAPSHOT.jar"));
    assertTrue(Files.isRegularFile(jar), "the plugin jar is built: " + jar);
    Path plugins = Files.createDirectories(dir.resolve("plugins"));
    Files.copy(jar, plugins.resolve(jar.getFileName()));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
    }
    Vertx vertx = Vertx.vertx();
    try {
      SharedInformers informers = SharedInformers.of(vertx);
      join(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap), REGISTRY,
          CustomResourceAdmission.chain(REGISTRY))));
      StoreClient store = join(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
      // the apiserver's share: the writer serves established CRDs, the CRD controller establishes them
      Informer crds = informers.informer(bootstrap, type(CrdParser.CRDS));
      CustomKindSync.follow(crds, REGISTRY);
      CrdController.startOnce(vertx, REGISTRY, store, t -> informers.informer(bootstrap, t));
      join(crds.start());

      join(vertx.deployVerticle(new ControllerManagerVerticle(ControllerManagerConfig.defaults(), REGISTRY, store,
          t -> informers.informer(bootstrap, t)).withPlugins(PluginJars.load(plugins))));
      ResourceType webapps = REGISTRY.byResourceName("webapps.demo.dekube.io").orElseThrow();
      ObjectNode crd = join(store.get(type(CrdParser.CRDS), "", "webapps.demo.dekube.io"));
      assertEquals("plugin:" + jar.getFileName(), crd.path("metadata").path("managedFields").path(0).path("manager")
          .asText());

      ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      ns.putObject("metadata").put("name", "demo");
      join(store.create(type("namespaces"), "", ns, WriteOptions.none()));
      ObjectNode app = Json.object().put("apiVersion", "demo.dekube.io/v1").put("kind", "WebApp");
      app.putObject("metadata").put("name", "hello").put("namespace", "demo");
      app.putObject("spec").put("image", "carsonoid/kube-decon:v1").put("replicas", 2).put("message", "hi");
      String uid = join(store.patch(webapps, "demo", "hello", Patches.APPLY, app,
          WriteOptions.none().withFieldManager("kubectl"))).path("metadata").path("uid").asText();

      JsonNode deployment = await().atMost(Duration.ofSeconds(60))
          .until(() -> find("deployments.apps", store), d -> d != null);
      assertEquals(2, deployment.path("spec").path("replicas").asInt());
      JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").path(0);
      assertEquals("carsonoid/kube-decon:v1", container.path("image").asText());
      assertEquals("hi", container.path("env").path(0).path("value").asText());
      JsonNode owner = deployment.path("metadata").path("ownerReferences").path(0);
      assertEquals(List.of("WebApp", uid, "true"), List.of(owner.path("kind").asText(), owner.path("uid").asText(),
          owner.path("controller").asText()));
      JsonNode service = await().atMost(Duration.ofSeconds(30)).until(() -> find("services", store), s -> s != null);
      assertEquals("hello", service.path("spec").path("selector").path(WebAppResources.LABEL).asText());
      assertEquals(80, service.path("spec").path("ports").path(0).path("port").asInt());
      assertEquals(uid, service.path("metadata").path("ownerReferences").path(0).path("uid").asText());

      // no kubelet here: the pods the Deployment's ReplicaSet made are marked ready by hand
      Informer pods = informers.informer(bootstrap, type("pods"));
      join(pods.start());
      await().atMost(Duration.ofSeconds(60)).until(() -> pods.list("demo").size() == 2);
      for (ObjectNode pod : pods.list("demo")) {
        ObjectNode status = Json.object();
        status.putObject("status").put("phase", "Running").putArray("conditions").addObject()
            .put("type", "Ready").put("status", "True");
        join(store.patch(type("pods"), "demo", pod.path("metadata").path("name").asText(), Patches.MERGE, status,
            WriteOptions.none().withSubresource("status")));
      }
      await().atMost(Duration.ofSeconds(60)).until(() -> {
        JsonNode s = join(store.get(webapps, "demo", "hello")).path("status");
        return s.path("readyReplicas").asInt() == 2
            && s.path("conditions").path(0).path("status").asText().equals("True");
      });

      ObjectNode scale = Json.object();
      scale.putObject("spec").put("replicas", 3);
      join(store.patch(webapps, "demo", "hello", Patches.MERGE, scale, WriteOptions.none()));
      await().atMost(Duration.ofSeconds(30)).until(() -> find("deployments.apps", store).path("spec").path("replicas")
          .asInt() == 3);

      join(store.delete(webapps, "demo", "hello", WriteOptions.none()));
      await().atMost(Duration.ofSeconds(60)).until(() -> find("deployments.apps", store) == null
          && find("services", store) == null);
    } finally {
      join(vertx.close());
    }
  }

  /** demo/hello of a resource as the store has it now, or null. */
  private static JsonNode find(String resource, StoreClient store) {
    try {
      return join(store.get(type(resource), "demo", "hello"));
    } catch (IllegalStateException e) {
      if (e.getCause() != null && e.getCause().getCause() instanceof StatusException se && se.code() == 404) {
        return null;
      }
      throw e;
    }
  }

  private static <T> T join(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
