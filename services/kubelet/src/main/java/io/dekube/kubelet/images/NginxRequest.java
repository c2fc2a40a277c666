package io.dekube.kubelet.images;

import io.dekube.kubelet.images.NginxSite.ErrorPage;
import io.dekube.kubelet.images.NginxSite.Location;
import io.dekube.kubelet.images.NginxSite.Return;
import io.dekube.kubelet.images.NginxSite.Scope;
import io.dekube.kubelet.images.NginxSite.Server;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * One request through an nginx site as nginx's phases take it: the server by port and {@code Host}, its
 * server-level {@code return}; the location; then the location's {@code return}, {@code proxy_pass}
 * ({@link NginxProxy}), {@code try_files}, or the static module — {@code root}/{@code alias}, {@code index} (an
 * internal redirect), a folder without its slash redirected with 301, 403 for a folder without an index, 404 —;
 * errors through {@code error_page} once (no recursive error pages), else nginx's own pages; {@code add_header}
 * on the statuses nginx adds them to; the access log line. Files come from the container's file system, read on
 * worker threads; runs on the server's event loop.
 */
final class NginxRequest {

  /** nginx's limit of internal redirects of one request. */
  private static final int MAX_REDIRECTS = 10;
  private static final Set<Integer> HEADER_STATUSES = Set.of(200, 201, 204, 206, 301, 302, 303, 304, 307, 308);

  private final JvmContainer c;
  private final NginxLoad load;
  private final HttpServerRequest req;
  private final String version;
  private final int port;
  private final boolean ssl;
  private final Server server;
  private String uri;
  private String args;
  private int redirects;
  private int errorStatus;
  private boolean errorPageUsed;

  private NginxRequest(JvmContainer c, NginxLoad load, HttpServerRequest req, String version, int port, boolean ssl) {
    this.c = c;
    this.load = load;
    this.req = req;
    this.version = version;
    this.port = port;
    this.ssl = ssl;
    this.server = load.site().server(port, hostName(req.getHeader("Host")));
    this.uri = normalize(req.path());
    this.args = req.query();
  }

  /** Answers {@code req}, which came on {@code port}, as the site loaded in {@code load} says. */
  static void handle(JvmContainer c, NginxLoad load, HttpServerRequest req, String version, int port, boolean ssl) {
    req.pause();
    NginxRequest r = new NginxRequest(c, load, req, version, port, ssl);
    if (r.server == null) {
      r.builtin(404, r.scopeOf(null));
    } else if (r.server.scope().ret() != null) {
      r.answerReturn(r.server.scope().ret(), r.server.scope());
    } else {
      r.process(r.server.location(r.uri));
    }
  }

  private Scope scopeOf(Location loc) {
    return loc != null ? loc.scope() : server != null ? server.scope() : NginxSite.Scope.NONE;
  }

  /** The location's content: return, proxy, try_files or the static files. */
  private void process(Location loc) {
    Scope scope = scopeOf(loc);
    if (scope.ret() != null) {
      answerReturn(scope.ret(), scope);
    } else if (scope.proxy() != null) {
      NginxProxy.forward(c, load, req, scope, upstreamUri(loc, scope.proxy()), this::variable, version)
          .onComplete(ar -> {
            if (ar.failed()) {
              error(ar.cause() instanceof NginxProxy.TimedOut ? 504 : 502, scope);
            } else {
              logLine(scope, ar.result().status(), ar.result().bytes());
            }
          });
    } else if (scope.tryFiles() != null) {
      tryFiles(loc, scope, 0);
    } else {
      serveStatic(loc, scope);
    }
  }

  /** The URI proxy_pass asks for: the request's, or proxy_pass's URI in place of a prefix location's path. */
  private String upstreamUri(Location loc, NginxSite.Proxy p) {
    if (p.uri() == null || loc == null || loc.isRegex() || redirects > 0) {
      return redirects > 0 ? uri + (args == null ? "" : "?" + args) : req.uri();
    }
    String rest = uri.length() >= loc.path().length() ? uri.substring(loc.path().length()) : "";
    return p.uri() + rest + (args == null ? "" : "?" + args);
  }

  /** An internal redirect: the location of the new URI does the work, up to nginx's limit. */
  private void redirect(String target, Location named) {
    if (++redirects > MAX_REDIRECTS) {
      c.output("stderr", Buffer.buffer(NginxProgram.now() + " [error] 29#29: *1 rewrite or internal redirection "
          + "cycle while internally redirecting to \"" + target + "\"\n"));
      builtin(500, server.scope());
      return;
    }
    if (named != null) {
      process(named);
      return;
    }
    int q = target.indexOf('?');
    uri = normalize(q < 0 ? target : target.substring(0, q));
    if (q >= 0) {
      args = target.substring(q + 1);
    }
    process(server.location(uri));
  }

