package io.dekube.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Which of a CRD's requested names it may have, as kube-apiextensions' naming controller decides it: a
 * name another CRD of the same group has already been given (its {@code status.acceptedNames}) is
 * refused, one this CRD already has is kept. Plural, singular and short names share one space, kind and
 * list kind another. Each conflict leaves the accepted name as it was and makes {@code NamesAccepted}
 * False with the reason of the last conflicting field ({@code PluralConflict}, {@code SingularConflict},
 * {@code ShortNamesConflict}, {@code KindConflict}, {@code ListKindConflict}) and the message
 * {@code "<name>" is already in use}; categories are always taken as requested.
 */
final class CrdNames {

  /** The outcome: the names to accept and the {@code NamesAccepted} condition's status, reason and message. */
  record Decision(ObjectNode acceptedNames, boolean accepted, String reason, String message) {
  }

  private CrdNames() {
  }

  /**
   * Decides {@code crd}'s accepted names against {@code group}'s CRDs ({@code crd} itself may be among them:
   * its own accepted names never conflict with it).
   */
  static Decision decide(JsonNode crd, Collection<? extends JsonNode> group) {
    Set<String> resources = new HashSet<>();
    Set<String> kinds = new HashSet<>();
    String self = crd.path("metadata").path("name").asText();
    for (JsonNode other : group) {
      JsonNode names = other.path("status").path("acceptedNames");
      if (self.equals(other.path("metadata").path("name").asText())) {
        names = crd.path("status").path("acceptedNames");
      }
      resources.add(names.path("plural").asText(""));
      resources.add(names.path("singular").asText(""));
      names.path("shortNames").forEach(s -> resources.add(s.asText()));
      kinds.add(names.path("kind").asText(""));
      kinds.add(names.path("listKind").asText(""));
    }
    JsonNode requested = crd.path("spec").path("names");
    JsonNode had = crd.path("status").path("acceptedNames");
    ObjectNode next = had.isObject() ? ((ObjectNode) had).deepCopy() : Json.object();
    String[] conflict = null;
    for (String[] field : new String[][] {{"plural", "PluralConflict"}, {"singular", "SingularConflict"}}) {
      String error = inUse(requested.path(field[0]).asText(""), had.path(field[0]).asText(""), resources);
      if (error == null) {
        put(next, field[0], requested.path(field[0]).asText(""));
      } else {
        conflict = new String[] {field[1], error};
      }
    }
    List<String> wantedShort = texts(requested.path("shortNames"));
    List<String> hadShort = texts(had.path("shortNames"));
    if (!wantedShort.equals(hadShort)) {
      List<String> errors = new ArrayList<>();
      for (String s : wantedShort) {
        // our own short names, plural and singular are in the set already: they never conflict with us
        if (hadShort.contains(s) || s.equals(had.path("plural").asText()) || s.equals(had.path("singular").asText())) {
          continue;
        }
        String error = inUse(s, "", resources);
        if (error != null) {
          errors.add(error);
        }
      }
      if (errors.isEmpty()) {
        if (requested.has("shortNames")) {
          next.set("shortNames", requested.get("shortNames").deepCopy());
        } else {
          next.remove("shortNames");
        }
      } else {
        // kube's aggregate of several errors: "[a, b]"; of one: the error itself
        conflict = new String[] {"ShortNamesConflict", errors.size() == 1 ? errors.get(0) : errors.toString()};
      }
    }
    for (String[] field : new String[][] {{"kind", "KindConflict"}, {"listKind", "ListKindConflict"}}) {
      String error = inUse(requested.path(field[0]).asText(""), had.path(field[0]).asText(""), kinds);
      if (error == null) {
        put(next, field[0], requested.path(field[0]).asText(""));
      } else {
        conflict = new String[] {field[1], error};
      }
    }
    if (requested.has("categories")) {
      next.set("categories", requested.get("categories").deepCopy());
    } else {
      next.remove("categories");
    }
    return conflict == null ? new Decision(next, true, "NoConflicts", "no conflicts found")
        : new Decision(next, false, conflict[0], conflict[1]);
  }

  /** Null when {@code wanted} may be had: it is what this CRD already has, or nobody's; else kube's error. */
  private static String inUse(String wanted, String had, Set<String> used) {
    if (wanted.equals(had) || !used.contains(wanted)) {
      return null;
    }
    return "\"" + wanted + "\" is already in use";
  }

  private static void put(ObjectNode names, String field, String value) {
    if (value.isEmpty()) {
      names.remove(field);
    } else {
      names.put(field, value);
    }
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    if (array instanceof ArrayNode a) {
      a.forEach(n -> out.add(n.asText()));
    }
    return out;
  }
}
