package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.ResponseFormat;
import io.dekube.apiserver.discovery.ServedResource;
import io.dekube.apiserver.rest.table.Column;
import io.dekube.apiserver.rest.table.IncludeObject;
import io.dekube.apiserver.rest.table.TableBuilder;
import io.dekube.apiserver.rest.table.TablePrinter;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Function;

/**
 * {@code v1} ComponentStatus ({@code kubectl get componentstatuses}, {@code cs}): deprecated in kube
 * since 1.19 and still served by 1.32, with its Warning header, because old tutorials start with it.
 * Read-only (get, list), computed on each request as kube-apiserver does, never stored. kube-apiserver
 * probes the scheduler's and the controller-manager's {@code /healthz} on fixed local ports and each
 * etcd server; dekube's components live anywhere on the bus, so:
 * <ul>
 *   <li>{@code scheduler} and {@code controller-manager} are Healthy when their leader Lease
 *       ({@code kube-system/kube-scheduler}, {@code kube-system/kube-controller-manager}) is held and
 *       was renewed within its duration — some instance is running and leading;</li>
 *   <li>{@code store-0} is Healthy when the store answers a read of the {@code default} Namespace
 *       within 3 s (bus and writer both up). <b>Decision</b>: it is named for what it is, dekube's
 *       store on Kafka, not {@code etcd-0} as on kube: there is no etcd to report on.</li>
 * </ul>
 * Runs on the request's event loop; the store read is asynchronous.
 */
public final class ComponentStatuses {

  static final String WARNING = "v1 ComponentStatus is deprecated in v1.19+";
  static final Duration STORE_TIMEOUT = Duration.ofSeconds(3);
  private static final List<String> NAMES = List.of("scheduler", "controller-manager", "store-0");

  private static final TablePrinter PRINTER = TablePrinter.of(List.of(Column.NAME,
      Column.string("Status", "Status of the component conditions"),
      Column.string("Message", "Message of the component conditions"),
      Column.string("Error", "Error of the component conditions")), (o, now) -> {
        ObjectNode c = (ObjectNode) o.path("conditions").path(0);
        String status = "True".equals(c.path("status").asText()) ? "Healthy"
            : "False".equals(c.path("status").asText()) ? "Unhealthy" : "Unknown";
        return List.of(o.path("metadata").path("name").asText(), status, c.path("message").asText(""),
            c.path("error").asText(""));
      });

  private final Vertx vertx;
  private final StoreApi store;
  private final ResourceType namespaces;
  private final Informer leases;

  public ComponentStatuses(Vertx vertx, ResourceRegistry registry, StoreApi store, Function<ResourceType, Informer> informers) {
    this.vertx = vertx;
    this.store = store;
    this.namespaces = registry.byResourceName("namespaces").orElseThrow();
    this.leases = informers.apply(registry.byGroupPlural("coordination.k8s.io", "leases").orElseThrow());
  }

  /** How discovery lists it: core v1, cluster-scoped, get and list, short name {@code cs}. */
  public static ServedResource served() {
    return new ServedResource("", "v1", "componentstatuses", "componentstatus", "ComponentStatus", false,
        List.of("get", "list"), List.of("cs"), List.of(), "", List.of());
  }

  /** Adds the two read paths to {@code router} (before the generic REST routes). */
  public ComponentStatuses mount(Router router) {
    leases.start();
    router.route(HttpMethod.GET, "/api/v1/componentstatuses").handler(ctx -> answer(ctx, null));
    router.route(HttpMethod.GET, "/api/v1/componentstatuses/:name").handler(ctx -> answer(ctx, ctx.pathParam("name")));
    return this;
  }

