package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code --audit-log-format legacy}: kube's one-line text of an event ({@code audit.EventString}): the time the
 * request was received (RFC 3339 with nanoseconds, in the process's zone as Go prints {@code time.Now()}), then
 * {@code AUDIT:} and id, stage, ip, method, user, groups, as, asgroups, user-agent, namespace, uri, response, each
 * quoted as Go's {@code %q} quotes. Pure.
 */
final class LegacyFormat {

  private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");

  private LegacyFormat() {
  }

  static String eventString(JsonNode ev) {
    JsonNode user = ev.path("user");
    String username = "<none>";
    String groups = "<none>";
    if (!user.path("username").asText().isEmpty()) {
      username = user.path("username").asText();
      if (!user.path("groups").isEmpty()) {
        groups = quotedList(user.path("groups"));
      }
    }
    String as = "<self>";
    String asGroups = "<lookup>";
    JsonNode impersonated = ev.get("impersonatedUser");
    if (impersonated != null && impersonated.isObject()) {
      as = impersonated.path("username").asText();
      if (impersonated.has("groups")) {
        asGroups = quotedList(impersonated.path("groups"));
      }
    }
    String namespace = ev.path("objectRef").path("namespace").asText();
    String response = ev.has("responseStatus") ? Integer.toString(ev.path("responseStatus").path("code").asInt())
        : "<deferred>";
    String ip = ev.path("sourceIPs").isEmpty() ? "<unknown>" : ev.path("sourceIPs").get(0).asText();
    return rfc3339Nano(ev.path("requestReceivedTimestamp").asText()) + " AUDIT: id=" + quote(ev.path("auditID").asText())
        + " stage=" + quote(ev.path("stage").asText()) + " ip=" + quote(ip) + " method=" + quote(ev.path("verb").asText())
        + " user=" + quote(username) + " groups=" + quote(groups) + " as=" + quote(as) + " asgroups=" + quote(asGroups)
        + " user-agent=" + quote(ev.path("userAgent").asText()) + " namespace="
        + quote(namespace.isEmpty() ? "<none>" : namespace) + " uri=" + quote(ev.path("requestURI").asText())
        + " response=\"" + response + "\"";
  }

  private static String quotedList(JsonNode items) {
    List<String> quoted = new ArrayList<>();
    items.forEach(i -> quoted.add(quote(i.asText())));
    return String.join(",", quoted);
  }

  /** Go's {@code time.RFC3339Nano} of an event timestamp: trailing zeros of the fraction dropped, {@code Z} or the offset. */
  static String rfc3339Nano(String timestamp) {
    Instant at;
    try {
      at = Instant.parse(timestamp);
    } catch (java.time.format.DateTimeParseException e) {
      at = Instant.EPOCH;
    }
    ZonedDateTime local = at.atZone(ZoneId.systemDefault());
    StringBuilder out = new StringBuilder(SECONDS.format(local));
    int nanos = local.getNano();
    if (nanos != 0) {
      String fraction = String.format("%09d", nanos).replaceAll("0+$", "");
      out.append('.').append(fraction);
    }
    int offset = local.getOffset().getTotalSeconds();
    if (offset == 0) {
      out.append('Z');
    } else {
      out.append(offset < 0 ? '-' : '+').append(String.format("%02d:%02d", Math.abs(offset) / 3600,
          Math.abs(offset) / 60 % 60));
    }
    return out.toString();
  }

  /** Go's {@code %q}: a double-quoted string with Go's escapes for quotes, backslashes and unprintable characters. */
  static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 2).append('"');
    s.codePoints().forEach(c -> {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case 7 -> out.append("\\a");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        case 11 -> out.append("\\v");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            out.append(String.format("\\x%02x", c));
          } else if (Character.isISOControl(c) || !Character.isDefined(c)) {
            out.append(c > 0xffff ? String.format("\\U%08x", c) : String.format("\\u%04x", c));
          } else {
            out.appendCodePoint(c);
          }
        }
      }
    });
    return out.append('"').toString();
  }
}
