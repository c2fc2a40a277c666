package io.dekube.kubelet.runtime;

import io.dekube.core.net.ClusterNetwork;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiFunction;

/**
 * The network commands of the built-in shell, as busybox has them, seen from the pod: {@code wget}
 * (HTTP GET from the pod IP), {@code nslookup} (queries to the pod's DNS server: the cluster DNS with the
 * pod's search path and ndots), {@code ping} (not available: the JVM sends no ICMP), and the pod's
 * {@code /etc/resolv.conf} and {@code /etc/hosts} as the kubelet writes them. Names resolve as the pod's
 * resolver does: {@code /etc/hosts} first, then the search path. Non-blocking: Vert.x DNS and HTTP clients.
 */
public final class PodNet {

  /** Wraps the work of a command so that an interrupt ends it early (see {@link BuiltinShell#interrupt}). */
  interface Running extends BiFunction<Future<Integer>, Runnable, Future<Integer>> {
  }

  /** A name resolved: the name that answered and its addresses. */
  record Resolved(String name, List<String> addresses) {
  }

  private final Vertx vertx;
  private final ContainerSpec spec;
  private final ExecSession.Output out;
  private final Running running;
  private final TrafficPolicy traffic;
  private boolean quietNow;
  private String nodeResolvConf;

  PodNet(Vertx vertx, ContainerSpec spec, ExecSession.Output out, Running running, TrafficPolicy traffic) {
    this.vertx = vertx;
    this.spec = spec;
    this.out = out;
    this.running = running;
    this.traffic = traffic;
  }

  /** The pod's resolv.conf: the cluster DNS for ClusterFirst pods, else the node's. */
  public static String resolvConf(ContainerSpec spec) {
    String server = spec.env().get("DEKUBE_DNS_SERVER");
    if (server == null) {
      try {
        return Files.readString(Path.of("/etc/resolv.conf"));
      } catch (java.io.IOException e) {
        return "";
      }
    }
    StringBuilder b = new StringBuilder();
    for (String ns : server.split(" ")) {
      if (!ns.isEmpty()) {
        b.append("nameserver ").append(ns).append('\n');
      }
    }
    String search = spec.env().getOrDefault("DEKUBE_DNS_SEARCH", "");
    if (!search.isEmpty()) {
      b.append("search ").append(search).append('\n');
    }
    String options = spec.env().getOrDefault("DEKUBE_DNS_OPTIONS",
        "ndots:" + spec.env().getOrDefault("DEKUBE_DNS_NDOTS", Integer.toString(ClusterNetwork.NDOTS)));
    if (!options.isEmpty()) {
      b.append("options ").append(options).append('\n');
    }
    return b.toString();
  }

  /** The pod's /etc/hosts, as the kubelet writes it. */
  public static String hosts(ContainerSpec spec) {
    if (spec.etcHosts() != null) {
      return spec.etcHosts();
    }
    return ClusterNetwork.HOSTS_HEADER + spec.podIp() + "\t" + spec.env().getOrDefault("HOSTNAME", spec.podName())
        + "\n";
  }