  private void tryFiles(Location loc, Scope scope, int i) {
    List<String> tries = scope.tryFiles();
    if (i == tries.size() - 1) {
      String last = expand(tries.get(i));
      if (last.startsWith("=")) {
        error(parseCode(last.substring(1)), scope);
      } else if (last.startsWith("@")) {
        Location named = server.named(last.substring(1));
        if (named == null) {
          error(404, scope);
        } else {
          redirect(last, named);
        }
      } else {
        redirect(last, null);
      }
      return;
    }
    String name = expand(tries.get(i));
    String path = path(loc, scope, name);
    if (name.endsWith("/")) {
      c.isFolder(path).onComplete(ar -> {
        if (ar.succeeded() && ar.result()) {
          uri = normalize(name);
          serveStatic(loc, scope);
        } else {
          tryFiles(loc, scope, i + 1);
        }
      });
      return;
    }
    c.file(path).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        uri = name;
        sendFile(scope, path, ar.result());
      } else {
        tryFiles(loc, scope, i + 1);
      }
    });
  }

  /** The static and index modules: a file, a folder's index, a folder's redirect, 403 or 404. */
  private void serveStatic(Location loc, Scope scope) {
    String method = req.method().name();
    if (!method.equals("GET") && !method.equals("HEAD")) {
      error(405, scope);
      return;
    }
    String path = path(loc, scope, uri);
    if (uri.endsWith("/")) {
      index(loc, scope, path, scope.index() == null ? List.of("index.html") : scope.index(), 0);
      return;
    }
    c.file(path).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        sendFile(scope, path, ar.result());
        return;
      }
      c.isFolder(path).onComplete(dir -> {
        if (dir.succeeded() && dir.result()) {
          answerRedirect(301, uri + "/" + (args == null ? "" : "?" + args), scope);
        } else {
          notFound(path, scope);
        }
      });
    });
  }

  private void index(Location loc, Scope scope, String folder, List<String> names, int i) {
    if (i >= names.size()) {
      c.isFolder(folder).onComplete(ar -> {
        if (ar.succeeded() && ar.result()) {
          errorLog("directory index of \"" + folder + "\" is forbidden");
          error(403, scope);
        } else {
          notFound(folder + names.get(0), scope);
        }
      });
      return;
    }
    String name = expand(names.get(i));
    if (name.startsWith("/")) {
      redirect(name, null);
      return;
    }
    c.file(folder + name).onComplete(ar -> {
      if (ar.succeeded() && ar.result() != null) {
        redirect(uri + name + (args == null ? "" : "?" + args), null);
      } else {
        index(loc, scope, folder, names, i + 1);
      }
    });
  }

  private void notFound(String path, Scope scope) {
    errorLog("open() \"" + path + "\" failed (2: No such file or directory)");
    error(404, scope);
  }

  /** An error status: its {@code error_page} (once), else nginx's own page. */
  private void error(int code, Scope scope) {
    ErrorPage page = scope.errorPages().get(code);
    if (page == null || errorPageUsed) {
      builtin(code, scope);
      return;
    }
    errorPageUsed = true;
    errorStatus = page.status() == 0 ? code : page.status() < 0 ? 0 : page.status();
    String target = expand(page.uri());
    if (target.startsWith("http://") || target.startsWith("https://")) {
      answerRedirect(302, target, scope);
    } else if (target.startsWith("@")) {
      Location named = server.named(target.substring(1));
      if (named == null) {
        builtin(code, scope);
      } else {
        redirect(target, named);
      }
    } else {
      redirect(target, null);
    }
  }

  private void answerReturn(Return ret, Scope scope) {
    int code = ret.code();
    if (code == 444) {
      logLine(scope, 444, 0);
      req.connection().close();
    } else if (Set.of(301, 302, 303, 307, 308).contains(code) && ret.text() != null) {
      answerRedirect(code, expand(ret.text()), scope);
    } else if (ret.text() != null) {
      send(code, Buffer.buffer(expand(ret.text())), scope.defaultType() == null ? "text/plain" : scope.defaultType(),
          scope, null);
    } else if (code >= 400) {
      error(code, scope);
    } else {
      send(code, Buffer.buffer(), null, scope, null);
    }
  }

  /** A redirect: {@code Location} absolute as nginx makes it ({@code absolute_redirect on}), its own page. */
  private void answerRedirect(int code, String location, Scope scope) {
    String abs = location.startsWith("/") ? (ssl ? "https" : "http") + "://" + variable("host")
        + (port == (ssl ? 443 : 80) ? "" : ":" + port) + location : location;
    send(code, Buffer.buffer(NginxPages.status(code, version)), "text/html", scope, abs);
  }

  private void builtin(int code, Scope scope) {
    send(code, Buffer.buffer(NginxPages.status(code, version)), "text/html", scope, null);
  }

  private void sendFile(Scope scope, String path, byte[] bytes) {
    int status = errorStatus != 0 ? errorStatus : 200;
    send(status, Buffer.buffer(bytes), load.site().contentType(path, scope.defaultType()), scope, null);
  }

  private void send(int status, Buffer body, String type, Scope scope, String location) {
    int code = errorStatus != 0 && status >= 200 && status < 300 ? errorStatus : status;
    var res = req.response().setStatusCode(code).putHeader("Server", "nginx/" + version);
    if (type != null) {
      res.putHeader("Content-Type", type);
    }
    if (location != null) {
      res.putHeader("Location", location);
    }
    for (NginxSite.Header h : scope.headers()) {
      if (h.always() || HEADER_STATUSES.contains(code)) {
        res.headers().add(h.name(), expand(h.value()));
      }
    }
    logLine(scope, code, body.length());
    req.resume();
    res.end(body);
  }

  private void logLine(Scope scope, int status, int bytes) {
    if (scope.accessLog()) {
      c.log().line(NginxPages.accessLog(req, status, bytes));
    }
  }

  private void errorLog(String what) {
    c.output("stderr", Buffer.buffer(NginxProgram.now() + " [error] 29#29: *1 " + what + ", client: "
        + req.remoteAddress().hostAddress() + ", server: " + server.name() + ", request: \"" + req.method().name()
        + " " + req.uri() + " " + ImageServer.protocol(req) + "\", host: \""
        + String.valueOf(req.getHeader("Host")) + "\"\n"));
  }

  /** The file a URI names: under {@code alias} (the location's prefix replaced) or {@code root}. */
  private String path(Location loc, Scope scope, String u) {
    if (scope.alias() != null && loc != null && !loc.isRegex()) {
      String rest = u.length() >= loc.path().length() ? u.substring(loc.path().length()) : "";
      return absolute(expand(scope.alias())) + rest;
    }
    String root = scope.root() == null ? "html" : expand(scope.root());
    return absolute(root).replaceAll("/+$", "") + u;
  }

  private static String absolute(String p) {
    return p.startsWith("/") ? p : NginxConfig.PREFIX + p;
  }

  private String expand(String text) {
    return NginxVariables.expand(text, this::variable);
  }

  /** The value of {@code $name} for this request, or null. */
  String variable(String name) {
    MultiMap h = req.headers();
    return switch (name) {
      case "uri", "document_uri" -> uri;
      case "request_uri" -> req.uri();
      case "args", "query_string" -> args;
      case "is_args" -> args == null || args.isEmpty() ? "" : "?";
      case "host" -> hostName(h.get("Host")).isEmpty() ? server == null ? "" : server.name() : hostName(h.get("Host"));
      case "scheme" -> ssl ? "https" : "http";
      case "https" -> ssl ? "on" : "";
      case "server_name" -> server == null ? "" : server.name();
      case "server_port" -> Integer.toString(port);
      case "server_addr" -> c.spec().podIp();
      case "server_protocol" -> ImageServer.protocol(req);
      case "remote_addr" -> req.remoteAddress().hostAddress();
      case "remote_port" -> Integer.toString(req.remoteAddress().port());
      case "request_method" -> req.method().name();
      case "hostname" -> ImageServer.hostname(c);
      case "proxy_add_x_forwarded_for" -> h.get("X-Forwarded-For") == null ? req.remoteAddress().hostAddress()
          : h.get("X-Forwarded-For") + ", " + req.remoteAddress().hostAddress();
      case "nginx_version" -> version;
      default -> name.startsWith("http_") ? h.get(name.substring(5).replace('_', '-'))
          : name.startsWith("arg_") ? req.getParam(name.substring(4)) : null;
    };
  }

  private static int parseCode(String s) {
    return s.matches("\\d{3}") ? Integer.parseInt(s) : 404;
  }

  /** The Host header without its port, lower case; empty without one. */
  static String hostName(String host) {
    if (host == null) {
      return "";
    }
    String h = host.startsWith("[") ? host.substring(0, host.indexOf(']') + 1)
        : host.contains(":") ? host.substring(0, host.indexOf(':')) : host;
    return h.toLowerCase(Locale.ROOT);
  }

  /** The path as nginx reads it: percent-decoded, {@code .} and {@code ..} resolved, slashes merged. */
  static String normalize(String path) {
    String p = path == null || path.isEmpty() ? "/" : path;
    try {
      p = URLDecoder.decode(p.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // nginx answers 400 to a bad escape; keep the path as it came
    }
    boolean slash = p.endsWith("/") || p.endsWith("/.") || p.endsWith("/..");
    String joined = NginxPages.resolveDots(p);
    return slash && !joined.equals("/") ? joined + "/" : joined;
  }
}
