package io.dekube.apiserver.rest;

import io.dekube.apiserver.server.ResponseAbort;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;
import io.dekube.store.admission.webhook.AdmissionAttributes;

/**
 * The pod subresources the kubelet serves — {@code log}, {@code exec}, {@code attach},
 * {@code portforward} — proxied to the kubelet of the pod's node, found on the Node object
 * (InternalIP, {@code status.daemonEndpoints.kubeletEndpoint.Port}), as kube-apiserver does. Logs
 * stream back as they come; exec and attach are WebSockets piped frame by frame ({@link ChannelRelay}: a v5
 * client is upgraded before the kubelet is dialled, as kube's stream translator does), or SPDY/3.1 streams
 * bridged to the kubelet's channels ({@link SpdyStreams}); port-forward speaks SPDY, plain or tunnelled
 * in a WebSocket ({@link PortForwardTunnel}). Runs on the request's event loop.
 */
final class KubeletProxy {

  /** Where a pod's kubelet listens and which container a request means. */
  record Target(String host, int port, String namespace, String pod, String container) {
  }

  private static final String PORT_FORWARD = "portforward.k8s.io";

  private final HttpClient http;
  private final WebSocketClient ws;
  private final Function<ResourceType, ObjectCache> caches;
  private final ResourceType nodes;
  private final Supplier<DynamicAdmission> admission;

  KubeletProxy(HttpClient http, WebSocketClient ws, Function<ResourceType, ObjectCache> caches, ResourceType nodes,
               Supplier<DynamicAdmission> admission) {
    this.http = http;
    this.ws = ws;
    this.caches = caches;
    this.nodes = nodes;
    this.admission = admission;
  }

  void handle(ApiRequest r, String sub) {
    HttpServerRequest req = r.ctx().request();
    boolean paused = !sub.equals("log") && WebSocketUpgrade.isUpgrade(req);
    if (paused) {
      req.pause();
    }
    DynamicAdmission webhooks = admission.get();
    if (sub.equals("log") || !webhooks.on(r.type())) {
      proxy(r, sub, req.params());
      return;
    }
    // kube admits exec, attach and portforward as a CONNECT of the subresource with its options, before it looks
    // for the pod's node
    ObjectNode options = ConnectOptions.of(sub, req.params());
    webhooks.subresource(r, r.type(), AdmissionAttributes.CONNECT, r.name(), ConnectOptions.kind(sub), options, null,
        false, null).onComplete(ar -> {
          try {
            if (ar.failed()) {
              throw ar.cause();
            }
            // as kube's connect handler, the options as the mutating webhooks left them are the ones used
            proxy(r, sub, ConnectOptions.params(ar.result()));
          } catch (Throwable e) {
            if (paused) {
              req.resume();
            }
            Responses.fail(r.ctx(), e, r.pretty());
          }
        });
  }

  /** Proxies {@code sub} to the pod's kubelet; {@code params}: its options (the query, or the admitted ones). */
  private void proxy(ApiRequest r, String sub, MultiMap params) {
    Target t = target(r, !sub.equals("portforward"), params.get("container"));
    switch (sub) {
      case "log" -> logs(r, t);
      case "exec", "attach" -> stream(r, t, sub, params);
      default -> portForward(r, t);
    }
  }

  private Target target(ApiRequest r, boolean needContainer, String containerName) {
    ObjectNode pod = caches.apply(r.type()).get(r.namespace(), r.name());
    if (pod == null) {
      throw StatusException.notFound(r.type(), r.name());
    }
    String nodeName = pod.path("spec").path("nodeName").asText("");
    if (nodeName.isEmpty()) {
      throw StatusException.badRequest("pod " + r.name() + " does not have a host assigned");
    }
    String container = needContainer ? container(r, pod, containerName) : "";
    Endpoint kubelet = kubeletOf(nodeName);
    return new Target(kubelet.host(), kubelet.port(), r.namespace(), r.name(), container);
  }

  /** Where a node's kubelet API listens. */
  record Endpoint(String host, int port) {
  }

  /**
   * The kubelet API of {@code nodeName}, from its Node object: the first InternalIP and
   * {@code status.daemonEndpoints.kubeletEndpoint.Port}, as kube-apiserver's node connection info.
   */
  Endpoint kubeletOf(String nodeName) {
    ObjectNode node = caches.apply(nodes).get("", nodeName);
    if (node == null) {
      throw new StatusException(404, "NotFound", "nodes \"" + nodeName + "\" not found");
    }
    String host = null;
    for (JsonNode a : node.path("status").path("addresses")) {
      if ("InternalIP".equals(a.path("type").asText()) && host == null) {
        host = a.path("address").asText();
      }
    }
    int port = node.path("status").path("daemonEndpoints").path("kubeletEndpoint").path("Port").asInt(0);
    if (host == null || port <= 0) {
      throw new StatusException(503, "ServiceUnavailable", "node " + nodeName + " has no kubelet endpoint");
    }
    return new Endpoint(host, port);
  }

