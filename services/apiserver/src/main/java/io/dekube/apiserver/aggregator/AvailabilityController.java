package io.dekube.apiserver.aggregator;

import io.dekube.core.net.ApiServiceBackends;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-aggregator's availability controller: for each APIService, {@code Available} is True
 * {@code Local} for a local one; else the Service must exist ({@code ServiceNotFound}), listen on the
 * port ({@code ServicePortError}) and have a ready endpoint ({@code MissingEndpoints}), and
 * {@code GET /apis/<group>/<version>} on that endpoint must answer 2xx within 5 s
 * ({@code FailedDiscoveryCheck}), then True {@code Passed}. The answer is kept for discovery. An
 * APIService is checked when it changes, when its Service or endpoints change, and again after 30 s
 * (5 s while unavailable). The status is written only when it changes. One check per APIService at a
 * time; checks are asynchronous, so a slow backend holds no thread. Runs on the aggregator's context.
 */
final class AvailabilityController {

  private static final Logger LOG = LoggerFactory.getLogger(AvailabilityController.class);
  static final long CHECK_TIMEOUT_MS = 5_000;
  static final long RECHECK_AVAILABLE_MS = 30_000;
  static final long RECHECK_UNAVAILABLE_MS = 5_000;

  private final Vertx vertx;
  private final StoreApi store;
  private final Informer apiServices;
  private final Aggregator aggregator;
  private final Set<String> running = new HashSet<>();
  private final Set<String> again = new HashSet<>();
  private final Map<String, Long> timers = new HashMap<>();
  private final io.vertx.core.Context context;

  AvailabilityController(Vertx vertx, StoreApi store, Informer apiServices, Aggregator aggregator) {
    this.vertx = vertx;
    this.store = store;
    this.apiServices = apiServices;
    this.aggregator = aggregator;
    this.context = vertx.getOrCreateContext();
  }

  /** Checks one APIService soon; a check already running is followed by another. */
  void check(String name) {
    context.runOnContext(v -> {
      if (!running.add(name)) {
        again.add(name);
        return;
      }
      Long timer = timers.remove(name);
      if (timer != null) {
        vertx.cancelTimer(timer);
      }
      ObjectNode api = apiServices.get("", name);
      if (api == null) {
        running.remove(name);
        aggregator.discovered(name, null);
        return;
      }
      wanted(api).compose(condition -> write(api, condition)).onComplete(ar -> {
        running.remove(name);
        boolean available = ar.succeeded() && ar.result();
        if (ar.failed() && ar.cause() instanceof StatusException s && s.code() == 409) {
          // the object changed since the cache's copy (often by this controller's own last write, not
          // yet back from the bus): check again from the current copy, as kube's controllers requeue
          again.remove(name);
          apiServices.waitForCurrent().onComplete(x -> check(name));
          return;
        }
        if (ar.failed()) {
          LOG.warn("cannot check APIService {}: {}", name, ar.cause().toString());
        }
        if (again.remove(name)) {
          check(name);
        } else if (!ApiServiceBackends.local(api)) {
          timers.put(name, vertx.setTimer(available ? RECHECK_AVAILABLE_MS : RECHECK_UNAVAILABLE_MS, t -> {
            timers.remove(name);
            check(name);
          }));
        }
      });
    });
  }

  /** The Available condition {@code api} should have now. */
  private Future<ObjectNode> wanted(ObjectNode api) {
    Instant now = Instant.now();
    if (ApiServiceBackends.local(api)) {
      return Future.succeededFuture(ApiServiceConditions.available(true, "Local",
          "Local APIServices are always available", now));
    }
    String name = Aggregator.name(api);
    ApiServiceBackends.Resolution r = aggregator.resolve(api);
    if (!r.resolved()) {
      aggregator.discovered(name, null);
      return Future.succeededFuture(ApiServiceConditions.available(false, r.reason(), r.message(), now));
    }
    String path = "/apis/" + api.path("spec").path("group").asText() + "/" + api.path("spec").path("version").asText();
    String url = r.target().url() + path;
    return discovery(api, r.target(), path).map(list -> {
      aggregator.discovered(name, list);
      return ApiServiceConditions.available(true, "Passed", "all checks passed", now);
    }).recover(e -> {
      aggregator.discovered(name, null);
      return Future.succeededFuture(ApiServiceConditions.available(false, "FailedDiscoveryCheck",
          "failing or missing response from " + url + ": " + e.getMessage(), now));
    });
  }

  private Future<JsonNode> discovery(ObjectNode api, ApiServiceBackends.Target t, String path) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET)
        .setServer(SocketAddress.inetSocketAddress(t.port(), t.host())).setHost(t.serverName()).setPort(t.port())
        .setURI(path).setTimeout(CHECK_TIMEOUT_MS).putHeader("Accept", "application/json")
        .putHeader("X-Remote-User", Aggregator.CHECK_USER).putHeader("X-Remote-Group", "system:masters");
    return aggregator.clients().client(api).request(o).compose(req -> req.send()).compose(resp -> resp.body()
        .compose(body -> {
          if (resp.statusCode() / 100 != 2) {
            return Future.failedFuture("bad status from " + t.url() + path + ": " + resp.statusCode());
          }
          try {
            return Future.succeededFuture(Json.MAPPER.readTree(body.getBytes()));
          } catch (java.io.IOException e) {
            return Future.failedFuture("not an APIResourceList: " + e.getMessage());
          }
        }));
  }

  /** Writes {@code condition} when it differs; completes with whether it says Available. */
  private Future<Boolean> write(ObjectNode api, ObjectNode condition) {
    boolean available = "True".equals(condition.path("status").asText());
    if (!ApiServiceConditions.differs(api, condition)) {
      return Future.succeededFuture(available);
    }
    LOG.info("APIService {}: Available={} ({}: {})", Aggregator.name(api), condition.path("status").asText(),
        condition.path("reason").asText(), condition.path("message").asText());
    return store.updateStatus(apiServices.type(), ApiServiceConditions.withCondition(api, condition),
        WriteOptions.none()).map(available);
  }
}
