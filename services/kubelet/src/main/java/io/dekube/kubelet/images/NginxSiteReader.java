package io.dekube.kubelet.images;

import io.dekube.kubelet.images.NginxDirectives.Context;
import io.dekube.kubelet.images.NginxSite.ErrorPage;
import io.dekube.kubelet.images.NginxSite.Header;
import io.dekube.kubelet.images.NginxSite.Listen;
import io.dekube.kubelet.images.NginxSite.Location;
import io.dekube.kubelet.images.NginxSite.Peer;
import io.dekube.kubelet.images.NginxSite.Proxy;
import io.dekube.kubelet.images.NginxSite.Return;
import io.dekube.kubelet.images.NginxSite.Scope;
import io.dekube.kubelet.images.NginxSite.Server;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Reads parsed directives ({@link NginxConfParser}) into a {@link NginxSite}, refusing what nginx refuses at start
 * with its words: unknown directives, directives out of place, wrong argument counts, a bad {@code listen}, a
 * duplicate location or default server, an {@code ssl} listen without {@code ssl_certificate}, no {@code events}
 * section. Settings inherit from {@code http} to {@code server} to {@code location} as nginx merges them.
 * {@code portOf80} moves the listens on port 80 ({@code $PORT}, dekube's knob for tests on a shared address). Pure.
 */
final class NginxSiteReader {

  private final int portOf80;
  private final Map<String, String> types = new LinkedHashMap<>();
  private final Map<String, List<Peer>> upstreams = new LinkedHashMap<>();
  private final List<Server> servers = new ArrayList<>();
  private final Set<Integer> defaults = new HashSet<>();

  private NginxSiteReader(int portOf80) {
    this.portOf80 = portOf80;
  }

  /** The site of {@code top}, nginx.conf's directives (includes already in place). */
  static NginxSite read(List<NginxDirective> top, int portOf80) {
    NginxSiteReader r = new NginxSiteReader(portOf80);
    boolean events = false;
    for (NginxDirective d : top) {
      NginxDirectives.check(d, Context.MAIN);
      switch (d.name()) {
        case "events" -> {
          events = true;
          d.block().forEach(e -> NginxDirectives.check(e, Context.EVENTS));
        }
        case "http" -> r.http(d.block());
        case "worker_processes", "pid", "user" -> args(d, 1, d.name().equals("user") ? 2 : 1);
        default -> { }
      }
    }
    if (!events) {
      throw new NginxConfException("no \"events\" section in configuration");
    }
    return new NginxSite(List.copyOf(r.servers), Map.copyOf(r.types), Map.copyOf(r.upstreams));
  }

  private void http(List<NginxDirective> block) {
    Scope http = scope(block, Scope.NONE, Context.HTTP);
    String cert = last(block, "ssl_certificate");
    String key = last(block, "ssl_certificate_key");
    for (NginxDirective d : block) {
      if (d.name().equals("types")) {
        d.block().forEach(t -> t.args().forEach(ext -> types.put(ext.toLowerCase(java.util.Locale.ROOT), t.name())));
      } else if (d.name().equals("upstream")) {
        upstream(d);
      }
    }
    for (NginxDirective d : block) {
      if (d.name().equals("server")) {
        server(d, http, cert, key);
      }
    }
  }

  private void upstream(NginxDirective d) {
    args(d, 1, 1);
    List<Peer> peers = new ArrayList<>();
    for (NginxDirective s : d.block()) {
      NginxDirectives.check(s, Context.UPSTREAM);
      if (s.name().equals("server")) {
        args(s, 1, 10);
        HostPort hp = hostPort(s.arg(), 80, s);
        peers.add(new Peer(hp.host, hp.port, s.at()));
      }
    }
    if (peers.isEmpty()) {
      throw new NginxConfException("no servers are inside upstream in " + d.at());
    }
    upstreams.put(d.arg(), List.copyOf(peers));
  }

  private void server(NginxDirective d, Scope http, String httpCert, String httpKey) {
    args(d, 0, 0);
    List<Listen> listens = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (NginxDirective s : d.block()) {
      NginxDirectives.check(s, Context.SERVER);
      if (s.name().equals("listen")) {
        listens.add(listen(s));
      } else if (s.name().equals("server_name")) {
        args(s, 1, Integer.MAX_VALUE);
        names.addAll(s.args());
      }
    }
    if (listens.isEmpty()) {
      listens.add(new Listen(port(80), false, false, false, d.at()));
    }
    Scope scope = scope(d.block(), http, Context.SERVER);
    String cert = orElse(last(d.block(), "ssl_certificate"), httpCert);
    String key = orElse(last(d.block(), "ssl_certificate_key"), httpKey);
    if (listens.stream().anyMatch(Listen::ssl) && cert == null) {
      throw new NginxConfException("no \"ssl_certificate\" is defined for the \"listen ... ssl\" directive in "
          + d.at());
    }
    if (listens.stream().anyMatch(Listen::ssl) && key == null) {
      throw new NginxConfException("no \"ssl_certificate_key\" is defined for certificate \"" + cert + "\" in "
          + d.at());
    }
    List<Location> locations = locations(d.block(), scope);
    servers.add(new Server(List.copyOf(listens), List.copyOf(names), scope, locations, cert, key, d.at()));
  }

  private List<Location> locations(List<NginxDirective> block, Scope parent) {
    List<Location> out = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (NginxDirective d : block) {
      if (!d.name().equals("location")) {
        continue;
      }
      args(d, 1, 2);
      String modifier = d.args().size() == 2 ? d.args().get(0) : "";
      String path = d.args().get(d.args().size() - 1);
      if (modifier.isEmpty() && path.startsWith("@")) {
        modifier = "@";
        path = path.substring(1);
      } else if (modifier.isEmpty() && path.startsWith("=") && path.length() > 1) {
        modifier = "=";
        path = path.substring(1);
      }
      if (!Set.of("", "=", "^~", "~", "~*", "@").contains(modifier)) {
        throw new NginxConfException("invalid location modifier \"" + modifier + "\" in " + d.at());
      }
      Pattern regex = null;
      if (modifier.startsWith("~")) {
        try {
          regex = Pattern.compile(path, modifier.equals("~*") ? Pattern.CASE_INSENSITIVE : 0);
        } catch (PatternSyntaxException e) {
          throw new NginxConfException("pcre2_compile() failed: " + e.getDescription() + " in \"" + path + "\" at \""
              + path.substring(Math.min(path.length(), Math.max(0, e.getIndex()))) + "\" in " + d.at());
        }
      }
      String key = (modifier.equals("^~") ? "" : modifier) + " " + path;
      if (!seen.add(key)) {
        throw new NginxConfException("duplicate location \"" + path + "\" in " + d.at());
      }
      Scope scope = scope(d.block(), parent, Context.LOCATION);
      out.add(new Location(modifier, path, regex, scope, locations(d.block(), scope), d.at()));
    }
    return List.copyOf(out);
  }

  /** The settings a block gives, over those it inherits from {@code parent}; checks each directive's place. */
  private Scope scope(List<NginxDirective> block, Scope parent, Context context) {
    String root = parent.root();
    String alias = null;
    List<String> index = parent.index();
    List<String> tryFiles = null;
    Return ret = null;
    Proxy proxy = null;
    String defaultType = parent.defaultType();
    List<Header> headers = new ArrayList<>();
    List<Header> proxyHeaders = new ArrayList<>();
    Map<Integer, ErrorPage> errorPages = new LinkedHashMap<>();
    boolean accessLog = parent.accessLog();
    for (NginxDirective d : block) {
      NginxDirectives.check(d, context);
      switch (d.name()) {
        case "root" -> {
          args(d, 1, 1);
          root = d.arg();
          alias = null;
        }
        case "alias" -> {
          args(d, 1, 1);
          alias = d.arg();
        }
        case "index" -> {
          args(d, 1, Integer.MAX_VALUE);
          index = d.args();
        }
        case "try_files" -> {
          args(d, 2, Integer.MAX_VALUE);
          tryFiles = d.args();
        }
        case "return" -> ret = ret(d);
        case "proxy_pass" -> proxy = proxy(d);
        case "default_type" -> {
          args(d, 1, 1);
          defaultType = d.arg();
        }
        case "add_header" -> {
          args(d, 2, 3);
          if (d.args().size() == 3 && !d.args().get(2).equals("always")) {
            throw new NginxConfException("invalid parameter \"" + d.args().get(2) + "\" in " + d.at());
          }
          headers.add(new Header(d.args().get(0), d.args().get(1), d.args().size() == 3));
        }
        case "proxy_set_header" -> {
          args(d, 2, 2);
          proxyHeaders.add(new Header(d.args().get(0), d.args().get(1), false));
        }
        case "error_page" -> errorPage(d, errorPages);
        case "access_log" -> {
          args(d, 1, Integer.MAX_VALUE);
          accessLog = !d.arg().equals("off");
        }
        default -> { }
      }
    }
    return new Scope(root, alias, index, tryFiles, ret, proxy, defaultType,
        headers.isEmpty() ? parent.headers() : List.copyOf(headers),
        errorPages.isEmpty() ? parent.errorPages() : Map.copyOf(errorPages), accessLog,
        proxyHeaders.isEmpty() ? parent.proxyHeaders() : List.copyOf(proxyHeaders));
  }

  private static Return ret(NginxDirective d) {
    args(d, 1, 2);
    String first = d.arg();
    if (d.args().size() == 1 && (first.startsWith("http://") || first.startsWith("https://")
        || first.startsWith("$scheme"))) {
      return new Return(302, first);
    }
    if (!first.matches("\\d{1,3}") || Integer.parseInt(first) > 999) {
      throw new NginxConfException("invalid return code \"" + first + "\" in " + d.at());
    }
    return new Return(Integer.parseInt(first), d.args().size() == 2 ? d.args().get(1) : null);
  }

  private Proxy proxy(NginxDirective d) {
    args(d, 1, 1);
    String url = d.arg();
    String scheme = url.startsWith("http://") ? "http" : url.startsWith("https://") ? "https" : null;
    if (scheme == null) {
      throw new NginxConfException("invalid URL prefix in " + d.at());
    }
    String rest = url.substring(scheme.length() + 3);
    int slash = rest.indexOf('/');
    String uri = slash < 0 ? null : rest.substring(slash);
    HostPort hp = hostPort(slash < 0 ? rest : rest.substring(0, slash), scheme.equals("https") ? 443 : 80, d);
    return new Proxy(scheme, hp.host, hp.port, uri, d.at());
  }

  private static void errorPage(NginxDirective d, Map<Integer, ErrorPage> pages) {
    args(d, 2, Integer.MAX_VALUE);
    List<String> a = d.args();
    String uri = a.get(a.size() - 1);
    int status = 0;
    int end = a.size() - 1;
    if (a.get(end - 1).startsWith("=")) {
      String s = a.get(end - 1).substring(1);
      status = s.isEmpty() ? -1 : Integer.parseInt(s);
      end--;
    }
    for (String code : a.subList(0, end)) {
      if (!code.matches("\\d{3}") || Integer.parseInt(code) < 300 || Integer.parseInt(code) > 599) {
        throw new NginxConfException("value \"" + code + "\" must be between 300 and 599 in " + d.at());
      }
      pages.put(Integer.parseInt(code), new ErrorPage(uri, status));
    }
  }

  /** {@code listen ADDRESS[:PORT]|PORT [default_server] [ssl] [http2] …}. */
  private Listen listen(NginxDirective d) {
    args(d, 1, Integer.MAX_VALUE);
    String addr = d.arg();
    boolean ipv6 = addr.startsWith("[");
    String portText;
    if (ipv6) {
      int close = addr.indexOf(']');
      portText = close >= 0 && addr.startsWith("]:", close) ? addr.substring(close + 2) : "80";
    } else if (addr.startsWith("unix:")) {
      throw new NginxConfException("unix domain sockets are not served by dekube's nginx in " + d.at());
    } else {
      portText = addr.contains(":") ? addr.substring(addr.lastIndexOf(':') + 1) : addr.matches("\\d+") ? addr : "80";
      String host = addr.contains(":") ? addr.substring(0, addr.lastIndexOf(':')) : addr.matches("\\d+") ? "*" : addr;
      if (!host.equals("*") && !host.equals("localhost") && !host.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
        throw new NginxConfException("host not found in \"" + addr + "\" of the \"listen\" directive in " + d.at());
      }
    }
    if (!portText.matches("\\d{1,5}") || Integer.parseInt(portText) < 1 || Integer.parseInt(portText) > 65535) {
      throw new NginxConfException("invalid port in \"" + addr + "\" of the \"listen\" directive in " + d.at());
    }
    boolean ssl = false;
    boolean dflt = false;
    for (String p : d.args().subList(1, d.args().size())) {
      String name = p.contains("=") ? p.substring(0, p.indexOf('=') + 1) : p;
      switch (name) {
        case "ssl" -> ssl = true;
        case "default_server", "default" -> dflt = true;
        case "http2", "quic", "proxy_protocol", "reuseport", "deferred", "bind", "backlog=", "rcvbuf=", "sndbuf=",
            "ipv6only=", "so_keepalive=", "fastopen=", "accept_filter=", "setfib=" -> { }
        default -> throw new NginxConfException("invalid parameter \"" + p + "\" in " + d.at());
      }
    }
    int port = port(Integer.parseInt(portText));
    if (dflt && !defaults.add(ipv6 ? -port : port)) {
      throw new NginxConfException("a duplicate default server for " + (ipv6 ? "[::]" : "0.0.0.0") + ":" + portText
          + " in " + d.at());
    }
    return new Listen(port, ssl, dflt, ipv6, d.at());
  }

  private int port(int port) {
    return port == 80 ? portOf80 : port;
  }

  private record HostPort(String host, int port) {
  }

  private static HostPort hostPort(String text, int fallback, NginxDirective d) {
    int colon = text.lastIndexOf(':');
    if (colon < 0 || text.endsWith("]")) {
      return new HostPort(text, fallback);
    }
    String p = text.substring(colon + 1);
    if (!p.matches("\\d{1,5}")) {
      throw new NginxConfException("invalid port in upstream \"" + text + "\" in " + d.at());
    }
    return new HostPort(text.substring(0, colon), Integer.parseInt(p));
  }

  private static String last(List<NginxDirective> block, String name) {
    String v = null;
    for (NginxDirective d : block) {
      if (d.name().equals(name)) {
        args(d, 1, 1);
        v = d.arg();
      }
    }
    return v;
  }

  private static String orElse(String v, String fallback) {
    return v != null ? v : fallback;
  }

  /** nginx's {@code invalid number of arguments} outside {@code [min, max]}. */
  private static void args(NginxDirective d, int min, int max) {
    if (d.args().size() < min || d.args().size() > max) {
      throw new NginxConfException("invalid number of arguments in \"" + d.name() + "\" directive in " + d.at());
    }
  }
}
