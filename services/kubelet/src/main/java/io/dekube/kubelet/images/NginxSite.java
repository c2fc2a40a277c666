package io.dekube.kubelet.images;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What an nginx configuration's {@code http} block says to serve, as {@link NginxSiteReader} reads it: the virtual
 * servers with their listens, names and locations, each with the settings it inherits (root, index, error pages,
 * headers…) already merged in as nginx merges them; the types of {@code mime.types}; the {@code upstream} groups.
 * Matching a request to a server ({@link #server}) and a URI to a location ({@link Server#location}) follows nginx.
 * Immutable; pure.
 */
record NginxSite(List<Server> servers, Map<String, String> types, Map<String, List<Peer>> upstreams) {

  /** One {@code listen}: its port, and whether it is TLS, the default server of its port, an IPv6 address. */
  record Listen(int port, boolean ssl, boolean defaultServer, boolean ipv6, String at) {
  }

  /** {@code add_header NAME VALUE [always]}, {@code proxy_set_header NAME VALUE}. */
  record Header(String name, String value, boolean always) {
  }

  /** {@code return CODE [TEXT|URL]} or {@code return URL} (302). */
  record Return(int code, String text) {
  }

  /** {@code error_page CODE… [=[RESPONSE]] URI}: the URI, and the status answered (0: the error's own). */
  record ErrorPage(String uri, int status) {
  }

  /** {@code proxy_pass SCHEME://HOST[:PORT][URI]}; {@code host} may name an upstream group. */
  record Proxy(String scheme, String host, int port, String uri, String at) {
    /** The {@code Host} the request goes out with: the host, and the port when not the scheme's. */
    String proxyHost() {
      boolean usual = port == (scheme.equals("https") ? 443 : 80);
      return usual ? host : host + ":" + port;
    }
  }

  /** A {@code server} of an {@code upstream} group. */
  record Peer(String host, int port, String at) {
  }

  /**
   * The settings of a server or location with what it inherits: null or empty where nothing says anything.
   *
   * @param tryFiles    {@code try_files}' arguments (not inherited)
   * @param ret         {@code return} of this level (not inherited)
   * @param proxy       {@code proxy_pass} (not inherited)
   * @param accessLog   false after {@code access_log off}
   */
  record Scope(String root, String alias, List<String> index, List<String> tryFiles, Return ret, Proxy proxy,
               String defaultType, List<Header> headers, Map<Integer, ErrorPage> errorPages, boolean accessLog,
               List<Header> proxyHeaders) {

    /** Where nothing says anything: what {@code http} starts from. */
    static final Scope NONE = new Scope(null, null, null, null, null, null, null, List.of(), Map.of(), true, List.of());
  }

  /** A {@code location}: its modifier ({@code =}, {@code ^~}, {@code ~}, {@code ~*}, {@code @} or empty). */
  record Location(String modifier, String path, Pattern regex, Scope scope, List<Location> nested, String at) {
    boolean isRegex() {
      return regex != null;
    }

    boolean prefixMatches(String uri) {
      return modifier.equals("=") ? uri.equals(path) : uri.startsWith(path);
    }
  }

  /** A virtual {@code server}: its listens, names, own settings, a server-level {@code return}, and locations. */
  record Server(List<Listen> listens, List<String> names, Scope scope, List<Location> locations, String certificate,
                String certificateKey, String at) {

    /** The location of {@code uri}, as nginx picks it; null when none matches. */
    Location location(String uri) {
      return match(locations, uri);
    }

    /** The named location {@code @name}, or null. */
    Location named(String name) {
      return locations.stream().filter(l -> l.modifier().equals("@") && l.path().equals(name)).findFirst()
          .orElse(null);
    }

    /** The first name, as {@code $server_name} is; empty without one. */
    String name() {
      return names.isEmpty() ? "" : names.get(0);
    }

    boolean listensOn(int port) {
      return listens.stream().anyMatch(l -> l.port() == port);
    }

    boolean isDefaultFor(int port) {
      return listens.stream().anyMatch(l -> l.port() == port && l.defaultServer());
    }

    boolean hasName(String host) {
      for (String n : names) {
        if (n.startsWith("~") ? Pattern.compile(n.substring(1)).matcher(host).find()
            : n.startsWith("*.") ? host.endsWith(n.substring(1))
            : n.startsWith(".") ? host.equals(n.substring(1)) || host.endsWith(n)
            : n.endsWith(".*") ? host.startsWith(n.substring(0, n.length() - 1))
            : n.equalsIgnoreCase(host)) {
          return true;
        }
      }
      return false;
    }
  }

  /**
   * The location for {@code uri} among {@code locations}: an exact {@code =} match; else the longest prefix, kept
   * when it is {@code ^~}; else the first regular expression that matches, in the order written; else that
   * longest prefix. A chosen prefix location's own nested locations are searched the same way.
   */
  static Location match(List<Location> locations, String uri) {
    Location longest = null;
    for (Location l : locations) {
      if (l.isRegex() || l.modifier().equals("@")) {
        continue;
      }
      if (l.modifier().equals("=") && uri.equals(l.path())) {
        return l;
      }
      if (!l.modifier().equals("=") && l.prefixMatches(uri)
          && (longest == null || l.path().length() > longest.path().length())) {
        longest = l;
      }
    }
    if (longest != null && !longest.nested().isEmpty()) {
      Location inner = match(longest.nested(), uri);
      if (inner != null) {
        return inner;
      }
    }
    if (longest != null && longest.modifier().equals("^~")) {
      return longest;
    }
    for (Location l : locations) {
      if (l.isRegex() && l.regex().matcher(uri).find()) {
        return l;
      }
    }
    return longest;
  }

  /**
   * The server for a request on {@code port} with {@code host} (the Host header without its port): the one whose
   * name matches, else the port's {@code default_server}, else the first server on that port.
   */
  Server server(int port, String host) {
    String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
    Server first = null;
    Server fallback = null;
    for (Server s : servers) {
      if (!s.listensOn(port)) {
        continue;
      }
      if (first == null) {
        first = s;
      }
      if (fallback == null && s.isDefaultFor(port)) {
        fallback = s;
      }
    }
    for (Server s : servers) {
      if (s.listensOn(port) && s.names().stream().anyMatch(n -> !n.startsWith("~") && !n.contains("*")
          && !n.startsWith(".") && n.equalsIgnoreCase(h))) {
        return s;
      }
    }
    for (Server s : servers) {
      if (s.listensOn(port) && s.hasName(h)) {
        return s;
      }
    }
    return fallback != null ? fallback : first;
  }

  /** The ports to listen on, each with whether it is TLS (one {@code ssl} listen makes the port TLS, as in nginx). */
  Map<Integer, Boolean> ports() {
    Map<Integer, Boolean> ports = new java.util.TreeMap<>();
    for (Server s : servers) {
      for (Listen l : s.listens()) {
        ports.merge(l.port(), l.ssl(), Boolean::logicalOr);
      }
    }
    return ports;
  }

  /** The Content-Type of a file by its extension, from the {@code types}; else {@code fallback}. */
  String contentType(String file, String fallback) {
    String name = file.substring(file.lastIndexOf('/') + 1);
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT) : "";
    return types.getOrDefault(ext, fallback == null ? "text/plain" : fallback);
  }
}
