package io.dekube.apiserver.metrics;

import io.dekube.apiserver.authz.Attributes;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Function;

/**
 * The labels kube-apiserver puts on a request in {@code apiserver_request_total} and
 * {@code apiserver_request_duration_seconds} (its {@code endpoints/metrics} package), the code
 * aside: the verb as kube reports it ({@code GET}, {@code LIST}, {@code WATCH}, {@code POST},
 * {@code PUT}, {@code PATCH}, {@code APPLY}, {@code DELETE}, {@code DELETECOLLECTION},
 * {@code CONNECT}), {@code dry_run}, the group, version, resource and subresource, and the scope
 * ({@code resource} when the path names one object, else {@code namespace} or {@code cluster}).
 * A non-resource request ({@code /healthz}, {@code /apis}) has empty resource labels and its path
 * as the subresource, as kube labels its health checks. Immutable; pure.
 */
public record RequestLabels(String verb, String dryRun, String group, String version, String resource,
                            String subresource, String scope) {

  /** kube's {@code component} label of the apiserver's own requests. */
  public static final String COMPONENT = "apiserver";

  /** Subresources kube serves with a Connecter (verb {@code CONNECT}): streams, not requests. */
  private static final Set<String> CONNECT_SUBRESOURCES = Set.of("exec", "attach", "portforward", "proxy");

  /** Non-resource paths whose label is kept whatever the answer (the rest only when answered below 400). */
  private static final Set<String> KNOWN_PATHS = Set.of("/healthz", "/livez", "/readyz", "/version", "/metrics",
      "/api", "/apis", "/openapi/v2", "/openapi/v3");

  /**
   * The labels of a request the authorization filter described.
   *
   * @param a           the request's attributes (kube's RequestInfo)
   * @param method      the HTTP method
   * @param contentType the request's Content-Type (null if none): a PATCH of
   *                    {@code application/apply-patch+yaml} is {@code APPLY}
   * @param query       the query parameters ({@code dryRun})
   */
  public static RequestLabels of(Attributes a, String method, String contentType, Function<String, String> query) {
    if (!a.resourceRequest()) {
      return nonResource(method, a.path());
    }
    String verb = verb(a, contentType);
    return new RequestLabels(verb, dryRun(method, query), a.apiGroup(), a.apiVersion(), a.resource(), a.subresource(),
        scope(a, verb));
  }

  /** A request no filter described (it failed authentication): the method's verb, no resource. */
  public static RequestLabels unauthenticated(String method) {
    return new RequestLabels(methodVerb(method), "", "", "", "", "", "");
  }

  /** A non-resource request: the method's verb, the path as the subresource. */
  public static RequestLabels nonResource(String method, String path) {
    return new RequestLabels(methodVerb(method), "", "", "", "", path, "");
  }

  /** Whether kube counts it as a long-running request (watches, exec/attach/port-forward/proxy, logs). */
  public boolean longRunning() {
    return verb.equals("WATCH") || verb.equals("CONNECT") || (!resource.isEmpty() && subresource.equals("log"));
  }

  /** Whether kube records its latency ({@code WATCH} and {@code CONNECT} last as long as the client wants). */
  public boolean timed() {
    return !verb.equals("WATCH") && !verb.equals("CONNECT");
  }

  /** Whether kube records its response size (reads: {@code GET} and {@code LIST}). */
  public boolean sized() {
    return verb.equals("GET") || verb.equals("LIST");
  }

  /**
   * These labels, or with the path and resource blanked when they could be anything a client typed:
   * a failed request ({@code code >= 400}) keeps them only for a served resource or a known path, so
   * that no client makes a series per made-up URL.
   */
  public RequestLabels bounded(int code, BiPredicate<String, String> served) {
    if (code < 400) {
      return this;
    }
    if (resource.isEmpty()) {
      return subresource.isEmpty() || KNOWN_PATHS.contains(subresource) ? this
          : new RequestLabels(verb, dryRun, "", "", "", "", scope);
    }
    return served.test(group, resource) ? this : new RequestLabels(verb, dryRun, "", "", "", "", scope);
  }

  private static String verb(Attributes a, String contentType) {
    if (CONNECT_SUBRESOURCES.contains(a.subresource())) {
      return "CONNECT";
    }
    return switch (a.verb()) {
      case "get" -> "GET";
      case "list" -> "LIST";
      case "watch" -> "WATCH";
      case "create" -> "POST";
      case "update" -> "PUT";
      case "patch" -> contentType != null && contentType.startsWith("application/apply-patch") ? "APPLY" : "PATCH";
      case "delete" -> "DELETE";
      case "deletecollection" -> "DELETECOLLECTION";
      default -> methodVerb(a.verb());
    };
  }

  /** kube's scope: an object's path is {@code resource}, a collection's its namespace or the cluster. */
  private static String scope(Attributes a, String verb) {
    // a list's name comes from its field selector, not its path: still a collection
    boolean collection = verb.equals("LIST") || verb.equals("WATCH") || verb.equals("DELETECOLLECTION");
    if (!collection && !a.name().isEmpty()) {
      return "resource";
    }
    return a.namespace().isEmpty() ? "cluster" : "namespace";
  }

  /** kube's {@code dry_run}: empty, {@code All}, or {@code invalid}; only writes are read for it. */
  private static String dryRun(String method, Function<String, String> query) {
    if (method.equals("GET") || method.equals("HEAD")) {
      return "";
    }
    String value = query.apply("dryRun");
    if (value == null || value.isEmpty()) {
      return "";
    }
    return value.equals("All") ? "All" : "invalid";
  }

  private static String methodVerb(String method) {
    return switch (method.toUpperCase()) {
      case "GET", "HEAD" -> "GET";
      case "POST" -> "POST";
      case "PUT" -> "PUT";
      case "PATCH" -> "PATCH";
      case "DELETE" -> "DELETE";
      case "OPTIONS" -> "OPTIONS";
      case "CONNECT" -> "CONNECT";
      default -> "other";
    };
  }
}
