package io.dekube.store.cel;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A URL as kube's CEL URL library sees it: an absolute URI or an absolute path, as Go's
 * {@code url.ParseRequestURI} accepts it, with its parts. Immutable.
 *
 * @param uri the parsed URI
 */
public record KubeUrl(URI uri) {

  /** Parses {@code s}, or throws {@link IllegalArgumentException} as kube's {@code url()} errors. */
  public static KubeUrl parse(String s) {
    try {
      URI u = new URI(s);
      if (!u.isAbsolute() && !s.startsWith("/")) {
        throw new IllegalArgumentException("URL is invalid: parse \"" + s + "\": invalid URI for request");
      }
      return new KubeUrl(u);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("URL is invalid: " + e.getMessage());
    }
  }

  public static boolean valid(String s) {
    try {
      parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  public String scheme() {
    return uri.getScheme() == null ? "" : uri.getScheme();
  }

  /** host[:port], IPv6 in brackets. */
  public String host() {
    String a = uri.getRawAuthority();
    if (a == null) {
      return "";
    }
    int at = a.lastIndexOf('@');
    return at >= 0 ? a.substring(at + 1) : a;
  }

  /** The host without port or brackets. */
  public String hostname() {
    String h = host();
    if (h.startsWith("[")) {
      int end = h.indexOf(']');
      return end > 0 ? h.substring(1, end) : h;
    }
    int colon = h.lastIndexOf(':');
    return colon >= 0 ? h.substring(0, colon) : h;
  }

  public String port() {
    String h = host();
    int bracket = h.lastIndexOf(']');
    int colon = h.lastIndexOf(':');
    return colon > bracket ? h.substring(colon + 1) : "";
  }

  public String escapedPath() {
    return uri.getRawPath() == null ? "" : uri.getRawPath();
  }

  /** The query as Go's {@code url.Values}: each name to its values. */
  public Map<String, List<String>> query() {
    Map<String, List<String>> out = new LinkedHashMap<>();
    String q = uri.getRawQuery();
    if (q == null || q.isEmpty()) {
      return out;
    }
    for (String part : q.split("[&]")) {
      if (part.isEmpty()) {
        continue;
      }
      int eq = part.indexOf('=');
      String k = URLDecoder.decode(eq >= 0 ? part.substring(0, eq) : part, StandardCharsets.UTF_8);
      String v = eq >= 0 ? URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8) : "";
      out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
    }
    return out;
  }
}
