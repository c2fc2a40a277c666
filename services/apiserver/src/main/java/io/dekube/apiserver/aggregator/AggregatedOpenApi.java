package io.dekube.apiserver.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.discovery.KubeVersionOrder;
import io.dekube.apiserver.openapi.AggregatedSpecs;
import io.dekube.apiserver.openapi.OpenApiDocuments;
import io.dekube.apiserver.openapi.v2.SwaggerMerge;
import io.dekube.apiserver.openapi.v2.SwaggerToV3;
import io.dekube.core.model.Json;
import io.dekube.core.net.ApiServiceBackends;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-aggregator's OpenAPI controllers ({@code openapi/} and {@code openapiv3/}): for each available
 * non-local APIService, the backend's {@code /openapi/v2} (as {@code system:aggregator}, within 60 s),
 * reduced to its {@code /apis/} paths for the merged {@code /openapi/v2}, and its {@code /openapi/v3}
 * index entry for the APIService's group version, whose document is then fetched from the backend at
 * each request, as kube proxies it. A backend without {@code /openapi/v3} (metrics-server) gets its v2
 * converted, served by the apiserver. A backend without {@code /openapi/v2} either is left out with
 * kube's {@code loading OpenAPI spec for "NAME" failed with: ...} line.
 *
 * <p>Lazy, as kube-apiserver builds its OpenAPI: nothing is fetched before the first OpenAPI request;
 * from then on a backend is fetched again when its APIService changes (spec or availability) and, in the
 * background of a request, once its copy is older than a minute (kube's re-download period). Only the reduced v2 bytes
 * (and a converted v3 document) are kept per backend. Thread-safe.
 */
final class AggregatedOpenApi implements AggregatedSpecs {

  private static final Logger LOG = LoggerFactory.getLogger(AggregatedOpenApi.class);
  /** The user kube-aggregator downloads specs as. */
  static final String USER = "system:aggregator";
  static final long DOWNLOAD_TIMEOUT_MS = 60_000;
  static final long REFRESH_MS = 60_000;
  /** How long a request waits for a backend's first copy (the availability check's limit too). */
  static final long FIRST_FETCH_WAIT_MS = 5_000;

  /** What one fetch of a backend gave: null v2 when it serves none. */
  record Fetched(byte[] v2, String v2Hash, Map<String, String> v3Paths, OpenApiDocuments.Document converted) {
  }

  /** A backend's fetch started at {@code at}, and the last one before it ({@code previous}, null for none). */
  private record Entry(ObjectNode api, String fingerprint, long at, Future<Fetched> fetched, Future<Fetched> previous) {

    /** The fetch to answer from: the newest one once done; while it runs, the one before (a refresh waits for nothing). */
    Future<Fetched> usable() {
      return fetched.isComplete() || previous == null ? fetched : previous;
    }
  }

  /** An answer of the backend. */
  private record Answer(int status, Buffer body) {
  }

  private final Aggregator aggregator;
  private final Map<String, Entry> backends = new ConcurrentHashMap<>();
  private volatile boolean asked;

  AggregatedOpenApi(Aggregator aggregator) {
    this.aggregator = aggregator;
  }

  /** An APIService changed: once OpenAPI was asked for, its backend is fetched again now. */
  void changed() {
    if (asked) {
      snapshot();
    }
  }

  @Override
  public Future<Snapshot> snapshot() {
    asked = true;
    List<ObjectNode> apis = available();
    Set<String> names = apis.stream().map(Aggregator::name).collect(Collectors.toSet());
    backends.keySet().removeIf(n -> !names.contains(n));
    List<Future<Fetched>> fetches = apis.stream().map(this::entry).map(Entry::usable).map(this::bounded).toList();
    return Future.join(fetches).transform(ignored -> {
      List<byte[]> v2 = new ArrayList<>();
      StringBuilder tag = new StringBuilder();
      Map<String, String> v3 = new TreeMap<>();
      for (int i = 0; i < apis.size(); i++) {
        Fetched f = fetches.get(i).succeeded() ? fetches.get(i).result() : null;
        if (f == null) {
          continue;
        }
        if (f.v2() != null) {
          v2.add(f.v2());
          tag.append(Aggregator.name(apis.get(i))).append('=').append(f.v2Hash()).append(';');
        }
        f.v3Paths().forEach(v3::putIfAbsent);
      }
      return Future.succeededFuture(new Snapshot(v2, tag.toString(), v3));
    });
  }

  @Override
  public Future<Optional<OpenApiDocuments.Document>> v3(String key) {
    return snapshot().compose(s -> {
      if (!s.v3Paths().containsKey(key)) {
        return Future.succeededFuture(Optional.empty());
      }
      for (Entry e : backends.values()) {
        Fetched f = e.usable().succeeded() ? e.usable().result() : null;
        if (f == null || !f.v3Paths().containsKey(key)) {
          continue;
        }
        if (f.converted() != null) {
          return Future.succeededFuture(Optional.of(f.converted()));
        }
        String hash = hashOf(f.v3Paths().get(key));
        return get(e.api(), "/openapi/v3/" + key).map(a -> {
          if (a.status() != 200) {
            return Optional.<OpenApiDocuments.Document>empty();
          }
          byte[] bytes = a.body().getBytes();
          return Optional.of(new OpenApiDocuments.Document(key, bytes, hash != null ? hash
              : OpenApiDocuments.hash(bytes)));
        });
      }
      return Future.succeededFuture(Optional.empty());
    });
  }

  /**
   * {@code f}, or a failure once it took {@value #FIRST_FETCH_WAIT_MS} ms: a request waits that long for a
   * backend's first copy, then is answered without it, as kube's merge leaves out a spec "not yet available".
   */
  private Future<Fetched> bounded(Future<Fetched> f) {
    if (f.isComplete()) {
      return f;
    }
    Vertx vertx = aggregator.clients().vertx();
    Promise<Fetched> p = Promise.promise();
    long timer = vertx.setTimer(FIRST_FETCH_WAIT_MS, t -> p.tryFail("spec is not yet available"));
    f.onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete(ar.result());
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  /** The non-local APIServices whose Available condition is True, in kube's priority order. */
  private List<ObjectNode> available() {
    List<ObjectNode> apis = new ArrayList<>(aggregator.remote().stream().filter(a -> {
      JsonNode c = ApiServiceConditions.current(a);
      return c != null && "True".equals(c.path("status").asText());
    }).toList());
    apis.sort(Comparator.comparingLong((JsonNode a) -> -a.path("spec").path("groupPriorityMinimum").asLong())
        .thenComparing(a -> a.path("spec").path("group").asText())
        .thenComparingLong(a -> -a.path("spec").path("versionPriority").asLong())
        .thenComparing((a, b) -> KubeVersionOrder.INSTANCE.compare(a.path("spec").path("version").asText(),
            b.path("spec").path("version").asText())));
    return apis;
  }

  /**
   * The backend's entry: fetched again when its APIService changed (then the request waits for it), and
   * when its copy is over a minute old (then in the background: the request is answered from the copy,
   * as kube serves the last download while its controller downloads again).
   */
  private Entry entry(ObjectNode api) {
    String fingerprint = api.path("spec").toString();
    long now = System.currentTimeMillis();
    return backends.compute(Aggregator.name(api), (name, e) -> {
      if (e == null || !e.fingerprint().equals(fingerprint)) {
        return new Entry(api, fingerprint, now, fetch(api), null);
      }
      if (!e.fetched().isComplete() || now - e.at() < REFRESH_MS) {
        return e;
      }
      return new Entry(api, fingerprint, now, fetch(api), e.fetched());
    });
  }

  private Future<Fetched> fetch(ObjectNode api) {
    String name = Aggregator.name(api);
    String key = "apis/" + api.path("spec").path("group").asText() + "/" + api.path("spec").path("version").asText();
    Future<Answer> v3 = get(api, "/openapi/v3");
    Future<Answer> v2 = get(api, "/openapi/v2");
    return Future.join(v3, v2).transform(ignored -> {
      try {
        JsonNode spec = v2Spec(name, v2);
        byte[] reduced = spec == null ? null : Json.MAPPER.writeValueAsBytes(SwaggerMerge.filter(spec));
        String hash = reduced == null ? null : OpenApiDocuments.hash(reduced);
        if (v3.succeeded() && v3.result().status() == 200) {
          String url = Json.MAPPER.readTree(v3.result().body().getBytes()).path("paths").path(key)
              .path("serverRelativeURL").asText("");
          Map<String, String> paths = url.isEmpty() ? Map.of() : Map.of(key, url);
          return Future.succeededFuture(new Fetched(reduced, hash, paths, null));
        }
        if (spec == null || v3.failed() || v3.result().status() != 404) {
          return Future.succeededFuture(new Fetched(reduced, hash, Map.of(), null));
        }
        // no /openapi/v3: kube's openapiv2converter serves the whole v2 document, converted, as the group version's
        byte[] bytes = Json.MAPPER.writeValueAsBytes(SwaggerToV3.convert(spec));
        OpenApiDocuments.Document doc = new OpenApiDocuments.Document(key, bytes, OpenApiDocuments.hash(bytes));
        Map<String, String> paths = new LinkedHashMap<>();
        paths.put(key, "/openapi/v3/" + key + "?hash=" + doc.hash());
        return Future.succeededFuture(new Fetched(reduced, hash, paths, doc));
      } catch (java.io.IOException e) {
        LOG.warn("loading OpenAPI spec for \"{}\" failed with: {}", name, e.getMessage());
        return Future.failedFuture(e);
      }
    });
  }

  /** The backend's v2 document, or null (logged as kube's OpenAPI controller logs it). */
  private static JsonNode v2Spec(String name, Future<Answer> v2) throws java.io.IOException {
    String failure;
    if (v2.failed()) {
      failure = v2.cause().getMessage();
    } else if (v2.result().status() == 404) {
      failure = "resource not found";
    } else if (v2.result().status() != 200) {
      failure = "failed to retrieve openAPI spec, http error: ResponseCode: " + v2.result().status() + ", Body: "
          + v2.result().body().toString(StandardCharsets.UTF_8).trim();
    } else {
      JsonNode spec = Json.MAPPER.readTree(v2.result().body().getBytes());
      if (spec != null && spec.isObject()) {
        return spec;
      }
      failure = "not a Swagger document";
    }
    LOG.warn("loading OpenAPI spec for \"{}\" failed with: failed to download {}: {}", name, name, failure);
    return null;
  }

  private static String hashOf(String serverRelativeUrl) {
    int at = serverRelativeUrl.indexOf("hash=");
    return at < 0 ? null : serverRelativeUrl.substring(at + "hash=".length());
  }

  /** GET {@code uri} of the APIService's backend, as {@value #USER}. */
  private Future<Answer> get(ObjectNode api, String uri) {
    ApiServiceBackends.Resolution r = aggregator.resolve(api);
    if (!r.resolved()) {
      return Future.failedFuture("failed to retrieve openAPI spec, http error: ResponseCode: 503, Body: "
          + "service unavailable");
    }
    ApiServiceBackends.Target t = r.target();
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(SocketAddress.inetSocketAddress(t.port(), t.host())).setHost(t.serverName()).setPort(t.port())
        .setURI(uri).setTimeout(DOWNLOAD_TIMEOUT_MS).putHeader("Accept", "application/json")
        .putHeader("X-Remote-User", USER);
    return aggregator.clients().client(api).request(o).compose(req -> req.send())
        .compose(resp -> resp.body().map(body -> new Answer(resp.statusCode(), body)));
  }
}
