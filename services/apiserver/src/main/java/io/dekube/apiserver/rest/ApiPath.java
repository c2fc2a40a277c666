package io.dekube.apiserver.rest;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A parsed resource URL: {@code /api/v1/[namespaces/{ns}/]{resource}[/{name}[/{subresource}]]}
 * (after {@code proxy}, the path the proxy forwards)
 * and {@code /apis/{group}/{version}/...}, with the legacy {@code /watch/} prefix after the
 * version. Discovery paths ({@code /api}, {@code /api/v1}, {@code /apis/apps/v1}) are not
 * resource paths. Which resources exist is the caller's check. Immutable.
 *
 * @param group       API group, "" for core
 * @param version     API version
 * @param namespace   the namespace of a namespaced path, or null
 * @param resource    plural resource name
 * @param name        object name, or null for collections
 * @param subresource subresource, or null
 * @param watchPrefix whether the path used the legacy {@code /watch/} prefix
 */
public record ApiPath(String group, String version, String namespace, String resource, String name,
                      String subresource, boolean watchPrefix) {

  /** Subresources of namespaces, which make {@code namespaces/{name}/{x}} not a namespaced path. */
  private static final List<String> NAMESPACE_SUBRESOURCES = List.of("status", "finalize");

  /**
   * Parses a request path. Empty for paths that are not resource paths (discovery, other
   * prefixes) or have too many segments; the caller answers those 404 or passes them on.
   */
  public static Optional<ApiPath> parse(String path) {
    List<String> seg = segments(path);
    if (seg.isEmpty()) {
      return Optional.empty();
    }
    String group;
    String version;
    int i;
    if (seg.get(0).equals("api") && seg.size() >= 3) {
      group = "";
      version = seg.get(1);
      i = 2;
    } else if (seg.get(0).equals("apis") && seg.size() >= 4) {
      group = seg.get(1);
      version = seg.get(2);
      i = 3;
    } else {
      return Optional.empty();
    }
    boolean watch = seg.get(i).equals("watch");
    if (watch) {
      i++;
    }
    return rest(group, version, seg.subList(i, seg.size()), watch);
  }

  private static Optional<ApiPath> rest(String group, String version, List<String> s, boolean watch) {
    if (s.isEmpty()) {
      return Optional.empty();
    }
    String ns = null;
    List<String> r = s;
    if (s.get(0).equals("namespaces") && s.size() >= 3 && !NAMESPACE_SUBRESOURCES.contains(s.get(2))) {
      ns = s.get(1);
      r = s.subList(2, s.size());
    }
    // only proxy has a path of its own after the subresource: pods/web:8080/proxy/healthz
    if (r.size() > 3 && !r.get(2).equals("proxy")) {
      return Optional.empty();
    }
    return Optional.of(new ApiPath(group, version, ns, r.get(0), r.size() > 1 ? r.get(1) : null,
        r.size() > 2 ? r.get(2) : null, watch));
  }

  private static List<String> segments(String path) {
    List<String> out = new ArrayList<>();
    if (path == null) {
      return out;
    }
    for (String p : path.split("/")) {
      if (!p.isEmpty()) {
        out.add(p);
      }
    }
    return out;
  }

  /** {@code v1} or {@code apps/v1}: the apiVersion the client addressed. */
  public String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** Whether the path names a namespace. */
  public boolean namespaced() {
    return namespace != null;
  }

  /** Whether the path names one object (get, update, patch, delete, subresources). */
  public boolean named() {
    return name != null;
  }
}
