package io.dekube.kubelet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/**
 * The store side of a kubelet IT on the embedded broker: the topics, a writer with kube's admission, namespaces with
 * the {@code kube-root-ca.crt} ConfigMap the controller-manager would publish (a pod's {@code kube-api-access}
 * volume needs it, as on kube).
 */
final class TestBus {

  private TestBus() {
  }

  /** Creates the topics, deploys a writer on {@code vertx} and creates {@code namespaces}; a client of the store. */
  static StoreClient start(Vertx vertx, String bootstrap, ResourceRegistry registry, String... namespaces)
      throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, registry.all(), (short) 1);
    }
    result(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap), registry,
        new BasicAdmission().andThen(new KubernetesAdmission()))));
    StoreClient store = result(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    for (String ns : namespaces) {
      ObjectNode n = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      n.putObject("metadata").put("name", ns);
      result(store.create(registry.byResourceName("namespaces").orElseThrow(), "", n, WriteOptions.none())
          .recover(e -> Future.succeededFuture()));
      ObjectNode ca = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
      ca.putObject("metadata").put("name", "kube-root-ca.crt").put("namespace", ns);
      ca.putObject("data").put("ca.crt", "-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----\n");
      result(store.create(registry.byResourceName("configmaps").orElseThrow(), ns, ca, WriteOptions.none())
          .recover(e -> Future.succeededFuture()));
    }
    return store;
  }

  static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
