package io.dekube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates through {@link StoreClient}: {@code clients} independent loops, each sending a create
 * and the next one when the reply arrives, for a fixed duration. Each loop runs on the Vert.x
 * context of the calling verticle-less code (an event loop), so nothing here blocks.
 */
final class StoreClientBench {

  private StoreClientBench() {
  }

  /**
   * Creates with {@code clients} concurrent clients for {@code duration}; with {@code churn} each
   * create is followed by the (untimed) delete of its object, so the store's live set stays small —
   * the warm-up's way of warming every path without filling the heap.
   */
  static LatencyRecorder.Result run(Vertx vertx, StoreClient client, ResourceType type, String namespace,
                                    ObjectNode template, int clients, Duration duration, boolean churn)
      throws Exception {
    LatencyRecorder rec = new LatencyRecorder();
    AtomicLong seq = new AtomicLong();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    Promise<Void> done = Promise.promise();
    AtomicLong running = new AtomicLong(clients);
    vertx.runOnContext(v -> {
      for (int i = 0; i < clients; i++) {
        loop(client, type, namespace, template, rec, seq, end, churn, () -> {
          if (running.decrementAndGet() == 0) {
            done.complete();
          }
        });
      }
    });
    done.future().toCompletionStage().toCompletableFuture().get();
    return rec.result("StoreClient create", clients, (System.nanoTime() - start) / 1e9);
  }

  private static void loop(StoreClient client, ResourceType type, String namespace, ObjectNode template,
                           LatencyRecorder rec, AtomicLong seq, long end, boolean churn, Runnable finished) {
    if (System.nanoTime() >= end) {
      finished.run();
      return;
    }
    ObjectNode obj = template.deepCopy();
    String name = "bench-" + seq.incrementAndGet();
    Json.metadata(obj).put("name", name);
    long t0 = System.nanoTime();
    client.create(type, namespace, obj, WriteOptions.none()).onComplete(ar -> {
      if (ar.succeeded()) {
        rec.record(System.nanoTime() - t0);
      } else {
        rec.error();
      }
      Runnable next = () -> loop(client, type, namespace, template, rec, seq, end, churn, finished);
      if (churn && ar.succeeded()) {
        client.delete(type, namespace, name, WriteOptions.none()).onComplete(d -> next.run());
      } else {
        next.run();
      }
    });
  }
}
