package io.dekube.controllermanager.podautoscaler;

import io.dekube.core.informer.LabelSelector;
import io.vertx.core.Future;
import java.util.List;

/** Where the HPA controller reads pod usage: {@code metrics.k8s.io} in a cluster, a table in tests. */
interface MetricsSource {

  /**
   * The PodMetrics of the pods of {@code namespace} that {@code selector} selects, as the resource
   * metrics API lists them. Fails with the client's message (as client-go words an API error) when the
   * API cannot be read.
   */
  Future<List<PodMetrics>> pods(String namespace, LabelSelector selector);
}