  /** The IPv4 address /etc/hosts gives {@code name}, or null. */
  static String fromHosts(String hosts, String name) {
    for (String line : hosts.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length < 2 || f[0].startsWith("#") || f[0].contains(":")) {
        continue;
      }
      for (int i = 1; i < f.length; i++) {
        if (f[i].equalsIgnoreCase(name)) {
          return f[0];
        }
      }
    }
    return null;
  }

  /** The names a resolver tries for {@code name}, in order: the search path first below {@code ndots} dots. */
  static List<String> candidates(String name, List<String> search, int ndots) {
    if (name.endsWith(".")) {
      return List.of(name.substring(0, name.length() - 1));
    }
    List<String> expanded = search.stream().filter(s -> !s.isBlank()).map(s -> name + "." + s).toList();
    List<String> all = new ArrayList<>();
    long dots = name.chars().filter(c -> c == '.').count();
    if (dots >= ndots) {
      all.add(name);
      all.addAll(expanded);
    } else {
      all.addAll(expanded);
      all.add(name);
    }
    return all;
  }

  static boolean isIp(String s) {
    return s.matches("\\d{1,3}(\\.\\d{1,3}){3}") || s.contains(":");
  }

  /**
   * The server the pod's resolver asks: the first of its nameservers — the node's file's for a pod whose resolver
   * is the node's ({@code dnsPolicy: Default}, a {@code hostNetwork} pod's {@code ClusterFirst}) — or, with none,
   * the resolver's default 127.0.0.1.
   */
  String dnsServer() {
    List<String> servers = nameservers();
    return servers.isEmpty() ? "127.0.0.1" : servers.get(0);
  }

  /** The port {@link #dnsServer()} answers on: the cluster DNS's own port for it, else 53. */
  int dnsPort() {
    return portOf(dnsServer());
  }

  /** Where {@code server}'s DNS answers: the cluster DNS at the port the node's DNS listens on, any other on 53. */
  int portOf(String server) {
    String cluster = spec.env().get("DEKUBE_DNS_CLUSTER");
    if (cluster == null) { // a spec without it (tests): the first server given is the cluster's
      String servers = spec.env().get("DEKUBE_DNS_SERVER");
      cluster = (servers == null || servers.isBlank() ? ClusterNetwork.dnsIp(ClusterNetwork.SERVICE_CIDR)
          : servers.strip().split(" ")[0]) + ":" + spec.env().getOrDefault("DEKUBE_DNS_PORT",
          Integer.toString(ClusterNetwork.DNS_PORT));
    }
    int colon = cluster.lastIndexOf(':');
    return cluster.substring(0, colon).equals(server) ? intOr(cluster.substring(colon + 1), 53) : 53;
  }

  /** The pod's nameservers: the kubelet's for it, else the node's file's. */
  private List<String> nameservers() {
    String servers = spec.env().get("DEKUBE_DNS_SERVER");
    if (servers != null) {
      return Arrays.stream(servers.strip().split(" ")).filter(s -> !s.isEmpty()).toList();
    }
    return nodeFile("nameserver");
  }

  /** The search path the pod's resolver goes along. */
  List<String> searchPath() {
    String search = spec.env().get("DEKUBE_DNS_SEARCH");
    return search != null ? Arrays.asList(search.split(" ")) : nodeFile("search");
  }

  /** The pod's {@code ndots}: the kubelet's, else the node's file's, else the resolver's default 1. */
  int ndots() {
    if (spec.env().containsKey("DEKUBE_DNS_SERVER")) {
      return intOr(spec.env().get("DEKUBE_DNS_NDOTS"), ClusterNetwork.NDOTS);
    }
    return nodeFile("options").stream().filter(o -> o.startsWith("ndots:")).reduce((a, b) -> b)
        .map(o -> intOr(o.substring("ndots:".length()), 1)).orElse(1);
  }

  /** The words after {@code key} in the node's /etc/resolv.conf ({@code nameserver}: every such line's address). */
  private List<String> nodeFile(String key) {
    if (nodeResolvConf == null) {
      nodeResolvConf = resolvConf(spec); // read once per session: a few hundred bytes
    }
    List<String> words = new ArrayList<>();
    for (String line : nodeResolvConf.split("\n")) {
      String[] f = line.strip().split("\\s+");
      if (f.length >= 2 && (f[0].equals(key) || key.equals("search") && f[0].equals("domain"))) {
        if (key.equals("search")) {
          words.clear(); // the last search (or domain) line is the one the resolver takes
        }
        words.addAll(key.equals("nameserver") ? List.of(f[1]) : Arrays.asList(f).subList(1, f.length));
      }
    }
    return words;
  }

  /** Resolves {@code name} as the pod does: IPs as they are, /etc/hosts (wget, nc), then DNS along the search path. */
  Future<Resolved> resolve(String name, String server, int port) {
    String listed = fromHosts(hosts(spec), name.endsWith(".") ? name.substring(0, name.length() - 1) : name);
    return listed != null ? Future.succeededFuture(new Resolved(name, List.of(listed))) : query(name, server, port);
  }

  /**
   * Opens a TCP connection from the pod to {@code host:port} through {@code client} (see {@link PodDialer}): the
   * name resolved as the pod resolves it, {@code localhost} being the pod, refused by its egress policies as a
   * dropped packet is (a time-out after {@code timeoutSeconds}).
   */
  Future<io.vertx.core.net.NetSocket> connect(io.vertx.core.net.NetClient client, String host, int port,
                                              int timeoutSeconds) {
    return connect(client, host, port, timeoutSeconds, false);
  }

  /**
   * {@link #connect(io.vertx.core.net.NetClient, String, int, int)}, the socket {@code paused} at once when asked: for
   * a protocol whose server speaks first, so that nothing it says is lost before its reader's handler is set.
   */
  Future<io.vertx.core.net.NetSocket> connect(io.vertx.core.net.NetClient client, String host, int port,
                                              int timeoutSeconds, boolean paused) {
    return resolve(host, dnsServer(), dnsPort())
        .recover(e -> Future.failedFuture(new java.net.UnknownHostException(host + ": Name or service not known")))
        .compose(r -> {
          String ip = loopbackToPod(r.addresses().get(0));
          return letsOut(ip, port, "TCP").compose(ok -> ok
              ? client.connect(port, ip).onSuccess(so -> {
                if (paused) {
                  so.pause();
                }
              })
              : dropped(timeoutSeconds, new java.util.concurrent.TimeoutException("Connection timed out")));
        });
  }

  /** Resolves {@code name} through DNS only (as nslookup does): IPs as they are, then the search path. */
  Future<Resolved> query(String name, String server, int port) {
    if (isIp(name)) {
      return Future.succeededFuture(new Resolved(name, List.of(name)));
    }
    return letsOut(server, port == portOf(server) ? 53 : port, "UDP").compose(ok -> ok ? ask(name, server, port)
        : dropped(5, new java.util.concurrent.TimeoutException("DNS query to " + server + " timed out")));
  }

  private Future<Resolved> ask(String name, String server, int port) {
    List<String> search = searchPath();
    int ndots = ndots();
    DnsClient dns = vertx.createDnsClient(new DnsClientOptions().setHost(server).setPort(port)
        .setQueryTimeout(5000).setRecursionDesired(true));
    return firstAnswer(dns, candidates(name, search, ndots), 0).andThen(ar -> dns.close());
  }

  private Future<Resolved> firstAnswer(DnsClient dns, List<String> names, int i) {
    if (i >= names.size()) {
      return Future.failedFuture(new DnsException(DnsResponseCode.NXDOMAIN));
    }
    return dns.resolveA(names.get(i)).recover(e -> e instanceof DnsException d && d.code() == DnsResponseCode.NXDOMAIN
            ? Future.succeededFuture(List.of()) : Future.failedFuture(e))
        .compose(a -> a == null || a.isEmpty() ? firstAnswer(dns, names, i + 1)
            : Future.succeededFuture(new Resolved(names.get(i), a)));
  }

  /** {@code nslookup NAME [SERVER]}, as the container's image has it ({@link Nslookup}); 1 when the name has no address. */
  Future<Integer> nslookup(List<String> args) {
    return new Nslookup(vertx, this, out, spec.image()).run(args);
  }

  /**
   * {@code nc -z [-v] [-w SEC] HOST PORT}: whether a TCP port answers, from the pod IP; busybox's words with
   * {@code -v}. Only the port check ({@code -z}) is offered.
   */
  Future<Integer> nc(List<String> args) {
    boolean verbose = false;
    boolean zero = false;
    int wait = 5;
    List<String> pos = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-w") && i + 1 < args.size()) {
        wait = Math.max(1, intOr(args.get(++i), 5));
      } else if (a.startsWith("-") && a.length() > 1) {
        verbose |= a.contains("v");
        zero |= a.contains("z");
      } else {
        pos.add(a);
      }
    }
    if (!zero || pos.size() != 2 || !pos.get(1).matches("\\d{1,5}")) {
      err("nc: dekube's jvm containers offer only the port check: nc -z [-v] [-w SEC] HOST PORT");
      return Future.succeededFuture(1);
    }
    String host = pos.get(0);
    int port = Integer.parseInt(pos.get(1));
    boolean talk = verbose;
    int seconds = wait;
    io.vertx.core.net.NetClient client = vertx.createNetClient(new io.vertx.core.net.NetClientOptions()
        .setConnectTimeout(wait * 1000).setLocalAddress(localAddress()));
    Future<Integer> work = resolve(host, dnsServer(), dnsPort())
        .recover(e -> Future.failedFuture(new WgetFailure("bad address '" + host + "'")))
        .compose(r -> {
          String ip = loopbackToPod(r.addresses().get(0));
          Future<Void> connected = letsOut(ip, port, "TCP").compose(ok -> ok
              ? client.connect(port, ip).compose(so -> so.close())
              : dropped(seconds, new java.util.concurrent.TimeoutException("Connection timed out")));
          return connected.map(v -> {
            if (talk) {
              err(host + " (" + ip + ":" + port + ") open");
            }
            return 0;
          }).recover(e -> {
            if (talk) {
              err("nc: " + host + " (" + ip + ":" + port + "): " + reason(e));
            }
            return Future.succeededFuture(1);
          });
        })
        .recover(e -> {
          err("nc: " + e.getMessage());
          return Future.succeededFuture(1);
        })
        .andThen(ar -> client.close());
    return interruptible(work, client::close);
  }

  /** {@code traceroute}: the jvm runtime sends no ICMP ({@link Ping} stands in for ping with TCP). */
  int ping(String name) {
    err(name + ": not available in dekube's jvm containers (no ICMP from the JVM); try wget or nslookup");
    return 1;
  }

  /** {@code wget [-q] [-O FILE|-] [-T SEC] [-S] [--spider] [-U AGENT] [--header H] URL}: an HTTP GET from the pod. */
  Future<Integer> wget(List<String> args) {
    WgetArgs w;
    try {
      w = WgetArgs.parse(args);
    } catch (IllegalArgumentException e) {
      err("wget: " + e.getMessage());
      return Future.succeededFuture(1);
    }
    quietNow = w.quiet();
    URI uri;
    try {
      uri = URI.create(w.url().contains("://") ? w.url() : "http://" + w.url());
    } catch (IllegalArgumentException e) {
      err("wget: bad address '" + w.url() + "'");
      return Future.succeededFuture(1);
    }
    if (uri.getHost() == null || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
      err("wget: not an http or ftp url: " + w.url());
      return Future.succeededFuture(1);
    }
    Path file = null;
    // busybox names the file as given (-O, else the URL's last part): "saving to '/work-dir/index.html'"
    String shown = w.toStdout() ? "-" : w.output() != null ? w.output() : defaultFile(uri);
    if (!w.spider() && !w.toStdout()) {
      String name = shown;
      try {
        file = ContainerFs.of(spec, BuiltinShell.APPLETS).nodeFileFor(ContainerFs.normalize("/", name));
      } catch (java.io.IOException e) {
        err("wget: can't open '" + name + "': " + FileCommands.reason(e));
        return Future.succeededFuture(1);
      }
    }
    boolean https = uri.getScheme().equals("https");
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    String host = uri.getHost();
    HttpClientAgent client = vertx.createHttpClient(new HttpClientOptions().setSsl(https).setTrustAll(true)
        .setVerifyHost(false).setConnectTimeout(w.timeoutSeconds() * 1000).setLocalAddress(localAddress()));
    Path target = file;
    Future<Integer> work = resolve(host, dnsServer(), dnsPort())
        .recover(e -> Future.failedFuture(new WgetFailure("bad address '" + host + "'")))
        .compose(r -> {
          String ip = loopbackToPod(r.addresses().get(0));
          return letsOut(ip, port, "TCP").compose(ok -> ok ? get(client, uri, w, ip, port, target, shown)
              : dropped(w.timeoutSeconds(), new WgetFailure(TIMED_OUT)));
        })
        .recover(e -> {
          err("wget: " + (e instanceof WgetFailure ? e.getMessage() : timedOut(e) ? TIMED_OUT
              : "can't connect to remote host: " + e.getMessage()));
          return Future.succeededFuture(1);
        })
        .andThen(ar -> client.close());
    return interruptible(work, client::close);
  }

  private Future<Integer> get(HttpClientAgent client, URI uri, WgetArgs w, String ip, int port, Path file,
                              String shown) {
    if (!w.quiet()) {
      err("Connecting to " + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "") + " (" + ip + ":" + port
          + ")");
    }
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    RequestOptions o = new RequestOptions().setMethod(w.spider() ? HttpMethod.HEAD : HttpMethod.GET).setHost(ip)
        .setPort(port).setURI(path).setFollowRedirects(true).setIdleTimeout(w.timeoutSeconds() * 1000L)
        .putHeader("Host", uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : ""))
        .putHeader("User-Agent", w.userAgent()).putHeader("Connection", "close");
    w.headers().forEach(h -> {
      int colon = h.indexOf(':');
      if (colon > 0) {
        o.putHeader(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
      }
    });
    // A connection the server closes at once may end before the client hands it the request: the TCP connect
    // succeeded, so busybox (which writes the request and then reads nothing) says "error getting response".
    return client.request(o)
        .recover(e -> Future.failedFuture(ClosedConnection.is(e) ? noResponse(e)
            : new WgetFailure(timedOut(e) ? TIMED_OUT : "can't connect to remote host (" + ip + "): " + reason(e))))
        .compose(req -> req.send().recover(e -> Future.failedFuture(timedOut(e) ? new WgetFailure(TIMED_OUT)
                : noResponse(e)))
            .compose(resp -> {
          if (w.serverResponse()) {
            StringBuilder b = new StringBuilder("  HTTP/1.1 " + resp.statusCode() + " " + resp.statusMessage() + "\n");
            resp.headers().forEach(h -> b.append("  ").append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
            err(b.toString().stripTrailing());
          }
          if (resp.statusCode() >= 400) {
            return Future.failedFuture(new WgetFailure("server returned error: HTTP/1.1 " + resp.statusCode() + " "
                + resp.statusMessage()));
          }
          return resp.body();
        }))
        .map(body -> {
          if (w.spider()) {
            if (!w.quiet()) {
              err("remote file exists");
            }
            return 0;
          }
          if (file == null) {
            progress("writing to stdout", "-", body.length());
            out.stdout(body);
            done("written to stdout");
            return 0;
          }
          try {
            progress("saving to '" + shown + "'", lastPart(shown), body.length());
            Files.createDirectories(file.getParent());
            Files.write(file, body.getBytes());
            done("'" + shown + "' saved");
            return 0;
          } catch (java.io.IOException e) {
            err("wget: can't open '" + file.getFileName() + "': " + e.getMessage());
            return 1;
          }
        });
  }

  /** busybox wget's words when its {@code -T} alarm goes off, connecting or waiting for the answer. */
  static final String TIMED_OUT = "download timed out";

  static boolean timedOut(Throwable e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    return e instanceof java.util.concurrent.TimeoutException || m.contains("timed out") || m.contains("timeout");
  }

  /** Whether the pod's egress policies let a connection to {@code ip:port} out. */
  Future<Boolean> letsOut(String ip, int port, String protocol) {
    String from = spec.podIp();
    return from == null || from.isEmpty() ? Future.succeededFuture(true) : traffic.letsOut(spec, ip, port, protocol);
  }

  /** What a connection NetworkPolicy drops looks like to the client: nothing, then its own timeout. */
  <T> Future<T> dropped(int seconds, Throwable failure) {
    return vertx.timer(Math.max(1, seconds) * 1000L).compose(v -> Future.failedFuture(failure));
  }

  /**
   * busybox's words for a connection that ended before the status line came: {@code error getting response}, with
   * the reason when the peer reset it.
   */
  private static Throwable noResponse(Throwable e) {
    if (ClosedConnection.is(e)) {
      return new WgetFailure("error getting response");
    }
    return String.valueOf(e.getMessage()).contains("reset")
        ? new WgetFailure("error getting response: Connection reset by peer") : e;
  }

  private static String reason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("refused")) {
      return "Connection refused";
    }
    return m.contains("timed out") || e instanceof java.util.concurrent.TimeoutException ? "Connection timed out" : m;
  }

  /** busybox's progress bar at its end: the file's last path component, as its {@code curfile}. */
  private void progress(String what, String file, int bytes) {
    if (!quietNow) {
      err(what + "\n" + String.format("%-20.20s 100%% |********************************| %5d  0:00:00 ETA", file,
          bytes));
    }
  }

  /** {@code bb_get_last_path_component_nostrip}: what follows the last slash ("" after a trailing one). */
  static String lastPart(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private void done(String what) {
    if (!quietNow) {
      err(what);
    }
  }

  Future<Integer> interruptible(Future<Integer> work, Runnable stop) {
    Promise<Integer> p = Promise.promise();
    work.onComplete(ar -> p.tryComplete(ar.succeeded() ? ar.result() : 1));
    return running.apply(p.future(), () -> {
      stop.run();
      p.tryComplete(130);
    });
  }

  /**
   * The pod's loopback is its IP: jvm containers bind the pod IP, and the containers of a pod share its
   * network, so {@code localhost:PORT} reaches a sibling container.
   */
  String loopbackToPod(String ip) {
    return ip.equals("127.0.0.1") && spec.podIp() != null && !spec.podIp().isEmpty() ? spec.podIp() : ip;
  }

  String localAddress() {
    String ip = spec.podIp();
    return ip != null && ip.startsWith("127.") ? ip : null;
  }

  private static String defaultFile(URI uri) {
    String p = uri.getPath() == null ? "" : uri.getPath();
    String last = p.substring(p.lastIndexOf('/') + 1);
    return last.isEmpty() ? "index.html" : last;
  }

  private void print(String text) {
    out.stdout(Buffer.buffer(text + "\n"));
  }

  private void err(String line) {
    out.stderr(Buffer.buffer(line + "\n"));
  }

  private static int intOr(String v, int fallback) {
    try {
      return v == null ? fallback : Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }

  /** A wget failure with busybox's message. */
  static final class WgetFailure extends RuntimeException {
    WgetFailure(String message) {
      super(message, null, false, false);
    }
  }
}
