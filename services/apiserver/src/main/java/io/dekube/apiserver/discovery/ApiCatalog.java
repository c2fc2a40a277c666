package io.dekube.apiserver.discovery;

import io.dekube.apiserver.conversion.LegacyVersions;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The served API, as discovery describes it: the registry's resources under their stored
 * versions plus the old versions of {@link LegacyVersions}, grouped by API group and version.
 * Groups come in kube-apiserver's priority order (which is also kubectl's order for resolving a
 * resource name served by several groups): built-in groups first, then others alphabetically,
 * groups that only serve old versions ({@code extensions}) last, so {@code deployments} resolves to
 * {@code apps/v1}. Built from a snapshot of the registry; immutable; pure.
 */
public final class ApiCatalog {

  /** kube-apiserver's order of the built-in groups under {@code /apis}. */
  static final List<String> GROUP_PRIORITY = List.of("apiregistration.k8s.io", "apps", "events.k8s.io",
      "authentication.k8s.io", "authorization.k8s.io", "autoscaling", "batch", "certificates.k8s.io",
      "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io", "admissionregistration.k8s.io",
      "apiextensions.k8s.io", "scheduling.k8s.io", "coordination.k8s.io", "node.k8s.io", "discovery.k8s.io",
      "flowcontrol.apiserver.k8s.io", "resource.k8s.io");

  /** kube's legacy {@code bindings} collection: create-only, answered as {@code pods/binding}. */
  static final ServedResource BINDINGS = new ServedResource("", "v1", "bindings", "binding", "Binding", true,
      List.of("create"), List.of(), List.of(), "", List.of());

  private final ServedGroup core;
  private final List<ServedGroup> groups;

  private ApiCatalog(ServedGroup core, List<ServedGroup> groups) {
    this.core = core;
    this.groups = List.copyOf(groups);
  }

  /** The catalog of the registry's current resources and the legacy versions. */
  public static ApiCatalog of(ResourceRegistry registry) {
    return of(registry.all(), registry.customKinds());
  }

  /** The catalog of {@code types} and the legacy versions. */
  public static ApiCatalog of(Collection<ResourceType> types) {
    return of(types, List.of());
  }

  /** The catalog of {@code types}, the other served versions of the custom kinds, and the legacy versions. */
  public static ApiCatalog of(Collection<ResourceType> types, Collection<CustomKind> custom) {
    // group -> version -> plural -> resource
    Map<String, Map<String, Map<String, ServedResource>>> tree = new TreeMap<>();
    for (ResourceType t : types) {
      tree.computeIfAbsent(t.group(), g -> new TreeMap<>()).computeIfAbsent(t.version(), v -> new TreeMap<>())
          .put(t.plural(), stored(t));
    }
    Map<String, String> customPreferred = new TreeMap<>();
    for (CustomKind k : custom) {
      ResourceType t = k.type();
      for (CustomKind.Version v : k.versions()) {
        if (v.served() && !v.name().equals(t.version())) {
          ResourceType other = new ResourceType(t.group(), v.name(), t.plural(), t.singular(), t.kind(), t.namespaced(),
              t.shortNames(), t.categories(), v.subresources());
          tree.computeIfAbsent(t.group(), g -> new TreeMap<>()).computeIfAbsent(v.name(), x -> new TreeMap<>())
              .put(t.plural(), new ServedResource(other.group(), other.version(), other.plural(), other.singular(),
                  other.kind(), other.namespaced(), ServedResource.ALL_VERBS, other.shortNames(), other.categories(),
                  storageVersionHash(t.group(), t.version(), t.kind()), other.subresources().stream().sorted()
                      .map(s -> SubresourceInfo.of(other, s)).toList()));
        }
      }
      k.servedVersions().stream().sorted(KubeVersionOrder.INSTANCE).findFirst()
          .ifPresent(v -> customPreferred.merge(t.group(), v, (a, b) -> KubeVersionOrder.INSTANCE.compare(a, b) <= 0
              ? a : b));
    }
    Map<String, ResourceType> byResourceName = new TreeMap<>();
    types.forEach(t -> byResourceName.put(t.resourceName(), t));
    for (LegacyVersions.Entry e : LegacyVersions.all()) {
      ResourceType stored = byResourceName.get(e.storedResourceName());
      if (stored != null) {
        tree.computeIfAbsent(e.group(), g -> new TreeMap<>()).computeIfAbsent(e.version(), v -> new TreeMap<>())
            .putIfAbsent(e.plural(), legacy(e, stored));
      }
    }
    ServedResource cs = io.dekube.apiserver.rest.ComponentStatuses.served();
    tree.computeIfAbsent(cs.group(), g -> new TreeMap<>()).computeIfAbsent(cs.version(), v -> new TreeMap<>())
        .putIfAbsent(cs.plural(), cs);
    // POST /api/v1/namespaces/NS/bindings: a pod's binding by the Binding's name (create only, not stored)
    tree.computeIfAbsent("", g -> new TreeMap<>()).computeIfAbsent("v1", v -> new TreeMap<>())
        .putIfAbsent(BINDINGS.plural(), BINDINGS);
    for (ServedResource review : io.dekube.apiserver.authz.ReviewResources.served()) {
      tree.computeIfAbsent(review.group(), g -> new TreeMap<>()).computeIfAbsent(review.version(), v -> new TreeMap<>())
          .putIfAbsent(review.plural(), review);
    }
    ServedGroup core = null;
    List<ServedGroup> groups = new ArrayList<>();
    for (var group : tree.entrySet()) {
      String preferred = customPreferred.containsKey(group.getKey()) ? customPreferred.get(group.getKey())
          : preferredVersion(group.getKey(), types);
      ServedGroup served = group(group.getKey(), group.getValue(), preferred);
      if (group.getKey().isEmpty()) {
        core = served;
      } else {
        groups.add(served);
      }
    }
    groups.sort(Comparator.comparingInt((ServedGroup g) -> rank(g.name(), types)).thenComparing(ServedGroup::name));
    return new ApiCatalog(core != null ? core : new ServedGroup("", List.of()), groups);
  }

