package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The other API versions dekube serves next to the stored ones: the old ones, so that the talk's 2017
 * manifests apply unchanged ({@code apps/v1beta1}, {@code apps/v1beta2} and {@code extensions/v1beta1}
 * Deployments and {@code extensions/v1beta1} Ingresses), {@code autoscaling/v1} HPAs, and
 * {@code events.k8s.io/v1} Events (stored as core/v1 Events, as kube stores one Event for both groups). Discovery lists them as served,
 * non-preferred versions; the conversion code converts their objects to and from the stored
 * resource. A read-only table; thread-safe.
 *
 * <p>{@link #lookup} and {@link #toStored}/{@link #fromStored} give the conversions: what the old
 * versions defaulted (a selector from the template's labels, ...) and the renamed fields of the old
 * Ingress (see {@link WorkloadConversion} and {@link IngressConversion}).
 */
public final class LegacyVersions {

  /**
   * One old version of a stored resource.
   *
   * @param groupVersion       the old {@code apiVersion}, e.g. {@code extensions/v1beta1}
   * @param plural             the resource's plural under that version, e.g. {@code deployments}
   * @param kind               the kind, e.g. {@code Deployment}
   * @param storedResourceName the resource it is stored as ({@code ResourceType.resourceName()}),
   *                           e.g. {@code deployments.apps}
   * @param current            a current version rather than an old one: discovery gives it the stored
   *                           resource's short names and categories, as kube's discovery does
   */
  public record Entry(String groupVersion, String plural, String kind, String storedResourceName, boolean current) {

    /** An old version. */
    public Entry(String groupVersion, String plural, String kind, String storedResourceName) {
      this(groupVersion, plural, kind, storedResourceName, false);
    }

    /** The API group: {@code extensions}. */
    public String group() {
      int slash = groupVersion.indexOf('/');
      return slash < 0 ? "" : groupVersion.substring(0, slash);
    }

    /** The version: {@code v1beta1}. */
    public String version() {
      return groupVersion.substring(groupVersion.indexOf('/') + 1);
    }
  }

  private static final List<Entry> ENTRIES = List.of(
      new Entry("apps/v1beta2", "deployments", "Deployment", "deployments.apps"),
      new Entry("apps/v1beta2", "replicasets", "ReplicaSet", "replicasets.apps"),
      new Entry("apps/v1beta2", "daemonsets", "DaemonSet", "daemonsets.apps"),
      new Entry("apps/v1beta2", "statefulsets", "StatefulSet", "statefulsets.apps"),
      new Entry("apps/v1beta1", "deployments", "Deployment", "deployments.apps"),
      new Entry("apps/v1beta1", "replicasets", "ReplicaSet", "replicasets.apps"),
      new Entry("apps/v1beta1", "daemonsets", "DaemonSet", "daemonsets.apps"),
      new Entry("apps/v1beta1", "statefulsets", "StatefulSet", "statefulsets.apps"),
      new Entry("extensions/v1beta1", "deployments", "Deployment", "deployments.apps"),
      new Entry("extensions/v1beta1", "replicasets", "ReplicaSet", "replicasets.apps"),
      new Entry("extensions/v1beta1", "daemonsets", "DaemonSet", "daemonsets.apps"),
      new Entry("extensions/v1beta1", "ingresses", "Ingress", "ingresses.networking.k8s.io"),
      new Entry("autoscaling/v1", "horizontalpodautoscalers", "HorizontalPodAutoscaler",
          "horizontalpodautoscalers.autoscaling"),
      new Entry("events.k8s.io/v1", "events", "Event", "events", true));

  private static final Map<String, LegacyConverter> CONVERTERS = Map.of(
      "Deployment", new WorkloadConversion("Deployment"),
      "ReplicaSet", new WorkloadConversion("ReplicaSet"),
      "DaemonSet", new WorkloadConversion("DaemonSet"),
      "StatefulSet", new WorkloadConversion("StatefulSet"),
      "Ingress", new IngressConversion(),
      "HorizontalPodAutoscaler", new HorizontalPodAutoscalerConversion(),
      "Event", new EventConversion());

  /** Stored resources whose stored version is not {@code v1}. */
  private static final Map<String, String> STORED_VERSIONS = Map.of("horizontalpodautoscalers.autoscaling", "v2");

  private LegacyVersions() {
  }

  /** Every entry, in the order discovery lists them (newer versions of a group first). */
  public static List<Entry> all() {
    return ENTRIES;
  }

  /** The entry for an old group, version and plural, if served. */
  public static Optional<Entry> find(String group, String version, String plural) {
    return ENTRIES.stream().filter(e -> e.group().equals(group) && e.version().equals(version)
        && e.plural().equals(plural)).findFirst();
  }

  /** The entry for an old apiVersion and kind, if served. */
  public static Optional<Entry> findByKind(String groupVersion, String kind) {
    return ENTRIES.stream().filter(e -> e.groupVersion().equals(groupVersion) && e.kind().equals(kind)).findFirst();
  }

  /** The served old version of a group, version and plural, with its conversions. */
  public static Optional<LegacyVersion> lookup(String group, String version, String plural) {
    return find(group, version, plural).map(LegacyVersions::withConverter);
  }

  /** The served old version of an apiVersion and kind, with its conversions. */
  public static Optional<LegacyVersion> lookupKind(String apiVersion, String kind) {
    return findByKind(apiVersion, kind).map(LegacyVersions::withConverter);
  }

  /**
   * The object converted to its stored version when its apiVersion and kind are an old served version;
   * otherwise the object itself.
   */
  public static ObjectNode toStored(ObjectNode obj) {
    return lookupKind(obj.path("apiVersion").asText(), obj.path("kind").asText())
        .map(v -> v.toStored(obj)).orElse(obj);
  }

  /**
   * A stored object converted to the old {@code apiVersion} asked for; the object itself when that is
   * not an old version of its kind.
   */
  public static ObjectNode fromStored(ObjectNode stored, String apiVersion) {
    return lookupKind(apiVersion, stored.path("kind").asText()).map(v -> v.fromStored(stored)).orElse(stored);
  }

  private static LegacyVersion withConverter(Entry e) {
    String resource = e.storedResourceName();
    String group = resource.contains(".") ? resource.substring(resource.indexOf('.') + 1) : "";
    String version = STORED_VERSIONS.getOrDefault(resource, "v1");
    return new LegacyVersion(e, group.isEmpty() ? version : group + "/" + version, CONVERTERS.get(e.kind()));
  }
}
