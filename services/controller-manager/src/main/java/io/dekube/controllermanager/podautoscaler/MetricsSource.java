package io.dekube.controllermanager.podautoscaler;

import io.dekube.core.informer.LabelSelector;
import io.vertx.core.Future;
import java.util.Map;

/** Where the HPA controller reads pod usage: {@code metrics.k8s.io} in a cluster, a table in tests. */
interface MetricsSource {

  /**
   * The usage of {@code resource} ({@code cpu}, {@code memory}) by each pod of {@code namespace} that
   * {@code selector} selects, by pod name; pods the API has no sample for are absent. Fails with a
   * message saying why when the API cannot be read.
   */
  Future<Map<String, PodSample>> pods(String namespace, LabelSelector selector, String resource);
}
