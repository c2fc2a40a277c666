package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.junit.jupiter.api.Test;

/**
 * What one status write costs the kubelet in CPU (a readiness probe flipping a running pod's Ready): the status
 * manager's work and the encoding of the request body, against a store that answers at once (its own work, the
 * writer's, not counted). Printed, not asserted: the figure depends on the machine and on how warm the JIT is;
 * with 20,000 writes of warm-up on the 2-core build machine it was ~38 µs (the whole-status update it replaced:
 * ~8 µs, a 1,371-byte body against 825), mostly the two conversions between JSON trees and fabric8's PodStatus.
 * Each piece alone, 20,000 runs after 20,000 of warm-up (session 20, load 9-16 on 2 cores): {@code Typed.from} of
 * the built status 12.9 µs, {@code Typed.tree} of the merged one 13.8 µs, {@link StatusPatch#create} 6.8 µs, the
 * patch's encoding 2.3 µs, {@link StatusMerge#equalByKubelet} 2.0 µs, the tree compare 0.7 µs (the store's patch,
 * not counted: 19 µs). Neither conversion is done twice: the builder's tree must become a PodStatus for the typed
 * rules, the merged PodStatus a tree for the patch. {@code Typed.tree} now goes through Jackson 3's {@code valueToTree} and a
 * walk into a Jackson 2 tree instead of text: 6.0 µs for the same tree (every component's writes gain it).
 */
class StatusWriteCostTest {

  @Test
  void aStatusWriteCostsTheKubeletTensOfMicroseconds() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      ObjectNode pod = StatusManagerTest.pod("cost", "u-cost");
      CountingStore store = new CountingStore(pod);
      StatusManager m = new StatusManager(vertx, store);
      ObjectNode ready = StatusManagerTest.runningStatus(true);
      ObjectNode unready = StatusManagerTest.runningStatus(false);
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      int warm = 3_000;
      int n = 3_000;
      for (int i = 0; i < warm; i++) {
        m.set("u-cost", store.current, (i % 2 == 0 ? unready : ready).deepCopy());
      }
      long writes = store.writes;
      long storeCpu0 = store.cpu;
      long cpu = mx.getCurrentThreadCpuTime();
      for (int i = 0; i < n; i++) {
        m.set("u-cost", store.current, (i % 2 == 0 ? unready : ready).deepCopy());
      }
      double micros = (mx.getCurrentThreadCpuTime() - cpu - (store.cpu - storeCpu0)) / 1000.0 / (store.writes - writes);
      System.out.printf("status write: %.1f µs CPU per write after %d of warm-up (%d writes, %d bytes per request body)%n", micros, warm,
          store.writes - writes, store.bytes / store.writes);
      assertTrue(store.writes - writes >= n / 2, "writes " + (store.writes - writes));
    } finally {
      vertx.close();
    }
  }

  /**
   * Encodes each write's body as the bus client would and answers with the pod as written at a new
   * resourceVersion; the CPU it spends storing (the writer's work) is counted apart.
   */
  static final class CountingStore implements StoreApi {
    private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();
    ObjectNode current;
    long writes;
    long bytes;
    long cpu;
    private long rv = 10;

    CountingStore(ObjectNode pod) {
      this.current = pod;
    }

    private Future<ObjectNode> answer(JsonNode body, java.util.function.UnaryOperator<ObjectNode> store) {
      try {
        bytes += Json.MAPPER.writeValueAsBytes(body).length;
      } catch (Exception e) {
        return Future.failedFuture(e);
      }
      writes++;
      long start = MX.getCurrentThreadCpuTime();
      current = store.apply(current);
      ((ObjectNode) current.path("metadata")).put("resourceVersion", Long.toString(++rv));
      cpu += MX.getCurrentThreadCpuTime() - start;
      return Future.succeededFuture(current);
    }

    @Override
    public Future<ObjectNode> get(ResourceType t, String namespace, String name) {
      return Future.succeededFuture(current);
    }

    @Override
    public Future<ObjectNode> list(ResourceType t, String namespace) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o) {
      return answer(obj, cur -> {
        ObjectNode next = cur.deepCopy();
        next.set("status", obj.path("status").deepCopy());
        return next;
      });
    }

    @Override
    public Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                                    WriteOptions o) {
      return answer(patch, cur -> io.dekube.core.patch.StrategicMergePatch.apply(cur, patch, t));
    }

    @Override
    public Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o) {
      throw new UnsupportedOperationException();
    }
  }
}
