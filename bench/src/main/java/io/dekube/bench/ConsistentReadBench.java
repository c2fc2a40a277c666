package io.dekube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Vertx;

/**
 * A consistent read right after a write: create through {@link StoreClient}, then the informer's
 * {@code waitForCurrent()} (the high watermark, then the cache catching up to it), timed. Shows
 * whether a parked read_committed fetch is woken by the commit marker or waits out
 * {@code fetch.max.wait.ms} (500 ms).
 */
final class ConsistentReadBench {

  private ConsistentReadBench() {
  }

  static LatencyRecorder.Result run(Vertx vertx, String bootstrap, StoreClient client, ResourceType type,
                                    String namespace, ObjectNode template, int rounds) throws Exception {
    Informer informer = Informer.shared(vertx, bootstrap, type);
    StoreBench.await(informer.start());
    LatencyRecorder rec = new LatencyRecorder();
    long start = System.nanoTime();
    for (int i = 0; i < rounds; i++) {
      ObjectNode obj = template.deepCopy();
      Json.metadata(obj).put("name", "read-after-write-" + i);
      StoreBench.await(client.create(type, namespace, obj, WriteOptions.none()));
      long t0 = System.nanoTime();
      StoreBench.await(informer.waitForCurrent());
      rec.record(System.nanoTime() - t0);
    }
    return rec.result("consistent read after a create", 1, (System.nanoTime() - start) / 1e9);
  }
}