  private void answer(RoutingContext ctx, String name) {
    boolean pretty = Responses.pretty(ctx);
    ResponseFormat format;
    try {
      if (ctx.queryParams().contains("watch") && !"false".equals(ctx.queryParam("watch").get(0))) {
        throw new StatusException(405, "MethodNotAllowed", "the server does not allow this method on the requested resource");
      }
      if (name != null && !NAMES.contains(name)) {
        throw new StatusException(404, "NotFound", "componentstatuses \"" + name + "\" not found",
            Json.object().put("name", name).put("kind", "componentstatuses"));
      }
      format = ResponseFormat.negotiate(ctx.request().getHeader("Accept"));
    } catch (RuntimeException e) {
      Responses.fail(ctx, e, pretty);
      return;
    }
    List<String> names = name == null ? NAMES : List.of(name);
    Future.all(names.stream().map(this::status).toList()).onComplete(ar -> {
      List<ObjectNode> items = ar.result().<ObjectNode>list();
      Responses.warnings(ctx, List.of(WARNING));
      ObjectNode body;
      if (format.shape() == ResponseFormat.Shape.TABLE) {
        body = TableBuilder.table(PRINTER, items, IncludeObject.parse(ctx.queryParams().get("includeObject")),
            format.metaVersion(), Json.object(), true, Instant.now());
      } else if (name != null) {
        body = items.get(0);
      } else {
        body = Json.object().put("kind", "ComponentStatusList").put("apiVersion", "v1");
        body.putObject("metadata");
        ArrayNode arr = body.putArray("items");
        items.forEach(arr::add);
      }
      Responses.send(ctx, 200, body, pretty, format.yaml());
    });
  }

  /** One component's status; never fails (a failed check is an Unhealthy condition). */
  private Future<ObjectNode> status(String component) {
    return switch (component) {
      case "scheduler" -> Future.succeededFuture(fromLease(component, "kube-scheduler"));
      case "controller-manager" -> Future.succeededFuture(fromLease(component, "kube-controller-manager"));
      default -> storeStatus(component);
    };
  }

  private ObjectNode fromLease(String component, String lease) {
    return fromLease(component, lease, leases.get("kube-system", lease), Instant.now());
  }

  /** A component's status from its leader Lease ({@code l}, null when absent) at {@code now}. Pure. */
  static ObjectNode fromLease(String component, String lease, ObjectNode l, Instant now) {
    ObjectNode spec = l == null ? Json.object() : (ObjectNode) l.path("spec");
    String holder = spec.path("holderIdentity").asText("");
    String where = "the kube-system/" + lease + " Lease";
    if (l == null || holder.isEmpty()) {
      return item(component, false, "", "no " + component + " holds " + where);
    }
    Instant renewed;
    try {
      renewed = Instant.parse(spec.path("renewTime").asText());
    } catch (DateTimeParseException e) {
      return item(component, false, "", where + " has no renewTime");
    }
    long ageSeconds = Duration.between(renewed, now).toSeconds();
    if (ageSeconds > spec.path("leaseDurationSeconds").asLong(15)) {
      return item(component, false, "", holder + " last renewed " + where + " " + ageSeconds + "s ago");
    }
    return item(component, true, "ok", "");
  }

  private Future<ObjectNode> storeStatus(String component) {
    Promise<ObjectNode> done = Promise.promise();
    long timer = vertx.setTimer(STORE_TIMEOUT.toMillis(), t -> done.tryComplete(item(component, false, "",
        "the store did not answer a read within " + STORE_TIMEOUT.toSeconds() + "s")));
    store.get(namespaces, "", "default").onComplete(ar -> {
      vertx.cancelTimer(timer);
      done.tryComplete(ar.succeeded() ? item(component, true, "ok", "")
          : item(component, false, "", "the store did not answer a read: " + ar.cause().getMessage()));
    });
    return done.future();
  }

  static ObjectNode item(String name, boolean healthy, String message, String error) {
    ObjectNode o = Json.object().put("kind", "ComponentStatus").put("apiVersion", "v1");
    o.putObject("metadata").put("name", name);
    ObjectNode c = o.putArray("conditions").addObject().put("type", "Healthy").put("status", healthy ? "True" : "False");
    if (!message.isEmpty()) {
      c.put("message", message);
    }
    if (!error.isEmpty()) {
      c.put("error", error);
    }
    return o;
  }
}
