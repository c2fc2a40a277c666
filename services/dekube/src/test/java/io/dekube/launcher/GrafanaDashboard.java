package io.dekube.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The Grafana dashboard of the compose stack ({@code monitoring/grafana/dashboards/dekube.json}): its PromQL. */
final class GrafanaDashboard {

  static final Path FILE = DekubeProcess.repoRoot().resolve("monitoring/grafana/dashboards/dekube.json");

  /** Series Prometheus makes itself for every target, not read from a /metrics page. */
  static final Set<String> PROMETHEUS_OWN = Set.of("up");

  private static final Pattern IDENTIFIER = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
      "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan");

  private GrafanaDashboard() {
  }

  /** Every panel's PromQL expressions. */
  static List<String> expressions(Path file) throws IOException {
    List<String> all = new ArrayList<>();
    collect(new ObjectMapper().readTree(file.toFile()), all);
    return all;
  }

  private static void collect(JsonNode node, List<String> into) {
    if (node.isObject() && node.path("expr").isTextual()) {
      into.add(node.path("expr").asText());
    }
    node.forEach(child -> collect(child, into));
  }

  /**
   * The metric names an expression reads: identifiers that are not functions (followed by "("), label
   * matchers ({...}), label lists of by/without (...), ranges ([1m]), strings or PromQL's own words.
   */
  static Set<String> metricNames(String expr) {
    String bare = expr.replaceAll("\"[^\"]*\"", "\"\"")
        .replaceAll("\\{[^}]*}", " ")
        .replaceAll("\\[[^\\]]*]", " ")
        .replaceAll("\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = IDENTIFIER.matcher(bare);
    while (m.find()) {
      String rest = bare.substring(m.end()).stripLeading();
      if (!rest.startsWith("(") && !PROMQL_WORDS.contains(m.group().toLowerCase())) {
        names.add(m.group());
      }
    }
    return names;
  }

  /** Every metric name the dashboard reads. */
  static Set<String> metricNames(Path file) throws IOException {
    Set<String> names = new TreeSet<>();
    for (String expr : expressions(file)) {
      names.addAll(metricNames(expr));
    }
    return names;
  }

  /** The metric names of a Prometheus text page (one per sample line). */
  static Set<String> exported(String metricsPage) {
    Set<String> names = new TreeSet<>();
    metricsPage.lines().filter(l -> !l.isBlank() && !l.startsWith("#"))
        .forEach(l -> names.add(l.split("[{ ]", 2)[0]));
    return names;
  }
}
