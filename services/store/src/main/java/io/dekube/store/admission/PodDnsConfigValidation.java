package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.net.Ipv4;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * A pod's {@code dnsConfig} as kube 1.32's {@code validatePodDNSConfig} checks it: with {@code dnsPolicy: None} a
 * dnsConfig with a nameserver is required; at most 3 nameservers, each an IP address; at most 32 search domains of at
 * most 2048 characters joined by spaces, each (a trailing dot aside) an RFC 1123 subdomain — RelaxedDNSSearchValidation
 * is alpha and off in 1.32, so {@code _} and a lone {@code .} are refused —; options with a name. Pure.
 */
final class PodDnsConfigValidation {

  static final int MAX_NAMESERVERS = 3;
  static final int MAX_SEARCH_PATHS = 32;
  static final int MAX_SEARCH_LIST_CHARS = 2048;

  private PodDnsConfigValidation() {
  }

  static void validate(JsonNode spec, String path, FieldErrors errs) {
    JsonNode config = spec.get("dnsConfig");
    boolean none = config == null || config.isNull();
    String p = path + ".dnsConfig";
    if ("None".equals(spec.path("dnsPolicy").asText())) {
      if (none) {
        errs.required(p, "must provide `dnsConfig` when `dnsPolicy` is None");
        return;
      }
      if (config.path("nameservers").isEmpty()) {
        errs.required(p + ".nameservers", "must provide at least one DNS nameserver when `dnsPolicy` is None");
        return;
      }
    }
    if (none) {
      return;
    }
    List<String> nameservers = texts(config.path("nameservers"));
    if (nameservers.size() > MAX_NAMESERVERS) {
      errs.invalidRendered(p + ".nameservers", goStrings(nameservers),
          "must not have more than " + MAX_NAMESERVERS + " nameservers");
    }
    for (int i = 0; i < nameservers.size(); i++) {
      if (!isIp(nameservers.get(i))) {
        errs.invalid(p + ".nameservers[" + i + "]", nameservers.get(i),
            "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)");
      }
    }
    List<String> searches = texts(config.path("searches"));
    if (searches.size() > MAX_SEARCH_PATHS) {
      errs.invalidRendered(p + ".searches", goStrings(searches),
          "must not have more than " + MAX_SEARCH_PATHS + " search paths");
    }
    if (String.join(" ", searches).length() > MAX_SEARCH_LIST_CHARS) {
      errs.invalidRendered(p + ".searches", goStrings(searches),
          "must not have more than " + MAX_SEARCH_LIST_CHARS + " characters (including spaces) in the search list");
    }
    for (int i = 0; i < searches.size(); i++) {
      String search = searches.get(i).endsWith(".") ? searches.get(i).substring(0, searches.get(i).length() - 1)
          : searches.get(i);
      String at = p + ".searches[" + i + "]";
      Validators.dns1123Subdomain(search).forEach(m -> errs.invalid(at, search, m));
    }
    int i = 0;
    for (JsonNode option : config.path("options")) {
      if (option.path("name").asText("").isEmpty()) {
        errs.required(p + ".options[" + i + "]", "must not be empty");
      }
      i++;
    }
  }

  private static List<String> texts(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText("")));
    return out;
  }

  /** Go's {@code %#v} of a {@code []string}. */
  private static String goStrings(List<String> values) {
    List<String> quoted = new ArrayList<>();
    values.forEach(v -> quoted.add(FieldErrors.goValue(com.fasterxml.jackson.databind.node.TextNode.valueOf(v))));
    return "[]string{" + String.join(", ", quoted) + "}";
  }

  /** An IPv4 or IPv6 literal; a text with a colon is parsed as IPv6 only, never looked up. */
  private static boolean isIp(String s) {
    if (Ipv4.isIpv4(s)) {
      return true;
    }
    if (s.indexOf(':') < 0 || s.startsWith("[") || s.indexOf('%') >= 0) {
      return false;
    }
    try {
      InetAddress.getByName(s);
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
