package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.server.ResponseAbort;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import io.dekube.store.admission.webhook.AdmissionAttributes;

/**
 * The {@code proxy} subresource of pods, services and nodes, as kube-apiserver serves it
 * ({@code kubectl proxy}, {@code kubectl get --raw .../pods/web:8080/proxy/healthz}): the name is
 * {@code [scheme:]name[:port]}; a pod's port is the named one or its first containerPort, at its pod
 * IP; a service's port is a ServicePort's name or number, and the request goes to a random ready
 * address of its Endpoints on that port's target; a node's is its kubelet API (HTTPS with the
 * apiserver's kubelet client certificate; another port of the node when named). The rest of the path after {@code /proxy}, the query,
 * the method, the headers (without hop-by-hop ones and the client's credentials) and the body go to
 * the target, whose answer streams back; a WebSocket upgrade is tunnelled raw both ways, as kube's
 * UpgradeAwareHandler does. Runs on the request's event loop.
 */
final class ServiceProxy {

  /** Where a request goes, and with which client. */
  record Target(HttpClient client, String host, int port) {
  }

  /** {@code [scheme:]name[:port]}. */
  record Id(String scheme, String name, String port) {
    static Id parse(String id) {
      String[] p = id.split(":", -1);
      return switch (p.length) {
        case 1 -> new Id("", p[0], "");
        case 2 -> new Id("", p[0], p[1]);
        case 3 -> new Id(p[0], p[1], p[2]);
        default -> throw StatusException.badRequest("invalid request " + id);
      };
    }
  }

  private final HttpClient http;
  private final HttpClient https;
  private final KubeletProxy kubelets;
  private final Function<ResourceType, ObjectCache> caches;
  private final ResourceType endpoints;

  private final Supplier<DynamicAdmission> admission;

  /** {@code kubelets}: how nodes' kubelets are reached; null when this apiserver has no kubelet client. */
  ServiceProxy(HttpClient http, HttpClient https, KubeletProxy kubelets, Function<ResourceType, ObjectCache> caches,
               ResourceRegistry registry, Supplier<DynamicAdmission> admission) {
    this.http = http;
    this.https = https;
    this.kubelets = kubelets;
    this.caches = caches;
    this.endpoints = registry.byResourceName("endpoints").orElseThrow();
    this.admission = admission;
  }

  /**
   * Proxies the request, once the admission webhooks and policies that name the subresource let it through: kube
   * admits every method of {@code pods/proxy}, {@code services/proxy} and {@code nodes/proxy} as a {@code CONNECT}
   * with its {@code *ProxyOptions}, before it looks for the target.
   */
  void handle(ApiRequest r) {
    DynamicAdmission webhooks = admission.get();
    if (!webhooks.on(r.type())) {
      proxy(r);
      return;
    }
    var req = r.ctx().request();
    boolean paused = !req.isEnded();
    if (paused) {
      req.pause();
    }
    String path = uri(req.path(), r.name(), null);
    ObjectNode options = ConnectOptions.proxy(r.type().plural(), path.equals("/") && !req.path().endsWith("/proxy/")
        ? "" : path);
    webhooks.subresource(r, r.type(), AdmissionAttributes.CONNECT, r.name(), ConnectOptions.proxyKind(
        r.type().plural()), options, null, false, null).onComplete(ar -> {
          try {
            if (ar.failed()) {
              throw ar.cause();
            }
            proxy(r);
          } catch (Throwable e) {
            if (paused && !req.isEnded()) {
              req.resume();
            }
            Responses.fail(r.ctx(), e, r.pretty());
          }
        });
  }

  private void proxy(ApiRequest r) {
    Id id = Id.parse(r.name());
    if (!id.scheme().isEmpty() && !id.scheme().equals("http") && !id.scheme().equals("https")) {
      throw StatusException.badRequest("invalid scheme " + id.scheme());
    }
    Target t = switch (r.type().plural()) {
      case "pods" -> pod(r, id);
      case "nodes" -> node(id);
      default -> service(r, id);
    };
    if (io.dekube.apiserver.aggregator.UpgradeProxy.applies(r.ctx().request())) {
      // kube's UpgradeAwareHandler: a WebSocket to the pod, service or node, tunnelled raw both ways
      io.dekube.apiserver.aggregator.UpgradeProxy.tunnel(r.ctx(), t.client(), options(r, t), e -> Responses.fail(
          r.ctx(), new StatusException(503, "ServiceUnavailable", "error trying to reach service: " + e.getMessage()),
          r.pretty()));
      return;
    }
    Bodies.read(r.ctx()).onComplete(body -> {
      if (body.failed()) {
        Responses.fail(r.ctx(), body.cause(), r.pretty());
      } else {
        forward(r, t, Buffer.buffer(body.result()));
      }
    });
  }

