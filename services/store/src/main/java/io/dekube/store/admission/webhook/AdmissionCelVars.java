package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.cel.AuthorizerLibrary;
import io.dekube.store.cel.CelAuthorizer;
import io.dekube.store.cel.CelValues;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

/**
 * The CEL variables of an admission request, as kube binds them for matchConditions and policies:
 * {@code object} and {@code oldObject} (null when absent), {@code request}, the AdmissionRequest of
 * {@code admission.k8s.io/v1} without its objects, and {@code authorizer}. Pure.
 */
public final class AdmissionCelVars {

  private AdmissionCelVars() {
  }

  /**
   * The variables for {@code a}, with {@code authorizer} checking as the request's user through
   * {@code authz}; callers add {@code params}, {@code namespaceObject}, ...
   */
  public static Map<String, Object> of(AdmissionAttributes a, CelAuthorizer authz) {
    ObjectNode request = (ObjectNode) AdmissionReviews.request(a, UUID.randomUUID().toString(), "v1").get("request");
    request.remove("object");
    request.remove("oldObject");
    Map<String, Object> vars = new HashMap<>();
    vars.put("object", CelValues.of(a.object()));
    vars.put("oldObject", CelValues.of(a.oldObject()));
    vars.put("request", CelValues.of(request));
    AuthorizerLibrary.Authorizer authorizer = new AuthorizerLibrary.Authorizer(authz, a.user());
    vars.put("authorizer", authorizer);
    vars.put("authorizer.requestResource", new AuthorizerLibrary.ResourceCheck(authorizer, a.type().group(),
        a.type().plural(), a.subresource(), a.namespace(), a.name()));
    return vars;
  }
}
