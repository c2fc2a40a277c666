package io.dekube.apiserver.rest.table;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The simple JSONPath forms printer columns use: {@code .spec.replicas}, {@code .items[0].name},
 * {@code .status.conditions[?(@.type=="Ready")].status} (first match). Pure.
 */
final class JsonPaths {

  /** One step: a field, an index, or a filter by a field's value. */
  record Step(String field, int index, String filterField, String filterValue) {
  }

  private static final Pattern FILTER = Pattern.compile("\\?\\(@\\.([\\w.-]+)\\s*==\\s*[\"']?([^\"')]*)[\"']?\\)");

  private JsonPaths() {
  }

  static List<Step> parse(String path) {
    String p = path.trim();
    if (p.startsWith("{") && p.endsWith("}")) {
      p = p.substring(1, p.length() - 1);
    }
    List<Step> steps = new ArrayList<>();
    int i = 0;
    while (i < p.length()) {
      char c = p.charAt(i);
      if (c == '.') {
        i++;
      } else if (c == '[') {
        int end = p.indexOf(']', i);
        if (end < 0) {
          break;
        }
        String inner = p.substring(i + 1, end);
        Matcher m = FILTER.matcher(inner);
        if (m.matches()) {
          steps.add(new Step(null, -1, m.group(1), m.group(2)));
        } else if (inner.matches("\\d+")) {
          steps.add(new Step(null, Integer.parseInt(inner), null, null));
        } else {
          steps.add(new Step(inner.replace("'", "").replace("\"", ""), -1, null, null));
        }
        i = end + 1;
      } else {
        int end = i;
        while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
          end++;
        }
        steps.add(new Step(p.substring(i, end), -1, null, null));
        i = end;
      }
    }
    return steps;
  }

  static JsonNode read(JsonNode root, List<Step> steps) {
    JsonNode n = root;
    for (Step s : steps) {
      if (n == null || n.isMissingNode() || n.isNull()) {
        return null;
      }
      if (s.field() != null) {
        n = n.get(s.field());
      } else if (s.index() >= 0) {
        n = n.isArray() ? n.get(s.index()) : null;
      } else {
        JsonNode match = null;
        for (JsonNode e : n) {
          if (s.filterValue().equals(e.path(s.filterField()).asText(null))) {
            match = e;
            break;
          }
        }
        n = match;
      }
    }
    return n;
  }
}