  private Target pod(ApiRequest r, Id id) {
    ObjectNode pod = caches.apply(r.type()).get(r.namespace(), id.name());
    if (pod == null) {
      throw StatusException.notFound(r.type(), id.name());
    }
    String port = id.port();
    if (port.isEmpty()) {
      for (JsonNode c : pod.path("spec").path("containers")) {
        if (c.path("ports").size() > 0) {
          port = c.path("ports").get(0).path("containerPort").asText();
          break;
        }
      }
    }
    String ip = pod.path("status").path("podIP").asText("");
    if (ip.isEmpty()) {
      throw new StatusException(503, "ServiceUnavailable", "pod " + id.name() + " has no IP address yet");
    }
    return new Target(client(id), ip, port.isEmpty() ? 80 : number(port));
  }

  private HttpClient client(Id id) {
    return id.scheme().equals("https") ? https : http;
  }

  /** A node: its kubelet API, or another port of its InternalIP when the name says one (plain HTTP then). */
  private Target node(Id id) {
    if (kubelets == null) {
      throw new StatusException(503, "ServiceUnavailable", "this apiserver has no kubelet client");
    }
    KubeletProxy.Endpoint kubelet = kubelets.kubeletOf(id.name());
    if (id.port().isEmpty() || number(id.port()) == kubelet.port()) {
      return new Target(kubelets.client(), kubelet.host(), kubelet.port());
    }
    return new Target(client(id), kubelet.host(), number(id.port()));
  }

  private Target service(ApiRequest r, Id id) {
    ObjectNode svc = caches.apply(r.type()).get(r.namespace(), id.name());
    if (svc == null) {
      throw StatusException.notFound(r.type(), id.name());
    }
    String portName = id.port();
    if (portName.matches("\\d+")) {
      portName = null;
      for (JsonNode p : svc.path("spec").path("ports")) {
        if (p.path("port").asText().equals(id.port())) {
          portName = p.path("name").asText("");
        }
      }
      if (portName == null) {
        throw new StatusException(503, "ServiceUnavailable", "no service port " + id.port() + " found for service \""
            + id.name() + "\"");
      }
    }
    ObjectNode ep = caches.apply(endpoints).get(r.namespace(), id.name());
    List<Target> ready = new ArrayList<>();
    for (JsonNode subset : ep == null ? List.<JsonNode>of() : ep.path("subsets")) {
      for (JsonNode p : subset.path("ports")) {
        if (p.path("name").asText("").equals(portName)) {
          subset.path("addresses").forEach(a -> ready.add(new Target(client(id),
              a.path("ip").asText(), p.path("port").asInt())));
        }
      }
    }
    if (ready.isEmpty()) {
      throw new StatusException(503, "ServiceUnavailable", "no endpoints available for service \"" + r.name() + "\"");
    }
    return ready.get(ThreadLocalRandom.current().nextInt(ready.size()));
  }

  private static int number(String port) {
    if (!port.matches("\\d{1,5}")) {
      throw StatusException.badRequest("invalid port " + port);
    }
    return Integer.parseInt(port);
  }

  /** The path after {@code .../<name>/proxy}, and the query. */
  static String uri(String path, String name, String query) {
    String marker = "/" + name + "/proxy";
    int at = path.indexOf(marker);
    String rest = at < 0 ? "" : path.substring(at + marker.length());
    if (rest.isEmpty()) {
      rest = "/";
    }
    return query == null || query.isEmpty() ? rest : rest + "?" + query;
  }

  /** The request to the target: the method, the path after {@code /proxy}, the headers but hop-by-hop ones and credentials. */
  private static RequestOptions options(ApiRequest r, Target t) {
    var req = r.ctx().request();
    RequestOptions o = new RequestOptions().setMethod(req.method()).setHost(t.host()).setPort(t.port())
        .setURI(uri(req.path(), r.name(), req.query()));
    MultiMap in = req.headers();
    for (Map.Entry<String, String> h : in) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!io.dekube.apiserver.aggregator.ProxyHandler.hopByHop(name) && !name.equals("authorization")
          && !name.startsWith("impersonate-")) {
        o.addHeader(h.getKey(), h.getValue());
      }
    }
    return o;
  }

  private void forward(ApiRequest r, Target t, Buffer body) {
    RequestOptions o = options(r, t);
    t.client().request(o)
        .compose(out -> {
          ResponseAbort.onAbort(r.ctx(), out::reset);
          return out.send(body);
        })
        .onSuccess(resp -> io.dekube.apiserver.aggregator.ProxyHandler.respond(r.ctx(), resp))
        .onFailure(e -> Responses.fail(r.ctx(), new StatusException(503, "ServiceUnavailable",
            "error trying to reach service: " + e.getMessage()), r.pretty()));
  }
}
