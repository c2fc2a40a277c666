package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.admission.ResourceQuotaAdmission;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ResourceQuota admission on a real broker: many clients create pods at once against
 * {@code pods: "2"} and the writer, which holds every pod, admits exactly two — no optimistic
 * quota-status race as in kube — and refuses the rest with kube's 403.
 */
@WithKafka
class WriterQuotaIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType QUOTAS = REGISTRY.byResourceName("resourcequotas").orElseThrow();
  private static Vertx vertx;
  private static Informer quotas;
  private static List<StoreClient> clients;

  @BeforeAll
  static void start(@KafkaBootstrap String bootstrap) throws Exception {
    WriterItSupport.ensureTopics(bootstrap);
    vertx = Vertx.vertx();
    quotas = Informer.shared(vertx, bootstrap, QUOTAS);
    ResourceQuotaAdmission quota = new ResourceQuotaAdmission(quotas::list, Clock.systemUTC());
    await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "quota"), REGISTRY,
        CustomResourceAdmission.chain(REGISTRY)).withResourceQuota(quota).answeringAfter(quotas.start())));
    clients = WriterItSupport.clients(vertx, bootstrap, 8, "quota-" + UUID.randomUUID());
  }

  @AfterAll
  static void stop() throws Exception {
    WriterItSupport.close(clients, vertx);
  }

  private static ObjectNode pod(String ns, String name) {
    ObjectNode o = Json.object();
    o.putObject("metadata").put("name", name).put("namespace", ns);
    o.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "dekube/web");
    return o;
  }

  @Test
  void concurrentCreatesAdmitExactlyTheQuota() throws Exception {
    String ns = "quota-" + UUID.randomUUID().toString().substring(0, 8);
    ObjectNode q = Json.object();
    q.putObject("metadata").put("name", "compute").put("namespace", ns);
    q.putObject("spec").putObject("hard").put("pods", "2");
    await(clients.get(0).create(QUOTAS, ns, q, WriteOptions.none()));
    await(quotas.waitForCurrent());

    List<Future<ObjectNode>> creates = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      creates.add(clients.get(i % clients.size()).create(PODS, ns, pod(ns, "p-" + i), WriteOptions.none()));
    }
    await(Future.join(creates).otherwiseEmpty());
    Map<Integer, Integer> codes = new TreeMap<>();
    String refusal = null;
    for (Future<ObjectNode> f : creates) {
      int code = f.succeeded() ? 201 : f.cause() instanceof StatusException se ? se.code() : -1;
      codes.merge(code, 1, Integer::sum);
      if (code == 403) {
        refusal = f.cause().getMessage();
      }
    }
    assertEquals(Map.of(201, 2, 403, 38), codes);
    assertTrue(refusal.endsWith("is forbidden: exceeded quota: compute, requested: pods=1, used: pods=2, limited: pods=2"),
        refusal);
    assertEquals(2, await(clients.get(1).list(PODS, ns)).path("items").size());

    // a dry run is checked too, and deleting a pod makes room for exactly one more
    StatusException dry = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> await(clients.get(2).create(PODS, ns, pod(ns, "dry"), WriteOptions.none().withDryRun(true))));
    assertEquals(403, dry.code());
    String admitted = creates.stream().filter(Future::succeeded).findFirst().orElseThrow().result()
        .path("metadata").path("name").asText();
    await(clients.get(3).delete(PODS, ns, admitted, WriteOptions.none()));
    await(clients.get(4).create(PODS, ns, pod(ns, "after"), WriteOptions.none()));
    assertEquals(403, org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> await(clients.get(5).create(PODS, ns, pod(ns, "after-2"), WriteOptions.none()))).code());
  }
}
