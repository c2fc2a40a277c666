package io.dekube.core.informer;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A Kubernetes field selector ({@code metadata.name=web,spec.nodeName!=node-1}, {@code ==} too),
 * parsed as {@code k8s.io/apimachinery/pkg/fields} does, including the escapes {@code \,}
 * {@code \=} {@code \!} {@code \\} in values. Matching reads the dotted field path from the object;
 * a missing field reads as "" (so {@code spec.nodeName=} selects unscheduled pods). Which fields a
 * kind supports is the caller's check ({@link #fields()}). Pure, immutable and thread-safe.
 */
public final class FieldSelector {

  /**
   * One term.
   *
   * @param field  dotted field path, e.g. {@code spec.nodeName}
   * @param equals true for {@code =} / {@code ==}, false for {@code !=}
   * @param value  the unescaped value
   */
  public record Requirement(String field, boolean equals, String value) {

    /** Whether a field value (never null; "" when absent) satisfies this term. */
    public boolean matches(String actual) {
      return equals == value.equals(actual);
    }

    @Override
    public String toString() {
      return field + (equals ? "=" : "!=") + escape(value);
    }
  }

  private static final FieldSelector EVERYTHING = new FieldSelector(List.of());

  private final List<Requirement> requirements;

  private FieldSelector(List<Requirement> requirements) {
    this.requirements = List.copyOf(requirements);
  }

  /** The selector that matches every object. */
  public static FieldSelector everything() {
    return EVERYTHING;
  }

  /** A selector from terms (all must hold). */
  public static FieldSelector of(List<Requirement> requirements) {
    return new FieldSelector(requirements);
  }

  /**
   * Parses the query syntax. Null or blank is {@link #everything()}.
   *
   * @throws StatusException 400 BadRequest when a term has no operator, no field, or a bad escape
   */
  public static FieldSelector parse(String text) {
    if (text == null || text.isBlank()) {
      return EVERYTHING;
    }
    List<Requirement> reqs = new ArrayList<>();
    for (String term : splitTerms(text)) {
      reqs.add(parseTerm(term));
    }
    return new FieldSelector(reqs);
  }

  private static List<String> splitTerms(String text) {
    List<String> terms = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == ',') {
        terms.add(text.substring(start, i));
        start = i + 1;
      }
    }
    terms.add(text.substring(start));
    return terms;
  }

  private static Requirement parseTerm(String term) {
    for (int i = 0; i < term.length(); i++) {
      char c = term.charAt(i);
      if (c == '\\') {
        i++;
        continue;
      }
      int opLen = term.startsWith("!=", i) || term.startsWith("==", i) ? 2 : c == '=' ? 1 : 0;
      if (opLen > 0) {
        String field = term.substring(0, i).trim();
        if (field.isEmpty()) {
          throw invalid(term, "a field name is required");
        }
        return new Requirement(field, c != '!', unescape(term.substring(i + opLen), term));
      }
    }
    throw invalid(term, "can't understand '" + term + "'");
  }

  private static String unescape(String value, String term) {
    StringBuilder b = new StringBuilder(value.length());
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\\') {
        if (i + 1 == value.length() || "\\,=!".indexOf(value.charAt(i + 1)) < 0) {
          throw invalid(term, "invalid escape sequence in value");
        }
        c = value.charAt(++i);
      } else if (c == '=' || c == '!' || c == ',') {
        throw invalid(term, "unescaped '" + c + "' in value");
      }
      b.append(c);
    }
    return b.toString();
  }

  private static StatusException invalid(String term, String why) {
    return StatusException.badRequest("invalid selector: '" + term + "'; " + why);
  }

  /** Escapes a value for the query syntax. */
  public static String escape(String value) {
    StringBuilder b = new StringBuilder(value.length());
    for (char c : value.toCharArray()) {
      if ("\\,=!".indexOf(c) >= 0) {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  /** The terms, in the order written. */
  public List<Requirement> requirements() {
    return requirements;
  }

  /** The field paths used, for the caller to check against the fields its kind supports. */
  public List<String> fields() {
    return requirements.stream().map(Requirement::field).distinct().toList();
  }

  /** Whether this selector matches every object. */
  public boolean isEverything() {
    return requirements.isEmpty();
  }

  /** The value a {@code field=value} term pins the field to, or null (for index lookups). */
  public String requiredValue(String field) {
    return requirements.stream().filter(r -> r.equals() && r.field().equals(field))
        .map(Requirement::value).findFirst().orElse(null);
  }

  /** Whether field values (a function from path to value, "" when absent) satisfy every term. */
  public boolean matches(Function<String, String> fieldValue) {
    for (Requirement r : requirements) {
      String v = fieldValue.apply(r.field());
      if (!r.matches(v == null ? "" : v)) {
        return false;
      }
    }
    return true;
  }

  /** Whether an object's fields (read by dotted path) satisfy every term. */
  public boolean matches(JsonNode object) {
    return matches(path -> fieldValue(object, path));
  }

  /** The text of the scalar at a dotted path, or "" when absent, null or not a scalar. */
  public static String fieldValue(JsonNode object, String path) {
    JsonNode n = object;
    for (String part : path.split("\\.")) {
      if (n == null) {
        return "";
      }
      n = n.get(part);
    }
    return n == null || !n.isValueNode() || n.isNull() ? "" : n.asText();
  }

  /** The query syntax, terms in order: {@code metadata.name=web,spec.nodeName!=n1}. */
  @Override
  public String toString() {
    return requirements.stream().map(Requirement::toString).collect(Collectors.joining(","));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FieldSelector s && s.requirements.equals(requirements);
  }

  @Override
  public int hashCode() {
    return Objects.hash(requirements);
  }
}
