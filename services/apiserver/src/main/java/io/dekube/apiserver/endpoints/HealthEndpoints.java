package io.dekube.apiserver.endpoints;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * {@code /healthz}, {@code /livez} and {@code /readyz} as kube-apiserver serves them (k8s.io/apiserver's
 * {@code healthz}): {@code ok}, or with {@code ?verbose} one {@code [+]name ok} / {@code [-]name failed: reason
 * withheld} line per check and a closing {@code <endpoint> check passed|failed}; {@code ?exclude=name} skips a check
 * (a name no check has is warned of); {@code /<endpoint>/<name>} runs one, the name's slashes included
 * ({@code /readyz/poststarthook/rbac/bootstrap-roles}). A failed check answers 500.
 *
 * <p>As kube's generic apiserver: a health check ({@link #addHealthCheck}) belongs to all three endpoints, a
 * readiness check ({@link #addReadyzCheck}) to {@code /readyz} only, a post-start hook ({@link #addPostStartHook})
 * is the health check {@code poststarthook/<name>} that fails {@code not finished} until its work is done. Each
 * endpoint lists its checks in the order they were added, as kube does. Checks are synchronous, cheap and called
 * on the event loop. Thread-safe.
 */
public final class HealthEndpoints {

  /** The three endpoints. */
  public enum Endpoint {
    HEALTHZ, LIVEZ, READYZ;

    String path() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** One named check: returns null when healthy, else why not. */
  public record Check(String name, Set<Endpoint> endpoints, Supplier<String> failure) {
  }

  /** A post-start hook's check: fails until {@link #done()}. */
  public static final class PostStartHook {
    private volatile boolean done;

    /** The hook's work is done: its check passes from now on. Idempotent, any thread. */
    public void done() {
      done = true;
    }

    /** Whether {@link #done()} was called. */
    public boolean isDone() {
      return done;
    }
  }

  private final List<Check> checks = new CopyOnWriteArrayList<>();

  /**
   * With kube's first two checks: {@code ping}, and {@code log}, which in kube fails when klog's buffered output
   * has not been flushed for a minute; dekube's log4j has no periodic flush to watch, so it passes.
   */
  public HealthEndpoints() {
    addHealthCheck("ping", () -> null);
    addHealthCheck("log", () -> null);
  }

  /** Adds a check that every endpoint runs (kube's {@code AddHealthChecks}). */
  public HealthEndpoints addHealthCheck(String name, Supplier<String> failure) {
    checks.add(new Check(name, EnumSet.allOf(Endpoint.class), failure));
    return this;
  }

  /** Adds a check that only {@code /readyz} runs (kube's {@code AddReadyzChecks}). */
  public HealthEndpoints addReadyzCheck(String name, Supplier<String> failure) {
    checks.add(new Check(name, EnumSet.of(Endpoint.READYZ), failure));
    return this;
  }

  /**
   * Adds the check {@code poststarthook/<name>} to every endpoint; it fails with kube's {@code not finished} until
   * the returned hook is {@linkplain PostStartHook#done() done}.
   */
  public PostStartHook addPostStartHook(String name) {
    PostStartHook hook = new PostStartHook();
    addHealthCheck("poststarthook/" + name, () -> hook.isDone() ? null : "not finished");
    return hook;
  }

  /** The checks of {@code endpoint}, in order. */
  public List<Check> checks(Endpoint endpoint) {
    return checks.stream().filter(c -> c.endpoints().contains(endpoint)).toList();
  }

  /** Adds the three endpoints and their per-check sub-paths (GET) to {@code router}. */
  public void mount(Router router) {
    for (Endpoint endpoint : Endpoint.values()) {
      String path = "/" + endpoint.path();
      router.route(HttpMethod.GET, path).handler(ctx -> report(ctx, endpoint.path(), checks(endpoint)));
      router.route(HttpMethod.GET, path + "/*")
          .handler(ctx -> single(ctx, ctx.request().path().substring(path.length() + 1), checks(endpoint)));
    }
  }

  private static void report(RoutingContext ctx, String endpoint, List<Check> checks) {
    Set<String> excluded = new TreeSet<>(ctx.queryParam("exclude"));
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
      // names no check has: warned of, sorted and quoted as kube's formatQuoted
      out.append("warn: some health checks cannot be excluded: no matches for ")
          .append(String.join(",", excluded.stream().map(n -> "\"" + n + "\"").toList())).append('\n');
    }
    if (failed) {
      text(ctx, 500, out.append(endpoint).append(" check failed\n").toString());
    } else {
      text(ctx, 200, verbose ? out.append(endpoint).append(" check passed\n").toString() : "ok");
    }
  }

  private static void single(RoutingContext ctx, String name, List<Check> checks) {
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
