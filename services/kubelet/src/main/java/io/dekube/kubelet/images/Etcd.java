package io.dekube.kubelet.images;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code registry.k8s.io/etcd:<tag>} as the gRPC liveness probe page runs it ({@code /usr/local/bin/etcd
 * --listen-client-urls http://0.0.0.0:2379 ...}): on each client URL's port, over cleartext HTTP/2, the gRPC health
 * service etcd registers — {@code grpc.health.v1.Health/Check} answers {@code SERVING} for the empty service name
 * (kube's default), {@code NotFound "unknown service"} for another, as grpc-go's health server — and, over HTTP/1,
 * {@code /health} and {@code /version}; its start logged as etcd 3.5 logs it (zap's JSON lines on stderr, a subset:
 * the arguments, the listeners, the server's settings, the single member's ids computed as etcd computes them, "ready
 * to serve client requests"); on SIGTERM it logs its shutdown and exits 0, as etcd does as PID 1. There is no
 * key-value store: another gRPC method answers {@code Unimplemented} saying so, and the image has no {@code etcdctl}.
 * A client URL on https (TLS flags) is refused with a message, exit 1. Listens on the pod IP whatever the URL's host.
 */
final class Etcd {

  /** Go's {@code flag} package: the etcd flags that take a value. */
  private static final Set<String> VALUED = Set.of("name", "data-dir", "wal-dir", "snapshot-count",
      "heartbeat-interval", "election-timeout", "listen-peer-urls", "listen-client-urls", "listen-metrics-urls",
      "max-snapshots", "max-wals", "quota-backend-bytes", "backend-batch-interval", "backend-batch-limit",
      "max-txn-ops", "max-request-bytes", "grpc-keepalive-min-time", "grpc-keepalive-interval",
      "grpc-keepalive-timeout", "initial-advertise-peer-urls", "initial-cluster", "initial-cluster-state",
      "initial-cluster-token", "advertise-client-urls", "discovery", "discovery-fallback", "discovery-proxy",
      "discovery-srv", "discovery-srv-name", "auto-compaction-retention", "auto-compaction-mode", "cert-file",
      "key-file", "client-crl-file", "trusted-ca-file", "peer-cert-file", "peer-key-file", "peer-trusted-ca-file",
      "peer-crl-file", "cipher-suites", "cors", "host-whitelist", "log-level", "logger", "log-outputs", "metrics",
      "experimental-watch-progress-notify-interval", "experimental-corrupt-check-time",
      "experimental-compaction-batch-limit", "tls-min-version", "tls-max-version");
  private static final Set<String> BOOLS = Set.of("version", "strict-reconfig-check", "client-cert-auth", "auto-tls",
      "peer-client-cert-auth", "peer-auto-tls", "enable-v2", "enable-pprof", "initial-election-tick-advance",
      "force-new-cluster", "experimental-initial-corrupt-check", "unsafe-no-fsync", "enable-grpc-gateway",
      "socket-reuse-port", "socket-reuse-address", "pre-vote", "debug");
  private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'");
  static final String HEALTH_CHECK = "/grpc.health.v1.Health/Check";

  private Etcd() {
  }

  /** Whether the container's command line runs etcd (else the image's shell runs it). */
  static boolean runsEtcd(List<String> argv) {
    return !argv.isEmpty() && argv.get(0).substring(argv.get(0).lastIndexOf('/') + 1).equals("etcd");
  }

  /** The container's command line: its command and args over the image's CMD. */
  static List<String> argv(JvmContainer c) {
    return ImageArgs.argv(c.spec().container(), List.of(), List.of("/usr/local/bin/etcd"));
  }

  /** The etcd version of an image tag: {@code 3.5.1-0} and {@code v3.5.1} are 3.5.1. */
  static String version(String tag) {
    String v = tag.startsWith("v") ? tag.substring(1) : tag;
    int dash = v.indexOf('-');
    v = dash > 0 ? v.substring(0, dash) : v;
    return v.matches("\\d+\\.\\d+\\.\\d+") ? v : "3.5.16";
  }

  /** The settings of one etcd server, from its flags and etcd's defaults. */
  record Settings(String name, String dataDir, List<String> listenClient, List<String> advertiseClient,
                  List<String> listenPeer, List<String> advertisePeer, String initialCluster, String clusterToken,
                  String clusterState) {

    static Settings of(GoFlags f) {
      String name = f.get("name", "default");
      List<String> advertisePeer = urls(f.get("initial-advertise-peer-urls", "http://localhost:2380"));
      return new Settings(name, f.get("data-dir", name + ".etcd"),
          urls(f.get("listen-client-urls", "http://localhost:2379")),
          urls(f.get("advertise-client-urls", "http://localhost:2379")),
          urls(f.get("listen-peer-urls", "http://localhost:2380")), advertisePeer,
          f.get("initial-cluster", name + "=" + String.join(",", advertisePeer)),
          f.get("initial-cluster-token", "etcd-cluster"), f.get("initial-cluster-state", "new"));
    }

    private static List<String> urls(String list) {
      return List.of(list.split(",")).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
    }

    /** This member's id as etcd's {@code NewMember} makes it: the first 8 bytes of SHA-1(peer URLs + token). */
    String memberId() {
      List<String> peers = new ArrayList<>(advertisePeer);
      java.util.Collections.sort(peers);
      return hex(sha1((String.join("", peers) + clusterToken).getBytes(StandardCharsets.UTF_8)));
    }

    /** The single-member cluster's id: SHA-1 of the member id's 8 bytes, as etcd's {@code genID}. */
    String clusterId() {
      return hex(sha1(java.util.HexFormat.of().parseHex(memberId())));
    }
  }

  static Future<Void> start(JvmContainer c, String tag) {
    List<String> argv = argv(c);
    GoFlags flags = GoFlags.std(argv.subList(1, argv.size()), VALUED, BOOLS);
    String version = version(tag);
    if (flags.error() != null) {
      GoLog.stderr(c, flags.error());
      c.exit(2);
      return Future.succeededFuture();
    }
    if ("true".equals(flags.get("version", "false"))) {
      GoLog.stdout(c, "etcd Version: " + version + "\nGo OS/Arch: linux/amd64");
      c.exit(0);
      return Future.succeededFuture();
    }
    Settings s = Settings.of(flags);
    Set<Integer> ports = new LinkedHashSet<>();
    for (String url : s.listenClient()) {
      URI u = URI.create(url);
      if (!"http".equals(u.getScheme())) {
        log(c, "error", "etcdmain/etcd.go:204", "discovery failed", Json.object().put("error",
            "dekube's etcd image serves only http:// client URLs, not " + url));
        c.exit(1);
        return Future.succeededFuture();
      }
      ports.add(u.getPort() > 0 ? u.getPort() : 80);
    }
    c.exitOnSigterm(0);
    c.onStop(() -> {
      log(c, "info", "osutil/interrupt_unix.go:64", "received signal; shutting down", Json.object()
          .put("signal", "terminated"));
      log(c, "info", "embed/etcd.go:367", "closing etcd server", Json.object().put("name", s.name())
          .put("data-dir", s.dataDir()).set("advertise-client-urls", array(s.advertiseClient())));
      return Future.succeededFuture();
    });
    logStart(c, argv, s, version);
    List<Future<Void>> servers = new ArrayList<>();
    for (int port : ports) {
      servers.add(ImageServer.serveWithH2c(c, port, req -> answer(req, version)));
    }
    return Future.all(servers).onSuccess(v -> {
      log(c, "info", "embed/serve.go:98", "ready to serve client requests", Json.object());
      for (int port : ports) {
        log(c, "info", "embed/serve.go:140", "serving client traffic insecurely; this is strongly discouraged!",
            Json.object().put("address", "[::]:" + port));
      }
    }).mapEmpty();
  }

  private static void logStart(JvmContainer c, List<String> argv, Settings s, String version) {
    log(c, "info", "etcdmain/etcd.go:72", "Running: ", Json.object().set("args", array(argv)));
    log(c, "info", "embed/etcd.go:131", "configuring peer listeners", Json.object()
        .set("listen-peer-urls", array(s.listenPeer())));
    log(c, "info", "embed/etcd.go:139", "configuring client listeners", Json.object()
        .set("listen-client-urls", array(s.listenClient())));
    int cpus = Runtime.getRuntime().availableProcessors();
    ObjectNode server = Json.object().put("etcd-version", version).put("go-os", "linux").put("go-arch", "amd64")
        .put("max-cpu-set", cpus).put("max-cpu-available", cpus).put("member-initialized", false)
        .put("name", s.name()).put("data-dir", s.dataDir()).put("member-dir", s.dataDir() + "/member");
    server.set("initial-advertise-peer-urls", array(s.advertisePeer()));
    server.set("listen-peer-urls", array(s.listenPeer()));
    server.set("advertise-client-urls", array(s.advertiseClient()));
    server.set("listen-client-urls", array(s.listenClient()));
    server.put("initial-cluster", s.initialCluster()).put("initial-cluster-state", s.clusterState())
        .put("initial-cluster-token", s.clusterToken());
    log(c, "info", "embed/etcd.go:307", "starting an etcd server", server);
    String member = s.memberId();
    log(c, "info", "etcdserver/raft.go:448", "starting local member", Json.object().put("local-member-id", member)
        .put("cluster-id", s.clusterId()));
    log(c, "info", "etcdserver/zap_raft.go:77", member + " became leader at term 2", Json.object());
    log(c, "info", "etcdserver/server.go:2027", "published local member to cluster through raft", Json.object()
        .put("local-member-id", member).put("local-member-attributes", "{Name:" + s.name() + " ClientURLs:["
            + String.join(" ", s.advertiseClient()) + "]}")
        .put("request-path", "/0/members/" + member + "/attributes").put("cluster-id", s.clusterId())
        .put("publish-timeout", "7s"));
  }

  /** One request on a client port: the gRPC health service over HTTP/2, {@code /health} and {@code /version}. */
  static void answer(HttpServerRequest req, String version) {
    String type = req.getHeader("content-type");
    if (req.method() == HttpMethod.POST && type != null && type.startsWith("application/grpc")) {
      req.body().onSuccess(body -> grpc(req, body));
      return;
    }
    var res = req.response();
    switch (req.path()) {
      case "/health" -> res.putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("{\"health\":\"true\",\"reason\":\"\"}");
      case "/version" -> res.putHeader("Content-Type", "application/json")
          .end("{\"etcdserver\":\"" + version + "\",\"etcdcluster\":\"" + version.replaceAll("\\.\\d+$", ".0")
              + "\"}");
      default -> res.setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("404 page not found\n");
    }
  }

  private static void grpc(HttpServerRequest req, Buffer body) {
    var res = req.response().putHeader("content-type", "application/grpc");
    if (!req.path().equals(HEALTH_CHECK)) {
      res.putHeader("grpc-status", "12").putHeader("grpc-message", "dekube's etcd image serves only "
          + "grpc.health.v1.Health/Check, not " + req.path().substring(1)).end();
      return;
    }
    String service = service(body);
    if (!service.isEmpty()) {
      res.putHeader("grpc-status", "5").putHeader("grpc-message", "unknown service").end();
      return;
    }
    Buffer message = Buffer.buffer().appendByte((byte) 0x08).appendByte((byte) 1); // status: SERVING
    res.write(Buffer.buffer().appendByte((byte) 0).appendInt(message.length()).appendBuffer(message));
    res.putTrailer("grpc-status", "0").end();
  }

  /** The HealthCheckRequest's service (field 1) from a gRPC frame; "" when absent or unreadable. */
  static String service(Buffer frame) {
    int pos = 5;
    while (pos + 1 < frame.length()) {
      int tag = frame.getByte(pos++) & 0xff;
      int len = 0;
      int shift = 0;
      int b;
      do {
        b = frame.getByte(pos++) & 0xff;
        len |= (b & 0x7f) << shift;
        shift += 7;
      } while ((b & 0x80) != 0 && pos < frame.length());
      if (tag == 0x0a && pos + len <= frame.length()) {
        return frame.getString(pos, pos + len, "UTF-8");
      }
      if ((tag & 7) == 2) {
        pos += len;
      }
    }
    return "";
  }

  /** One zap JSON line as etcd writes it to stderr. */
  private static void log(JvmContainer c, String level, String caller, String msg, ObjectNode fields) {
    ObjectNode line = Json.object().put("level", level).put("ts", TS.format(ZonedDateTime.now(ZoneOffset.UTC)))
        .put("caller", caller).put("msg", msg);
    line.setAll(fields);
    c.output("stderr", Buffer.buffer(line.toString() + "\n"));
  }

  private static ArrayNode array(List<String> values) {
    ArrayNode a = Json.MAPPER.createArrayNode();
    values.forEach(a::add);
    return a;
  }

  private static byte[] sha1(byte[] data) {
    try {
      return MessageDigest.getInstance("SHA-1").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hex(byte[] hash) {
    return java.util.HexFormat.of().formatHex(hash, 0, 8);
  }
}
