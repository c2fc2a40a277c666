package io.dekube.kubelet.server.auth;

/**
 * What a request to the kubelet API asks for, in the terms of the API it is authorized against, as
 * kube's kubelet maps it ({@code pkg/kubelet/server/auth.go}, {@code GetRequestAttributes}, v1.32
 * without the alpha {@code KubeletFineGrainedAuthz}): the {@code nodes} resource named after this
 * node, with subresource {@code stats} ({@code /stats/...}), {@code metrics} ({@code /metrics/...}),
 * {@code log} ({@code /logs/...}), {@code checkpoint} ({@code /checkpoint/...}), and {@code proxy}
 * for every other path ({@code /exec}, {@code /attach}, {@code /portForward}, {@code /containerLogs},
 * {@code /run}, {@code /pods}, {@code /configz}, {@code /healthz}, {@code /spec}...). The verb follows
 * the HTTP method (POST create, GET get, PUT update, PATCH patch, DELETE delete, any other none):
 * a WebSocket upgrade is a GET, so exec over WebSocket is {@code get nodes/proxy}, as in kube. Pure.
 *
 * @param user        who asks
 * @param verb        the API verb ({@code ""} for a method kube does not map)
 * @param subresource the subresource of {@code nodes}
 * @param node        the node's name
 * @param path        the request's path
 */
public record NodeAttributes(KubeletUser user, String verb, String subresource, String node, String path) {

  /** The attributes of {@code method path} on node {@code node} asked by {@code user}. */
  public static NodeAttributes of(KubeletUser user, String method, String path, String node) {
    String verb = switch (method) {
      case "POST" -> "create";
      case "GET" -> "get";
      case "PUT" -> "update";
      case "PATCH" -> "patch";
      case "DELETE" -> "delete";
      default -> "";
    };
    String subresource;
    if (isSubpath(path, "/stats")) {
      subresource = "stats";
    } else if (isSubpath(path, "/metrics")) {
      subresource = "metrics";
    } else if (isSubpath(path, "/logs")) {
      subresource = "log";
    } else if (isSubpath(path, "/checkpoint")) {
      subresource = "checkpoint";
    } else {
      subresource = "proxy";
    }
    return new NodeAttributes(user, verb, subresource, node, path);
  }

  /** Whether {@code path} is {@code prefix} or below it ({@code /statsx} is not below {@code /stats}). */
  static boolean isSubpath(String path, String prefix) {
    return path.equals(prefix) || (path.startsWith(prefix) && path.charAt(prefix.length()) == '/');
  }

  /** kube's words for the request in its 403 and 500 answers: {@code user=jane, verb=get, resource=nodes, subresource=proxy}. */
  public String describe() {
    return "user=" + user.name() + ", verb=" + verb + ", resource=nodes, subresource=" + subresource;
  }
}
