package io.dekube.kubelet.images.wordpress;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What PHP hands WordPress of a request: method, path, {@code $_GET}, {@code $_POST}, {@code $_COOKIE} and the
 * {@code Host} header. Pure.
 */
record Request(String method, String path, Map<String, String> query, Map<String, String> form,
               Map<String, String> cookies, String host) {

  /** {@code $_REQUEST[name]}: the form's value, else the query's, else "". */
  String param(String name) {
    return form.getOrDefault(name, query.getOrDefault(name, ""));
  }

  /** {@code wp_guess_url()}: {@code http://} and the Host header. */
  String siteUrl() {
    return "http://" + host;
  }

  /** {@code a=1&b=2} as PHP parses it (the last of a repeated name wins). */
  static Map<String, String> parse(String encoded) {
    Map<String, String> values = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return values;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String name = decode(eq < 0 ? pair : pair.substring(0, eq));
      values.put(name, eq < 0 ? "" : decode(pair.substring(eq + 1)));
    }
    return values;
  }

  /** The {@code Cookie} header's pairs. */
  static Map<String, String> cookies(String header) {
    Map<String, String> values = new LinkedHashMap<>();
    if (header != null) {
      for (String pair : header.split(";")) {
        int eq = pair.indexOf('=');
        if (eq > 0) {
          values.put(pair.substring(0, eq).trim(), decode(pair.substring(eq + 1).trim()));
        }
      }
    }
    return values;
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