  /** The client that reaches kubelets: TLS with the apiserver's kubelet client certificate. */
  HttpClient client() {
    return http;
  }

  private static String container(ApiRequest r, ObjectNode pod, String name) {
    List<String> names = new ArrayList<>();
    pod.path("spec").path("initContainers").forEach(c -> names.add(c.path("name").asText()));
    List<String> mains = new ArrayList<>();
    pod.path("spec").path("containers").forEach(c -> mains.add(c.path("name").asText()));
    names.addAll(mains);
    pod.path("spec").path("ephemeralContainers").forEach(c -> names.add(c.path("name").asText()));
    if (name == null || name.isEmpty()) {
      if (mains.size() == 1) {
        return mains.get(0);
      }
      throw StatusException.badRequest("a container name must be specified for pod " + r.name() + ", choose one of: "
          + mains.toString().replace(",", ""));
    }
    if (!names.contains(name)) {
      throw StatusException.badRequest("container " + name + " is not valid for pod " + r.name());
    }
    return name;
  }

  private void logs(ApiRequest r, Target t) {
    StringBuilder q = new StringBuilder();
    for (String p : List.of("follow", "previous", "tailLines", "limitBytes", "timestamps", "sinceSeconds",
        "sinceTime")) {
      String v = r.query(p);
      if (v != null) {
        q.append(q.length() == 0 ? "?" : "&").append(p).append('=').append(encode(v));
      }
    }
    String uri = "/containerLogs/" + t.namespace() + "/" + t.pod() + "/" + t.container() + q;
    var resp = r.ctx().response();
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost(t.host()).setPort(t.port()).setURI(uri))
        .compose(req -> req.send())
        .onComplete(ar -> {
          if (ar.failed()) {
            Responses.fail(r.ctx(), new StatusException(503, "ServiceUnavailable", "cannot reach the kubelet of pod "
                + t.pod() + ": " + ar.cause().getMessage()), r.pretty());
            return;
          }
          HttpClientResponse kr = ar.result();
          if (kr.statusCode() != 200) {
            kr.body().onComplete(b -> Responses.fail(r.ctx(), refusal(kr.statusCode(), b.result()), r.pretty()));
            return;
          }
          resp.setChunked(true).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain");
          ResponseAbort.onAbort(r.ctx(), () -> kr.request().reset());
          kr.handler(resp::write);
          kr.endHandler(v -> resp.end());
          kr.exceptionHandler(e -> resp.reset());
        });
  }

  private void stream(ApiRequest r, Target t, String sub, MultiMap params) {
    HttpServerRequest req = r.ctx().request();
    boolean spdy = SpdyUpgrade.isUpgrade(req);
    if (!WebSocketUpgrade.isUpgrade(req) && !spdy) {
      throw StatusException.badRequest(sub + " needs a WebSocket upgrade (" + WebSocketUpgrade.CHANNEL_PROTOCOLS
          + ") or an upgrade to SPDY/3.1");
    }
    String spdyProtocol = spdy ? spdyProtocol(req) : null;
    StringBuilder q = new StringBuilder();
    for (String p : List.of("command", "stdin", "stdout", "stderr", "tty")) {
      for (String v : params.getAll(p)) {
        q.append(q.length() == 0 ? "?" : "&").append(p).append('=').append(encode(v));
      }
    }
    String uri = "/" + sub + "/" + t.namespace() + "/" + t.pod() + "/" + t.container() + q;
    Runnable closed = () -> ResponseAbort.webSocketClosed(r.ctx());
    List<String> offered = spdy ? List.of() : WebSocketUpgrade.offered(req);
    if (ChannelRelay.translating(offered)) {
      // kube's stream translator: the client is upgraded first, the kubelet dialled after (see ChannelRelay)
      ChannelRelay relay = new ChannelRelay(ChannelRelay.agreed(offered), closed);
      req.toWebSocket().onSuccess(client -> {
        relay.client(client);
        connect(t, uri, offered).onSuccess(relay::kubelet).onFailure(relay::refused);
      });
      return;
    }
    // SPDY's streams are bridged to the kubelet's channels: v5 closes stdin as a half-closed stream does
    List<String> protocols = spdy ? List.of(ChannelRelay.V5, "v4.channel.k8s.io") : offered;
    connect(t, uri, protocols).onComplete(ar -> {
      if (ar.failed()) {
        req.resume();
        if (ar.cause() instanceof UpgradeRejectedException u) {
          // the kubelet's own refusal (a container not running), echoed as it is, as kube's upgrade-aware proxy does:
          // kubectl says "unable to upgrade connection: container not found (...)"
          r.ctx().response().setStatusCode(u.getStatus()).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; "
              + "charset=utf-8").end(u.getBody() == null ? io.vertx.core.buffer.Buffer.buffer() : u.getBody());
          return;
        }
        Responses.fail(r.ctx(), new StatusException(503, "ServiceUnavailable", "cannot reach the kubelet of pod "
            + t.pod() + ": " + ar.cause().getMessage()), r.pretty());
        return;
      }
      WebSocket kubelet = ar.result();
      if (spdy) {
        SpdyStreams streams = new SpdyStreams(r.ctx().vertx(), kubelet, spdyProtocol);
        SpdyUpgrade.accept(req, spdyProtocol).onComplete(up -> {
          if (up.failed()) {
            kubelet.close();
            upgradeFailed(r, up.cause());
            return;
          }
          streams.attach(SpdySession.Wire.of(up.result()), closed);
        });
        return;
      }
      // an older channel protocol, through kube's upgrade-aware proxy: the kubelet's frames and close, sent
      // before the client's side is upgraded (a cat of a small file), wait for it in the relay
      ChannelRelay relay = new ChannelRelay(ChannelRelay.agreed(offered), closed);
      relay.kubelet(kubelet);
      req.toWebSocket().onComplete(up -> {
        if (up.failed()) {
          kubelet.close();
          return;
        }
        relay.client(up.result());
      });
    });
  }

  /**
   * The remote-command protocol agreed with a SPDY client: its first one that is served; none offered
   * is the first protocol ({@code channel.k8s.io}), as kube's handshake takes it; none served is 403.
   */
  private static String spdyProtocol(HttpServerRequest req) {
    List<String> offered = SpdyUpgrade.offered(req);
    if (offered.isEmpty()) {
      return "channel.k8s.io";
    }
    String agreed = SpdyStreams.negotiate(offered);
    if (agreed == null) {
      throw SpdyUpgrade.notNegotiated(offered, SpdyStreams.PROTOCOLS);
    }
    return agreed;
  }

  /** The kubelet's answer other than success, with its status and its text. */
  private static StatusException refusal(int status, io.vertx.core.buffer.Buffer body) {
    String text = body == null ? "" : body.toString().trim();
    return new StatusException(status, status == 404 ? "NotFound" : "BadRequest",
        text.isEmpty() ? "kubelet answered " + status : text);
  }

  Future<WebSocket> connect(Target t, String uri, List<String> protocols) {
    WebSocketConnectOptions o = new WebSocketConnectOptions().setHost(t.host()).setPort(t.port()).setURI(uri)
        .setSsl(true).setSubProtocols(protocols);
    return ws.connect(o);
  }

  private void portForward(ApiRequest r, Target t) {
    HttpServerRequest req = r.ctx().request();
    Runnable closed = () -> ResponseAbort.webSocketClosed(r.ctx());
    if (SpdyUpgrade.isUpgrade(req)) {
      List<String> offered = SpdyUpgrade.offered(req);
      if (!offered.isEmpty() && !offered.contains(PORT_FORWARD)) {
        throw SpdyUpgrade.notNegotiated(offered, List.of(PORT_FORWARD));
      }
      SpdyUpgrade.accept(req, PORT_FORWARD).onSuccess(socket -> new PortForwardTunnel(SpdySession.Wire.of(socket),
          this, t).start(closed)).onFailure(e -> upgradeFailed(r, e));
      return;
    }
    if (!WebSocketUpgrade.isUpgrade(req)) {
      throw StatusException.badRequest("port-forward needs a WebSocket upgrade (" + WebSocketUpgrade.TUNNEL_PROTOCOL
          + ") or an upgrade to SPDY/3.1 (" + PORT_FORWARD + ")");
    }
    req.toWebSocket().onSuccess(client -> new PortForwardTunnel(SpdySession.Wire.of(client), this, t).start(closed));
  }

  private static void upgradeFailed(ApiRequest r, Throwable cause) {
    if (!r.ctx().response().headWritten()) {
      Responses.fail(r.ctx(), new StatusException(500, "InternalError", cause.getMessage()), r.pretty());
    }
  }

  static String encode(String v) {
    return URLEncoder.encode(v, StandardCharsets.UTF_8);
  }

  static Map<String, String> none() {
    return Map.of();
  }
}
