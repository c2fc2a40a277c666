package io.dekube.kubelet.images.wordpress;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** An answer of the site: status, headers in order (a name may repeat: {@code Set-Cookie}), body. */
record Response(int status, List<Map.Entry<String, String>> headers, String body) {

  static final String PHP = "PHP/8.0.28";

  /** A PHP page: {@code X-Powered-By}, then {@code extra}, then its content type. */
  static Response page(int status, String body, String... extra) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    headers.add(Map.entry("X-Powered-By", PHP));
    for (int i = 0; i + 1 < extra.length; i += 2) {
      headers.add(Map.entry(extra[i], extra[i + 1]));
    }
    headers.add(Map.entry("Content-Type", "text/html; charset=UTF-8"));
    return new Response(status, List.copyOf(headers), body);
  }

  /** An answer of Apache itself (no PHP ran): its own page, in Latin-1 as it labels it. */
  static Response apache(int status, String title, String text, String host, String... extra) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (int i = 0; i + 1 < extra.length; i += 2) {
      headers.add(Map.entry(extra[i], extra[i + 1]));
    }
    headers.add(Map.entry("Content-Type", "text/html; charset=iso-8859-1"));
    String name = host.contains(":") ? host.substring(0, host.lastIndexOf(':')) : host;
    return new Response(status, List.copyOf(headers), "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n"
        + "<title>" + status + " " + title + "</title>\n</head><body>\n<h1>" + title + "</h1>\n<p>" + text + "</p>\n<hr>\n"
        + "<address>" + WordpressImage.SERVER + " Server at " + InstallPages.html(name) + " Port " + WordpressImage.PORT
        + "</address>\n</body></html>\n");
  }

  /** {@code nocache_headers()} then the page. */
  static Response noCache(int status, String body, String... extra) {
    String[] all = new String[extra.length + 4];
    all[0] = "Expires";
    all[1] = "Wed, 11 Jan 1984 05:00:00 GMT";
    all[2] = "Cache-Control";
    all[3] = "no-cache, must-revalidate, max-age=0";
    System.arraycopy(extra, 0, all, 4, extra.length);
    return page(status, body, all);
  }

  /** {@code wp_redirect()}: 302 to {@code location}. */
  static Response redirect(String location, String... extra) {
    String[] all = new String[extra.length + 4];
    System.arraycopy(extra, 0, all, 0, extra.length);
    all[extra.length] = "X-Redirect-By";
    all[extra.length + 1] = "WordPress";
    all[extra.length + 2] = "Location";
    all[extra.length + 3] = location;
    return noCache(302, "", all);
  }

  /** The first value of header {@code name}, or null. */
  String header(String name) {
    return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).findFirst()
        .orElse(null);
  }
}
