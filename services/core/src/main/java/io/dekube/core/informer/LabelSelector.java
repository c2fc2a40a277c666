package io.dekube.core.informer;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * A Kubernetes label selector: parsed from the query syntax ({@code app=web,tier!=db,env in (a,b),
 * env notin (c),release,!canary,replicas>1}) or from a {@code metav1.LabelSelector} object
 * ({@code matchLabels} + {@code matchExpressions}), matched against an object's labels with the
 * semantics of {@code k8s.io/apimachinery/pkg/labels}: {@code !=} and {@code notin} also match
 * objects without the key. Pure, immutable and thread-safe.
 */
public final class LabelSelector {

  /** The operator of one requirement. */
  public enum Operator {
    EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN
  }

  /**
   * One requirement of a selector.
   *
   * @param key      the label key
   * @param operator the operator
   * @param values   the values, sorted (one for =, !=, &gt;, &lt;; none for exists / !key)
   */
  public record Requirement(String key, Operator operator, List<String> values) {

    public Requirement {
      values = List.copyOf(new TreeSet<>(values));
    }

    /** Whether labels (key to value, never null) satisfy this requirement. */
    public boolean matches(Map<String, String> labels) {
      String v = labels.get(key);
      return switch (operator) {
        case EQUALS, IN -> v != null && values.contains(v);
        case NOT_EQUALS, NOT_IN -> v == null || !values.contains(v);
        case EXISTS -> v != null;
        case DOES_NOT_EXIST -> v == null;
        case GREATER_THAN, LESS_THAN -> compares(v);
      };
    }

    private boolean compares(String v) {
      if (v == null) {
        return false;
      }
      try {
        long have = Long.parseLong(v);
        long want = Long.parseLong(values.get(0));
        return operator == Operator.GREATER_THAN ? have > want : have < want;
      } catch (NumberFormatException e) {
        return false;
      }
    }

    @Override
    public String toString() {
      return switch (operator) {
        case EQUALS -> key + "=" + values.get(0);
        case NOT_EQUALS -> key + "!=" + values.get(0);
        case IN -> key + " in (" + String.join(",", values) + ")";
        case NOT_IN -> key + " notin (" + String.join(",", values) + ")";
        case EXISTS -> key;
        case DOES_NOT_EXIST -> "!" + key;
        case GREATER_THAN -> key + ">" + values.get(0);
        case LESS_THAN -> key + "<" + values.get(0);
      };
    }
  }

