package io.dekube.core.crd;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;

/**
 * The CronTab CRD of kube's docs ({@code crontabs.stable.example.com}, namespaced) with the versions and conversion a
 * test gives, for the tests of a kind's several versions.
 */
public final class CronTabs {

  private CronTabs() {
  }

  /**
   * The CRD.
   *
   * @param versions   {@code spec.versions} as YAML flow ({@code [{name: v1, served: true, storage: true}]})
   * @param conversion {@code spec.conversion} as YAML flow ({@code {strategy: None}})
   */
  public static JsonNode crd(String versions, String conversion) {
    try {
      return Json.YAML.readTree("""
          apiVersion: apiextensions.k8s.io/v1
          kind: CustomResourceDefinition
          metadata: {name: crontabs.stable.example.com}
          spec:
            group: stable.example.com
            scope: Namespaced
            names: {plural: crontabs, singular: crontab, kind: CronTab}
            versions: %s
            conversion: %s
          """.formatted(versions, conversion));
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** The kind the CRD serves ({@link #crd}). */
  public static CustomKind kind(String versions, String conversion) {
    return CrdParser.kind(crd(versions, conversion));
  }

  /** v1 (storage) and {@code other} served, converted by a webhook at {@code url} (with {@code caBundle}, or none). */
  public static CustomKind webhookConverted(String other, String url, String caBundle) {
    return kind("[{name: v1, served: true, storage: true}, {name: " + other + ", served: true, storage: false}]",
        "{strategy: Webhook, webhook: {conversionReviewVersions: [v1], clientConfig: {url: '" + url + "'"
            + (caBundle == null ? "" : ", caBundle: '" + caBundle + "'") + "}}}");
  }
}
