package io.dekube.apiserver.authz;

import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.rest.ApiPath;
import java.util.Optional;
import java.util.function.Function;

/**
 * What a request asks to do, as kube-apiserver's authorizers see it (its {@code RequestInfo}):
 * the user; the verb; for resource requests the API group, version, resource, subresource,
 * namespace and name; for others the path. Immutable.
 */
public record Attributes(UserInfo user, String verb, boolean resourceRequest, String apiGroup, String apiVersion,
                         String resource, String subresource, String namespace, String name, String path) {

  public Attributes {
    apiGroup = nz(apiGroup);
    apiVersion = nz(apiVersion);
    resource = nz(resource);
    subresource = nz(subresource);
    namespace = nz(namespace);
    name = nz(name);
    path = nz(path);
  }

  /** A resource request. */
  public static Attributes resource(UserInfo user, String verb, String group, String resource, String subresource,
                                    String namespace, String name) {
    return new Attributes(user, verb, true, group, "*", resource, subresource, namespace, name, "");
  }

  /** A non-resource request ({@code /healthz}, {@code /apis}). */
  public static Attributes nonResource(UserInfo user, String verb, String path) {
    return new Attributes(user, verb, false, "", "", "", "", "", "", path);
  }

  /**
   * The attributes of an HTTP request, as kube's RequestInfoFactory derives them: GET on a
   * collection is {@code list} ({@code watch} with {@code ?watch=true} or the {@code /watch/}
   * prefix), on an object {@code get}; POST {@code create}; PUT {@code update}; PATCH {@code patch};
   * DELETE on an object {@code delete}, on a collection {@code deletecollection}. A namespace's own
   * path is in that namespace; a list with {@code fieldSelector=metadata.name=x} names {@code x}.
   */
  public static Attributes of(UserInfo user, String method, String path, Function<String, String> query) {
    String m = method.toLowerCase();
    Optional<ApiPath> parsed = ApiPath.parse(path);
    if (parsed.isEmpty()) {
      return nonResource(user, m.equals("head") ? "get" : m, path);
    }
    ApiPath p = parsed.get();
    String namespace = p.namespace();
    if (namespace == null && p.resource().equals("namespaces") && p.name() != null) {
      namespace = p.name();
    }
    String name = p.name();
    boolean watch = p.watchPrefix() || "true".equals(query.apply("watch")) || "1".equals(query.apply("watch"));
    String verb = switch (m) {
      case "get", "head" -> watch ? "watch" : name == null ? "list" : "get";
      case "post" -> "create";
      case "put" -> "update";
      case "patch" -> "patch";
      case "delete" -> name == null ? "deletecollection" : "delete";
      default -> m;
    };
    if ((verb.equals("list") || verb.equals("watch")) && name == null) {
      name = nameFromFieldSelector(query.apply("fieldSelector"));
    }
    return new Attributes(user, verb, true, p.group(), p.version(), p.resource(), p.subresource(), namespace, name,
        path);
  }

  private static String nameFromFieldSelector(String selector) {
    if (selector == null) {
      return "";
    }
    for (String term : selector.split(",")) {
      String t = term.trim();
      for (String op : new String[] {"metadata.name==", "metadata.name="}) {
        if (t.startsWith(op)) {
          return t.substring(op.length());
        }
      }
    }
    return "";
  }

  /** The same request by another user. */
  public Attributes withUser(UserInfo other) {
    return new Attributes(other, verb, resourceRequest, apiGroup, apiVersion, resource, subresource, namespace, name,
        path);
  }

  private static String nz(String s) {
    return s == null ? "" : s;
  }
}
