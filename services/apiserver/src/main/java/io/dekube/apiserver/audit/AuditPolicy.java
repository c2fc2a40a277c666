package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.authz.Attributes;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * An {@code audit.k8s.io/v1} Policy, as kube-apiserver's {@code --audit-policy-file} holds it: the first
 * rule that matches a request gives its level (none matches: {@code None}); its {@code omitStages} join
 * the policy's, its {@code omitManagedFields} overrides the policy's. Rules match as kube's policy
 * checker matches them: users, userGroups and verbs when listed; then namespaces and resources (only
 * resource requests; {@code ""} names cluster-scoped ones; {@code *}, {@code pods/log}, {@code *}/{@code
 * scale}, {@code pods/*}, resourceNames) or nonResourceURLs (only other requests; a trailing {@code *}
 * is a prefix). Immutable.
 */
public final class AuditPolicy {

  /** How much of a request an event records. */
  public enum Level {
    None, Metadata, Request, RequestResponse;

    boolean atLeast(Level other) {
      return compareTo(other) >= 0;
    }
  }

  /** When in a request's life an event is written. */
  public enum Stage {
    RequestReceived, ResponseStarted, ResponseComplete, Panic
  }

  /** What the policy decides for one request. */
  public record Decision(Level level, Set<Stage> omitStages, boolean omitManagedFields) {
    static final Decision NONE = new Decision(Level.None, Set.of(), false);

    boolean records(Stage stage) {
      return level != Level.None && !omitStages.contains(stage);
    }
  }

  private record GroupResources(String group, List<String> resources, List<String> resourceNames) {
  }

  private record Rule(Level level, List<String> users, List<String> userGroups, List<String> verbs,
                      List<GroupResources> resources, List<String> namespaces, List<String> nonResourceURLs,
                      Set<Stage> omitStages, Boolean omitManagedFields) {
  }

  private final List<Rule> rules;
  private final Set<Stage> omitStages;
  private final boolean omitManagedFields;

  private AuditPolicy(List<Rule> rules, Set<Stage> omitStages, boolean omitManagedFields) {
    this.rules = List.copyOf(rules);
    this.omitStages = Set.copyOf(omitStages);
    this.omitManagedFields = omitManagedFields;
  }

  /** Reads a policy file (YAML or JSON); a file that is not a valid Policy fails naming what is wrong. */
  public static AuditPolicy load(Path file) {
    JsonNode doc;
    try {
      doc = Json.YAML.readTree(Files.readString(file));
    } catch (IOException e) {
      throw new IllegalArgumentException("audit policy " + file + ": " + e.getMessage(), e);
    }
    try {
      return parse(doc);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("audit policy " + file + ": " + e.getMessage(), e);
    }
  }

  static AuditPolicy parse(JsonNode doc) {
    if (doc == null || !doc.isObject()) {
      throw new IllegalArgumentException("not a Policy object");
    }
    String apiVersion = doc.path("apiVersion").asText("");
    if (!apiVersion.equals("audit.k8s.io/v1") || !doc.path("kind").asText("").equals("Policy")) {
      throw new IllegalArgumentException("want apiVersion audit.k8s.io/v1, kind Policy; got " + apiVersion + ", "
          + doc.path("kind").asText(""));
    }
    JsonNode rules = doc.path("rules");
    if (!rules.isArray() || rules.isEmpty()) {
      throw new IllegalArgumentException("rules: Required value: a policy needs at least one rule");
    }
    List<Rule> parsed = new ArrayList<>();
    for (int i = 0; i < rules.size(); i++) {
      parsed.add(rule(rules.get(i), "rules[" + i + "]"));
    }
    return new AuditPolicy(parsed, stages(doc.path("omitStages"), "omitStages"),
        doc.path("omitManagedFields").asBoolean(false));
  }

  private static Rule rule(JsonNode r, String at) {
    Level level;
    try {
      level = Level.valueOf(r.path("level").asText(""));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(at + ".level: Unsupported value: \"" + r.path("level").asText("")
          + "\": supported values: \"None\", \"Metadata\", \"Request\", \"RequestResponse\"");
    }
    List<GroupResources> resources = new ArrayList<>();
    for (JsonNode gr : r.path("resources")) {
      resources.add(new GroupResources(gr.path("group").asText(""), strings(gr.path("resources")),
          strings(gr.path("resourceNames"))));
    }
    List<String> nonResource = strings(r.path("nonResourceURLs"));
    List<String> namespaces = strings(r.path("namespaces"));
    if (!nonResource.isEmpty() && (!resources.isEmpty() || !namespaces.isEmpty())) {
      throw new IllegalArgumentException(at + ": Invalid value: rules cannot apply to both regular resources "
          + "and non-resource URLs");
    }
    for (String url : nonResource) {
      if (!url.startsWith("/") && !url.equals("*") || url.indexOf('*') >= 0 && url.indexOf('*') != url.length() - 1) {
        throw new IllegalArgumentException(at + ".nonResourceURLs: Invalid value: \"" + url
            + "\": non-resource URLs must start with / and may only end with *");
      }
    }
    JsonNode omit = r.path("omitManagedFields");
    return new Rule(level, strings(r.path("users")), strings(r.path("userGroups")), strings(r.path("verbs")),
        resources, namespaces, nonResource, stages(r.path("omitStages"), at + ".omitStages"),
        omit.isBoolean() ? omit.asBoolean() : null);
  }

  private static Set<Stage> stages(JsonNode list, String at) {
    Set<Stage> out = EnumSet.noneOf(Stage.class);
    for (JsonNode s : list) {
      try {
        out.add(Stage.valueOf(s.asText()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(at + ": Unsupported value: \"" + s.asText() + "\"");
      }
    }
    return out;
  }

  private static List<String> strings(JsonNode list) {
    List<String> out = new ArrayList<>();
    list.forEach(n -> out.add(n.asText()));
    return out;
  }

  /** The level, stages and managed-fields choice for a request. */
  public Decision decide(Attributes a) {
    for (Rule r : rules) {
      if (matches(r, a)) {
        Set<Stage> omit = new LinkedHashSet<>(omitStages);
        omit.addAll(r.omitStages());
        return new Decision(r.level(), omit, r.omitManagedFields() != null ? r.omitManagedFields() : omitManagedFields);
      }
    }
    return Decision.NONE;
  }

  private static boolean matches(Rule r, Attributes a) {
    String user = a.user() == null ? "" : a.user().name();
    List<String> groups = a.user() == null ? List.of() : a.user().groups();
    if (!r.users().isEmpty() && !r.users().contains(user)) {
      return false;
    }
    if (!r.userGroups().isEmpty() && groups.stream().noneMatch(r.userGroups()::contains)) {
      return false;
    }
    if (!r.verbs().isEmpty() && !r.verbs().contains(a.verb())) {
      return false;
    }
    if (!r.namespaces().isEmpty() || !r.resources().isEmpty()) {
      return matchesResource(r, a);
    }
    if (!r.nonResourceURLs().isEmpty()) {
      return !a.resourceRequest() && r.nonResourceURLs().stream().anyMatch(spec -> pathMatches(a.path(), spec));
    }
    return true;
  }

  private static boolean matchesResource(Rule r, Attributes a) {
    if (!a.resourceRequest()) {
      return false;
    }
    if (!r.namespaces().isEmpty() && !r.namespaces().contains(a.namespace())) {
      return false;
    }
    if (r.resources().isEmpty()) {
      return true;
    }
    String sub = a.subresource();
    String combined = sub.isEmpty() ? a.resource() : a.resource() + "/" + sub;
    for (GroupResources gr : r.resources()) {
      if (!gr.group().equals(a.apiGroup())) {
        continue;
      }
      if (gr.resources().isEmpty()) {
        return true;
      }
      if (!gr.resourceNames().isEmpty() && !gr.resourceNames().contains(a.name())) {
        continue;
      }
      for (String res : gr.resources()) {
        if (res.equals(combined) || res.equals("*")
            || !sub.isEmpty() && res.startsWith("*/") && res.substring(2).equals(sub)
            || res.endsWith("/*") && res.substring(0, res.length() - 2).equals(a.resource())) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean pathMatches(String path, String spec) {
    if (spec.equals("*") || spec.equals(path)) {
      return true;
    }
    return spec.endsWith("*") && path.startsWith(spec.substring(0, spec.length() - 1));
  }
}