  private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
  private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);
  private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private final List<Requirement> requirements;
  private final boolean nothing;

  private LabelSelector(List<Requirement> requirements, boolean nothing) {
    this.requirements = requirements.stream().sorted(Comparator.comparing(Requirement::key)).toList();
    this.nothing = nothing;
  }

  /** The selector that matches every object (the empty selector). */
  public static LabelSelector everything() {
    return EVERYTHING;
  }

  /** The selector that matches no object (a null {@code metav1.LabelSelector}). */
  public static LabelSelector nothing() {
    return NOTHING;
  }

  /** A selector from requirements (all must hold). */
  public static LabelSelector of(List<Requirement> requirements) {
    return new LabelSelector(requirements, false);
  }

  /**
   * Parses the query syntax. Null or blank is {@link #everything()}.
   *
   * @throws StatusException 400 BadRequest when the text is not a valid selector
   */
  public static LabelSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    return new LabelSelector(new Parser(text).parse(), false);
  }

  /**
   * Converts a {@code metav1.LabelSelector} object. A missing or null node selects nothing; an
   * empty object selects everything, as {@code metav1.LabelSelectorAsSelector} does.
   *
   * @throws StatusException 400 BadRequest for an unknown operator or invalid key or value
   */
  public static LabelSelector fromJson(JsonNode selector) {
    if (selector == null || selector.isNull() || selector.isMissingNode()) {
      return NOTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    selector.path("matchLabels").fields().forEachRemaining(
        e -> reqs.add(requirement(e.getKey(), Operator.EQUALS, List.of(e.getValue().asText()))));
    for (JsonNode expr : selector.path("matchExpressions")) {
      List<String> values = new ArrayList<>();
      expr.path("values").forEach(v -> values.add(v.asText()));
      String op = expr.path("operator").asText();
      Operator operator = switch (op) {
        case "In" -> Operator.IN;
        case "NotIn" -> Operator.NOT_IN;
        case "Exists" -> Operator.EXISTS;
        case "DoesNotExist" -> Operator.DOES_NOT_EXIST;
        default -> throw StatusException.badRequest("\"" + op + "\" is not a valid label selector operator");
      };
      reqs.add(requirement(expr.path("key").asText(), operator, values));
    }
    return new LabelSelector(reqs, false);
  }

  /** A validated requirement. */
  public static Requirement requirement(String key, Operator operator, List<String> values) {
    validateKey(key);
    values.forEach(LabelSelector::validateValue);
    int n = values.size();
    boolean ok = switch (operator) {
      case EQUALS, NOT_EQUALS -> n == 1;
      case IN, NOT_IN -> n > 0;
      case EXISTS, DOES_NOT_EXIST -> n == 0;
      case GREATER_THAN, LESS_THAN -> n == 1 && values.get(0).matches("-?[0-9]+");
    };
    if (!ok) {
      throw parseError("invalid values " + values + " for operator " + operator + " on key " + key);
    }
    return new Requirement(key, operator, values);
  }

  /** The requirements, sorted by key. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** Whether this selector matches every object. */
  public boolean isEverything() {
    return !nothing && requirements.isEmpty();
  }

  /** Whether labels (key to value) satisfy every requirement. */
  public boolean matches(Map<String, String> labels) {
    if (nothing) {
      return false;
    }
    for (Requirement r : requirements) {
      if (!r.matches(labels)) {
        return false;
      }
    }
    return true;
  }

  /** Whether an object's {@code metadata.labels} satisfy every requirement. */
  public boolean matches(JsonNode object) {
    return matches(labelsOf(object));
  }

  /** An object's {@code metadata.labels} as a map (empty when it has none). */
  public static Map<String, String> labelsOf(JsonNode object) {
    JsonNode labels = object == null ? null : object.path("metadata").path("labels");
    if (labels == null || !labels.isObject() || labels.isEmpty()) {
      return Map.of();
    }
    Map<String, String> m = new HashMap<>();
    labels.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
    return m;
  }

  /** The value a requirement pins the key to ({@code key=value} or a one-value {@code in}), or null. */
  public String requiredValue(String key) {
    for (Requirement r : requirements) {
      if (r.key().equals(key) && (r.operator() == Operator.EQUALS
          || r.operator() == Operator.IN && r.values().size() == 1)) {
        return r.values().get(0);
      }
    }
    return null;
  }

  /** The query syntax, requirements sorted by key: {@code app=web,tier in (a,b)}. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelSelector s && s.nothing == nothing && s.requirements.equals(requirements);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requirements, nothing);
  }

  static void validateKey(String key) {
    String name = key;
    int slash = key.indexOf('/');
    if (slash >= 0) {
      String prefix = key.substring(0, slash);
      name = key.substring(slash + 1);
      if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
        throw parseError("invalid label key \"" + key + "\": prefix part must be a lowercase RFC 1123 subdomain");
      }
    }
    if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
      throw parseError("invalid label key \"" + key + "\": name part must consist of alphanumeric characters,"
          + " '-', '_' or '.', and must start and end with an alphanumeric character (at most 63)");
    }
  }

  static void validateValue(String value) {
    if (!value.isEmpty() && (value.length() > 63 || !NAME.matcher(value).matches())) {
      throw parseError("invalid label value: \"" + value + "\": a valid label must be an empty string or consist"
          + " of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character");
    }
  }

  static StatusException parseError(String why) {
    return StatusException.badRequest("unable to parse requirement: " + why);
  }

  /** A recursive-descent parser of the query syntax. */
  private static final class Parser {
    private final String s;
    private int pos;

    Parser(String s) {
      this.s = s;
    }

    List<Requirement> parse() {
      List<Requirement> reqs = new ArrayList<>();
      while (true) {
        reqs.add(requirement());
        skipWs();
        if (pos == s.length()) {
          return reqs;
        }
        expect(',', "',' or end of string");
      }
    }

    private Requirement requirement() {
      skipWs();
      if (peek('!')) {
        pos++;
        skipWs();
        return LabelSelector.requirement(identifier("label key"), Operator.DOES_NOT_EXIST, List.of());
      }
      String key = identifier("label key");
      skipWs();
      if (pos == s.length() || peek(',')) {
        return LabelSelector.requirement(key, Operator.EXISTS, List.of());
      }
      if (s.startsWith("==", pos) || s.startsWith("!=", pos)) {
        Operator op = s.charAt(pos) == '!' ? Operator.NOT_EQUALS : Operator.EQUALS;
        pos += 2;
        return LabelSelector.requirement(key, op, List.of(value()));
      }
      if (peek('=') || peek('>') || peek('<')) {
        char c = s.charAt(pos++);
        Operator op = c == '=' ? Operator.EQUALS : c == '>' ? Operator.GREATER_THAN : Operator.LESS_THAN;
        return LabelSelector.requirement(key, op, List.of(value()));
      }
      String word = identifier("operator");
      return switch (word) {
        case "in" -> LabelSelector.requirement(key, Operator.IN, set());
        case "notin" -> LabelSelector.requirement(key, Operator.NOT_IN, set());
        default -> throw parseError("found '" + word + "', expected: in, notin, =, ==, !=, gt, lt");
      };
    }

    private List<String> set() {
      skipWs();
      expect('(', "'('");
      List<String> values = new ArrayList<>();
      while (true) {
        values.add(value());
        skipWs();
        if (peek(')')) {
          pos++;
          return values;
        }
        expect(',', "',' or ')'");
      }
    }

    private String value() {
      skipWs();
      int start = pos;
      while (pos < s.length() && isIdentChar(s.charAt(pos))) {
        pos++;
      }
      return s.substring(start, pos);
    }

    private String identifier(String what) {
      String id = value();
      if (id.isEmpty()) {
        throw parseError(pos == s.length() ? "found end of string, expected: " + what
            : "found '" + s.charAt(pos) + "', expected: " + what);
      }
      return id;
    }

    private void expect(char c, String what) {
      if (!peek(c)) {
        throw parseError(pos == s.length() ? "found end of string, expected: " + what
            : "found '" + s.charAt(pos) + "', expected: " + what);
      }
      pos++;
    }

    private boolean peek(char c) {
      return pos < s.length() && s.charAt(pos) == c;
    }

    private void skipWs() {
      while (pos < s.length() && Character.isWhitespace(s.charAt(pos))) {
        pos++;
      }
    }

    private static boolean isIdentChar(char c) {
      return Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.' || c == '/';
    }
  }
}
