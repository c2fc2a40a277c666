package io.dekube.apiserver.openapi;

import io.vertx.core.Future;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI of the aggregated API servers (kube-aggregator's OpenAPI controllers), as the OpenAPI
 * handlers merge it into {@code /openapi/v2} and {@code /openapi/v3}. Implementations fetch a backend's
 * documents when first asked and again after it changed; any thread.
 */
public interface AggregatedSpecs {

  /**
   * What the available aggregated API servers serve now.
   *
   * @param v2      each backend's Swagger 2.0 document reduced to its {@code /apis/} paths (JSON bytes),
   *                in kube's priority order
   * @param v2Tag   changes whenever {@code v2} does
   * @param v3Paths the {@code /openapi/v3} index entries of their group versions: key
   *                ({@code apis/<group>/<version>}) to {@code serverRelativeURL}
   */
  record Snapshot(List<byte[]> v2, String v2Tag, Map<String, String> v3Paths) {
  }

  /** The current snapshot; backends not fetched yet (or changed) are fetched first. */
  Future<Snapshot> snapshot();

  /** The v3 document of an aggregated group version ({@code apis/<group>/<version>}), empty when none serves it. */
  Future<Optional<OpenApiDocuments.Document>> v3(String key);
}
