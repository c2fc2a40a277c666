package io.dekube.apiserver.endpoints;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /livez} and {@code /readyz} as kube-apiserver serves them: {@code ok},
 * or with {@code ?verbose} one {@code [+]name ok} / {@code [-]name failed: reason withheld} line
 * per check and a closing {@code <endpoint> check passed|failed}; {@code ?exclude=name} skips a
 * check (a name no check has is warned of, as kube does); {@code /<endpoint>/<name>} runs one. A failed check answers 500. Liveness checks apply to
 * all three endpoints, readiness checks to {@code /readyz} and {@code /healthz}. Checks are
 * synchronous, cheap and called on the event loop. Thread-safe.
 */
public final class HealthEndpoints {

  /** One named check: returns null when healthy, else why not. */
  public record Check(String name, Supplier<String> failure) {
  }

  private final List<Check> liveness = new CopyOnWriteArrayList<>();
  private final List<Check> readiness = new CopyOnWriteArrayList<>();

  public HealthEndpoints() {
    liveness.add(new Check("ping", () -> null));
  }

  /** Adds a check that every endpoint runs. */
  public HealthEndpoints addLivenessCheck(String name, Supplier<String> failure) {
    liveness.add(new Check(name, failure));
    return this;
  }

  /** Adds a check that {@code /readyz} and {@code /healthz} run. */
  public HealthEndpoints addReadinessCheck(String name, Supplier<String> failure) {
    readiness.add(new Check(name, failure));
    return this;
  }

  /** Adds the three endpoints and their per-check sub-paths (GET) to {@code router}. */
  public void mount(Router router) {
    Map<String, Supplier<List<Check>>> endpoints = Map.of(
        "healthz", this::all, "readyz", this::all, "livez", () -> List.copyOf(liveness));
    endpoints.forEach((name, checks) -> {
      router.route(HttpMethod.GET, "/" + name).handler(ctx -> report(ctx, name, checks.get()));
      router.route(HttpMethod.GET, "/" + name + "/:check").handler(ctx -> single(ctx, checks.get()));
    });
  }

  private List<Check> all() {
    List<Check> checks = new ArrayList<>(liveness);
    checks.addAll(readiness);
    return checks;
  }

  private static void report(RoutingContext ctx, String endpoint, List<Check> checks) {
    Set<String> excluded = new java.util.TreeSet<>(ctx.queryParam("exclude"));
    boolean verbose = ctx.queryParams().contains("verbose");
    StringBuilder out = new StringBuilder();
    boolean failed = false;
    for (Check check : checks) {
      if (excluded.remove(check.name())) {
        out.append("[+]").append(check.name()).append(" excluded: ok\n");
        continue;
      }
      String failure = run(check);
      failed |= failure != null;
      out.append(failure == null ? "[+]" : "[-]").append(check.name())
          .append(failure == null ? " ok\n" : " failed: reason withheld\n");
    }
    if (!excluded.isEmpty()) {
      // names no check has (kube's etcd, say): warned of, sorted and quoted as kube's formatQuoted
      out.append("warn: some health checks cannot be excluded: no matches for ")
          .append(String.join(",", excluded.stream().map(n -> "\"" + n + "\"").toList())).append('\n');
    }
    if (failed) {
      text(ctx, 500, out.append(endpoint).append(" check failed\n").toString());
    } else {
      text(ctx, 200, verbose ? out.append(endpoint).append(" check passed\n").toString() : "ok");
    }
  }

  private static void single(RoutingContext ctx, List<Check> checks) {
    String name = ctx.pathParam("check");
    Check check = checks.stream().filter(c -> c.name().equals(name)).findFirst().orElse(null);
    if (check == null) {
      ctx.next();
      return;
    }
    String failure = run(check);
    text(ctx, failure == null ? 200 : 500, failure == null ? "ok" : "internal server error: " + failure + "\n");
  }

  private static String run(Check check) {
    try {
      return check.failure().get();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private static void text(RoutingContext ctx, int code, String body) {
    ctx.response().setStatusCode(code)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
        .putHeader("X-Content-Type-Options", "nosniff")
        .end(body);
  }
}
