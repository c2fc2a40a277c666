package io.dekube.launcher;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A steady create load for fault tests: N client threads create ConfigMaps with
 * {@code generateName} (so a create applied twice would show as two objects), each labelled
 * {@code run=<name>} and annotated with a unique {@code seq}, and record every answer: its HTTP code
 * (0 when none came) and how long it took. After a failed answer a thread waits 200 ms, as a client
 * honouring Retry-After would.
 */
final class CreateLoad implements AutoCloseable {

  /** One create's answer. */
  record Outcome(String seq, int code, long startedNanos, Duration took, String name) {
  }

  private final KubernetesClient client;
  private final String namespace;
  private final String name;
  private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  private final CountDownLatch stop = new CountDownLatch(1);
  private final List<Thread> threads = new ArrayList<>();

  CreateLoad(KubernetesClient client, String namespace, String name, int clients) {
    this.client = client;
    this.namespace = namespace;
    this.name = name;
    for (int t = 0; t < clients; t++) {
      int id = t;
      Thread thread = new Thread(() -> run(id), "create-load-" + name + "-" + t);
      thread.setDaemon(true);
      threads.add(thread);
      thread.start();
    }
  }

  String name() {
    return name;
  }

  List<Outcome> outcomes() {
    return outcomes;
  }

  /** Answers with {@code code} to creates started at or after {@code sinceNanos}. */
  long countSince(int code, long sinceNanos) {
    return outcomes.stream().filter(o -> o.code() == code && o.startedNanos() >= sinceNanos).count();
  }

  private void run(int id) {
    for (int i = 0; stop.getCount() > 0; i++) {
      String seq = name + "-" + id + "-" + i;
      ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withGenerateName(name + "-").withNamespace(namespace)
          .addToLabels("run", name).addToAnnotations("seq", seq).endMetadata().addToData("seq", seq).build();
      long t0 = System.nanoTime();
      int code;
      String created = null;
      try {
        created = client.configMaps().inNamespace(namespace).resource(cm).create().getMetadata().getName();
        code = 201;
      } catch (KubernetesClientException e) {
        code = e.getCode();
      }
      outcomes.add(new Outcome(seq, code, t0, Duration.ofNanos(System.nanoTime() - t0), created));
      if (code != 201) {
        pause(200);
      }
    }
  }

  private void pause(long ms) {
    try {
      stop.await(ms, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops the clients and waits for their last answers. */
  @Override
  public void close() throws InterruptedException {
    stop.countDown();
    for (Thread t : threads) {
      t.join(TimeUnit.SECONDS.toMillis(90));
    }
  }
}
