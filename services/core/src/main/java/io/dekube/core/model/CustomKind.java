package io.dekube.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Optional;

/**
 * A kind served from a schema rather than from built-in code: what a CustomResourceDefinition (or a
 * plugin) registers through {@link ResourceRegistry#serve}. The {@link ResourceType} carries the
 * storage version; every served version has its own OpenAPI v3 schema, printer columns and
 * subresources; between versions objects are converted as {@link Conversion} says ({@code None}: only the
 * apiVersion changes; {@code Webhook}: the CRD's conversion webhook converts them).
 * Immutable and thread-safe.
 *
 * @param type       the stored resource (version = the storage version)
 * @param listKind   the list kind, e.g. {@code WebsiteList}
 * @param versions   every version, served or not, in the CRD's order
 * @param conversion how objects move between versions
 */
public record CustomKind(ResourceType type, String listKind, List<Version> versions, Conversion conversion) {

  /**
   * A CRD's {@code spec.conversion}.
   *
   * @param strategy       {@code None} or {@code Webhook}
   * @param clientConfig   the webhook's {@code clientConfig} (url or service, caBundle), null for None
   * @param reviewVersions the webhook's {@code conversionReviewVersions}, in the CRD's order
   */
  public record Conversion(String strategy, JsonNode clientConfig, List<String> reviewVersions) {

    /** Only the apiVersion changes. */
    public static final Conversion NONE = new Conversion("None", null, List.of());

    public Conversion {
      reviewVersions = reviewVersions == null ? List.of() : List.copyOf(reviewVersions);
    }

    /** Whether a webhook converts. */
    public boolean webhook() {
      return "Webhook".equals(strategy) && clientConfig != null;
    }
  }

  /** A kind whose versions differ only in their apiVersion (conversion {@code None}). */
  public CustomKind(ResourceType type, String listKind, List<Version> versions) {
    this(type, listKind, versions, Conversion.NONE);
  }

  /**
   * One version of the kind.
   *
   * @param name           e.g. {@code v1}
   * @param served         whether the REST API serves it
   * @param storage        whether objects are stored in it
   * @param schema         the openAPIV3Schema (null: anything goes, fields kept)
   * @param printerColumns additionalPrinterColumns as the CRD has them (name, type, jsonPath, ...)
   * @param status         whether the status subresource is on
   * @param scale          the scale subresource, or null
   * @param selectableFields the selectableFields' jsonPaths as the CRD has them ({@code .spec.color})
   */
  public record Version(String name, boolean served, boolean storage, JsonNode schema, JsonNode printerColumns,
                        boolean status, Scale scale, List<String> selectableFields) {

    public Version {
      selectableFields = selectableFields == null ? List.of() : List.copyOf(selectableFields);
    }

    /** The subresources this version turns on: {@code status}, {@code scale}. */
    public List<String> subresources() {
      return status && scale != null ? List.of("status", "scale") : status ? List.of("status")
          : scale != null ? List.of("scale") : List.of();
    }
  }

  /**
   * The scale subresource's JSON paths ({@code .spec.replicas}).
   *
   * @param specReplicasPath   where the desired replicas live
   * @param statusReplicasPath where the observed replicas live
   * @param labelSelectorPath  where the selector string lives, or null
   */
  public record Scale(String specReplicasPath, String statusReplicasPath, String labelSelectorPath) {
  }

  public CustomKind {
    versions = List.copyOf(versions);
    conversion = conversion == null ? Conversion.NONE : conversion;
  }

  /** A version by name. */
  public Optional<Version> version(String name) {
    return versions.stream().filter(v -> v.name().equals(name)).findFirst();
  }

  /** A served version by name. */
  public Optional<Version> served(String name) {
    return version(name).filter(Version::served);
  }

  /**
   * The stored resource as served version {@code name} writes and routes it: that version's subresources
   * (kube's {@code spec.versions[*].subresources}), the storage version's name, which the objects are in.
   * Empty when {@code name} is not served.
   */
  public Optional<ResourceType> servedAs(String name) {
    return served(name).map(v -> v.subresources().equals(type.subresources()) ? type
        : new ResourceType(type.group(), type.version(), type.plural(), type.singular(), type.kind(), type.namespaced(),
            type.shortNames(), type.categories(), v.subresources()));
  }

  /** The storage version. */
  public Version storage() {
    return versions.stream().filter(Version::storage).findFirst().orElse(versions.get(0));
  }

  /** The served version names. */
  public List<String> servedVersions() {
    return versions.stream().filter(Version::served).map(Version::name).toList();
  }
}
