package io.dekube.apiserver.flowcontrol;

import io.dekube.apiserver.authz.Attributes;
import io.dekube.core.auth.UserInfo;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.NonResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.PolicyRulesWithSubjects;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.ResourcePolicyRule;
import io.fabric8.kubernetes.api.model.flowcontrol.v1.Subject;
import java.util.List;

/**
 * Whether a request matches a FlowSchema's rules, as kube's APF decides it: some rule whose subjects
 * name the user (a {@code User} by name, a {@code Group} the user is in, a {@code ServiceAccount} by
 * namespace and name, {@code *} for any) and, for a resource request, one of its resource rules (verb,
 * API group, resource or {@code resource/subresource}, and {@code clusterScope} for a request in no
 * namespace, {@code namespaces} for one in a namespace), for any other request one of its non-resource
 * rules (verb and URL, a trailing {@code *} matching every path below). Pure; thread-safe.
 */
public final class FlowSchemaMatching {

  static final String ALL = "*";
  private static final String SA_PREFIX = "system:serviceaccount:";

  private FlowSchemaMatching() {
  }

  /** Whether one of {@code rules} matches the request. */
  public static boolean matches(List<PolicyRulesWithSubjects> rules, Attributes a) {
    for (PolicyRulesWithSubjects rule : rules) {
      if (matches(rule, a)) {
        return true;
      }
    }
    return false;
  }

  static boolean matches(PolicyRulesWithSubjects rule, Attributes a) {
    if (!anySubject(list(rule.getSubjects()), a.user())) {
      return false;
    }
    if (a.resourceRequest()) {
      for (ResourcePolicyRule r : list(rule.getResourceRules())) {
        if (matches(r, a)) {
          return true;
        }
      }
      return false;
    }
    for (NonResourcePolicyRule r : list(rule.getNonResourceRules())) {
      if (has(r.getVerbs(), a.verb()) && pathMatches(list(r.getNonResourceURLs()), a.path())) {
        return true;
      }
    }
    return false;
  }

  private static boolean anySubject(List<Subject> subjects, UserInfo user) {
    for (Subject s : subjects) {
      if (subject(s, user)) {
        return true;
      }
    }
    return false;
  }

  static boolean subject(Subject s, UserInfo user) {
    switch (s.getKind() == null ? "" : s.getKind()) {
      case "User":
        String name = s.getUser() == null ? null : s.getUser().getName();
        return ALL.equals(name) || user.name().equals(name);
      case "Group":
        String group = s.getGroup() == null ? null : s.getGroup().getName();
        return ALL.equals(group) || user.groups().contains(group);
      case "ServiceAccount":
        if (s.getServiceAccount() == null || !user.name().startsWith(SA_PREFIX)) {
          return false;
        }
        String rest = user.name().substring(SA_PREFIX.length());
        int colon = rest.indexOf(':');
        if (colon <= 0 || colon == rest.length() - 1 || rest.indexOf(':', colon + 1) >= 0) {
          return false;
        }
        return rest.substring(0, colon).equals(s.getServiceAccount().getNamespace())
            && (ALL.equals(s.getServiceAccount().getName()) || rest.substring(colon + 1).equals(
                s.getServiceAccount().getName()));
      default:
        return false;
    }
  }

  static boolean matches(ResourcePolicyRule r, Attributes a) {
    if (!has(r.getVerbs(), a.verb()) || !has(r.getApiGroups(), a.apiGroup())) {
      return false;
    }
    String resource = a.subresource().isEmpty() ? a.resource() : a.resource() + "/" + a.subresource();
    if (!has(r.getResources(), resource)) {
      return false;
    }
    if (a.namespace().isEmpty()) {
      return Boolean.TRUE.equals(r.getClusterScope());
    }
    return has(r.getNamespaces(), a.namespace());
  }

  private static boolean pathMatches(List<String> patterns, String path) {
    for (String p : patterns) {
      if (p.equals(ALL) || p.equals(path)) {
        return true;
      }
      if (p.endsWith(ALL) && path.startsWith(p.substring(0, p.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private static <T> List<T> list(List<T> values) {
    return values == null ? List.of() : values;
  }

  private static boolean has(List<String> values, String value) {
    if (values == null) {
      return false;
    }
    for (String v : values) {
      if (v.equals(ALL) || v.equals(value)) {
        return true;
      }
    }
    return false;
  }
}
