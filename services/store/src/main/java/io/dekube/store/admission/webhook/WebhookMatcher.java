package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.StatusException;
import io.dekube.store.cel.CelAuthorizer;
import java.util.function.Function;

/**
 * Whether a webhook is called for a request, in kube's order: its rules (with {@code matchPolicy
 * Equivalent} also against the other versions of the resource, {@link EquivalentVersions}), then its
 * namespace selector (cluster-scoped objects other than Namespaces always match; a Namespace's
 * create or update is matched on its own new labels), then its object selector (the old or the new
 * object's labels), then its CEL matchConditions. Pure apart from the namespace lookup.
 */
public final class WebhookMatcher {

  private final Function<String, ObjectNode> namespaces;
  private final CelAuthorizer authorizer;
  private final EquivalentVersions versions;

  /**
   * @param namespaces a Namespace by name from an informer's cache, or null
   * @param authorizer what matchConditions' {@code authorizer} asks
   * @param versions   the versions a custom resource is matched in
   */
  WebhookMatcher(Function<String, ObjectNode> namespaces, CelAuthorizer authorizer, EquivalentVersions versions) {
    this.namespaces = namespaces;
    this.authorizer = authorizer;
    this.versions = versions;
  }

  /**
   * Whether {@code w} is called for {@code a}.
   *
   * @throws StatusException 404 when the namespace selector needs a namespace that does not exist, 403
   *     when a matchCondition fails to evaluate under {@code failurePolicy: Fail}
   */
  boolean matches(Webhook w, AdmissionAttributes a) {
    return selected(w, a) && conditions(w, a);
  }

  /** Whether {@code w}'s rules and selectors pick {@code a}, before its matchConditions (kube's ShouldCallHook). */
  boolean selected(Webhook w, AdmissionAttributes a) {
    return matchedVersion(w, a) != null && namespace(w.namespaceSelector(), a) && object(w.objectSelector(), a);
  }

  /** The group/version {@code w}'s rules match {@code a} in (the webhook sees the objects in it), null for none. */
  String matchedVersion(Webhook w, AdmissionAttributes a) {
    return versions.matched(a, w.rules(), w.exactMatch());
  }

  /**
   * The matchConditions, evaluated on {@code a} in the version the webhook matched: a false one skips the webhook;
   * an error fails the request unless it fails open.
   */
  boolean conditions(Webhook w, AdmissionAttributes a) {
    if (w.matchConditions().isEmpty()) {
      return true;
    }
    MatchConditions.Result r = w.matchConditions().evaluate(AdmissionCelVars.of(a, authorizer));
    if (r.error() == null) {
      return r.matches();
    }
    if (w.failOpen()) {
      return false;
    }
    throw forbidden(a, r.error());
  }

  /** kube's 403 for a request refused by admission: {@code pods "x" is forbidden: <why>}. */
  public static StatusException forbidden(AdmissionAttributes a, String why) {
    String resource = a.type().plural() + (a.type().group().isEmpty() ? "" : "." + a.type().group());
    String message = resource + (a.name().isEmpty() ? "" : " \"" + a.name() + "\"") + " is forbidden: " + why;
    return new StatusException(403, "Forbidden", message, io.dekube.core.model.Json.object().put("name", a.name())
        .put("group", a.type().group()).put("kind", a.type().plural()));
  }

  private boolean namespace(LabelSelector selector, AdmissionAttributes a) {
    return namespaceMatches(selector, a, namespaces);
  }

  /**
   * Whether the namespace selector {@code selector} admits {@code a}, as kube decides for webhooks
   * and policies alike.
   *
   * @param namespaces a Namespace by name from the apiserver's cache, or null
   * @throws StatusException 404 when the selector needs a namespace that does not exist
   */
  public static boolean namespaceMatches(LabelSelector selector, AdmissionAttributes a,
                                         Function<String, ObjectNode> namespaces) {
    boolean namespaceItself = a.type().group().isEmpty() && a.type().plural().equals("namespaces");
    if (!a.type().namespaced() && !namespaceItself) {
      return true; // kube never exempts other cluster-scoped objects by namespace
    }
    if (selector.isEverything()) {
      return true;
    }
    if (namespaceItself && a.subresource().isEmpty() && !a.operation().equals(AdmissionAttributes.DELETE)) {
      return selector.matches(a.object());
    }
    ObjectNode ns = namespaces.apply(a.namespace());
    if (ns == null) {
      throw new StatusException(404, "NotFound", "namespaces \"" + a.namespace() + "\" not found",
          io.dekube.core.model.Json.object().put("name", a.namespace()).put("kind", "namespaces"));
    }
    return selector.matches(ns);
  }

  private static boolean object(LabelSelector selector, AdmissionAttributes a) {
    return objectMatches(selector, a);
  }

  /** Whether the object selector {@code selector} admits the old or the new object of {@code a}. */
  public static boolean objectMatches(LabelSelector selector, AdmissionAttributes a) {
    if (selector.isEverything()) {
      return true;
    }
    return (a.object() != null && selector.matches(a.object()))
        || (a.oldObject() != null && selector.matches(a.oldObject()));
  }
}