  /**
   * This catalog with the aggregated groups appended after the served ones (in their given order);
   * a group served here is not replaced.
   */
  public ApiCatalog withAggregated(List<ServedGroup> aggregated) {
    if (aggregated.isEmpty()) {
      return this;
    }
    List<ServedGroup> all = new ArrayList<>(groups);
    for (ServedGroup g : aggregated) {
      if (!g.versions().isEmpty() && all.stream().noneMatch(h -> h.name().equals(g.name()))) {
        all.add(g);
      }
    }
    return new ApiCatalog(core, all);
  }

  /** The core group ({@code /api}). */
  public ServedGroup core() {
    return core;
  }

  /** The named groups ({@code /apis}), in priority order. */
  public List<ServedGroup> groups() {
    return groups;
  }

  /** A named group, or the core group for "". */
  public Optional<ServedGroup> group(String name) {
    return name.isEmpty() ? Optional.of(core) : groups.stream().filter(g -> g.name().equals(name)).findFirst();
  }

  /** kube-apiserver's storage version hash: base64 of the first 8 bytes of sha256("group/version/kind"). */
  public static String storageVersionHash(String group, String version, String kind) {
    try {
      byte[] sum = MessageDigest.getInstance("SHA-256")
          .digest((group + "/" + version + "/" + kind).getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(sum, 8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static ServedResource stored(ResourceType t) {
    List<SubresourceInfo> subresources = t.subresources().stream().sorted().map(s -> SubresourceInfo.of(t, s)).toList();
    return new ServedResource(t.group(), t.version(), t.plural(), t.singular(), t.kind(), t.namespaced(),
        ServedResource.verbsOf(t.group(), t.plural()), t.shortNames(), t.categories(), storageVersionHash(t.group(), t.version(), t.kind()),
        subresources);
  }

  /** An old version: no short names or categories, so kubectl's shortcuts and "all" keep to the stored one. */
  private static ServedResource legacy(LegacyVersions.Entry e, ResourceType stored) {
    return new ServedResource(e.group(), e.version(), e.plural(), stored.singular(), e.kind(), stored.namespaced(),
        ServedResource.ALL_VERBS, e.current() ? stored.shortNames() : List.of(),
        e.current() ? stored.categories() : List.of(),
        storageVersionHash(stored.group(), stored.version(), stored.kind()), List.of());
  }

  private static ServedGroup group(String name, Map<String, Map<String, ServedResource>> versions, String preferred) {
    List<String> order = new ArrayList<>(versions.keySet());
    order.sort(KubeVersionOrder.INSTANCE);
    if (preferred != null && order.remove(preferred)) {
      order.add(0, preferred);
    }
    List<ServedGroup.ServedVersion> served = order.stream()
        .map(v -> new ServedGroup.ServedVersion(v, List.copyOf(versions.get(v).values()))).toList();
    return new ServedGroup(name, served);
  }

  /** The stored version of a group's resources (the highest, should they differ), or null if none is stored. */
  private static String preferredVersion(String group, Collection<ResourceType> types) {
    return types.stream().filter(t -> t.group().equals(group)).map(ResourceType::version)
        .sorted(KubeVersionOrder.INSTANCE).findFirst().orElse(null);
  }

  private static int rank(String group, Collection<ResourceType> types) {
    int builtIn = GROUP_PRIORITY.indexOf(group);
    if (builtIn >= 0) {
      return builtIn;
    }
    boolean stored = types.stream().anyMatch(t -> t.group().equals(group));
    return stored ? GROUP_PRIORITY.size() : GROUP_PRIORITY.size() + 1;
  }
}
