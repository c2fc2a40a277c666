package io.dekube.apiserver.discovery;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Content negotiation of the discovery endpoints, as kube-apiserver's: an {@code Accept} clause
 * {@code application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList} (or {@code v2beta1},
 * parameters in any order) selects aggregated discovery, whose {@code Content-Type} echoes that
 * media type; plain {@code application/json}, {@code application/yaml} or a wildcard selects the
 * legacy documents; clauses are tried by descending {@code q}, then in order. Pure.
 */
public final class DiscoveryMediaTypes {

  /** Aggregated discovery versions served. */
  public static final Set<String> AGGREGATED_VERSIONS = Set.of("v2", "v2beta1");

  /** The negotiated representation. */
  public sealed interface Choice {
  }

  /** Aggregated discovery in apidiscovery.k8s.io {@code version}. */
  public record Aggregated(String version) implements Choice {

    /** The response {@code Content-Type}. */
    public String contentType() {
      return "application/json;g=" + AggregatedDiscovery.GROUP + ";v=" + version + ";as=APIGroupDiscoveryList";
    }
  }

  /** The legacy document, as JSON or YAML. */
  public record Legacy(boolean yaml) implements Choice {

    public String contentType() {
      return yaml ? "application/yaml" : "application/json";
    }
  }

  /** Nothing the client accepts can be produced (406). */
  public record NotAcceptable() implements Choice {
  }

  private record Clause(String range, Map<String, String> params, double q, int index) {
  }

  private DiscoveryMediaTypes() {
  }

  /** Chooses the representation for an {@code Accept} header (null or blank: legacy JSON). */
  public static Choice negotiate(String accept) {
    if (accept == null || accept.isBlank()) {
      return new Legacy(false);
    }
    List<Clause> clauses = parse(accept);
    clauses.sort(Comparator.comparingDouble((Clause c) -> -c.q()).thenComparingInt(Clause::index));
    for (Clause clause : clauses) {
      Choice choice = match(clause);
      if (choice != null) {
        return choice;
      }
    }
    return new NotAcceptable();
  }

  private static Choice match(Clause clause) {
    if (clause.q() <= 0) {
      return null;
    }
    Map<String, String> p = clause.params();
    boolean typed = p.containsKey("g") || p.containsKey("v") || p.containsKey("as");
    boolean json = clause.range().equals("application/json") || clause.range().equals("application/*")
        || clause.range().equals("*/*");
    if (typed) {
      boolean aggregated = json && AggregatedDiscovery.GROUP.equals(p.get("g"))
          && "APIGroupDiscoveryList".equals(p.get("as")) && AGGREGATED_VERSIONS.contains(p.get("v"));
      return aggregated ? new Aggregated(p.get("v")) : null;
    }
    if (json) {
      return new Legacy(false);
    }
    return clause.range().equals("application/yaml") ? new Legacy(true) : null;
  }

  private static List<Clause> parse(String accept) {
    List<Clause> clauses = new ArrayList<>();
    String[] parts = accept.split(",");
    for (int i = 0; i < parts.length; i++) {
      String[] pieces = parts[i].split(";");
      String range = pieces[0].trim().toLowerCase(Locale.ROOT);
      if (range.isEmpty()) {
        continue;
      }
      Map<String, String> params = new HashMap<>();
      double q = 1.0;
      for (int j = 1; j < pieces.length; j++) {
        int eq = pieces[j].indexOf('=');
        if (eq <= 0) {
          continue;
        }
        String key = pieces[j].substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String value = unquote(pieces[j].substring(eq + 1).trim());
        if (key.equals("q")) {
          q = quality(value);
        } else {
          params.put(key, value);
        }
      }
      clauses.add(new Clause(range, params, q, i));
    }
    return clauses;
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
        ? value.substring(1, value.length() - 1) : value;
  }

  private static double quality(String value) {
    try {
      return Double.parseDouble(value);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
