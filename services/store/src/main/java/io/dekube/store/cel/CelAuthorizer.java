package io.dekube.store.cel;

import io.dekube.core.auth.UserInfo;
import java.util.List;

/**
 * What kube's CEL {@code authorizer} library asks: may {@code user} do {@code verb} on a resource or a
 * path. The apiserver answers from RBAC; components on the bus have no authorizer and answer with an
 * error decision. Called on the evaluating thread; must not block.
 */
public interface CelAuthorizer {

  /**
   * A decision as the library returns it.
   *
   * @param allowed whether the request is allowed
   * @param reason  the authorizer's reason ("" when none)
   * @param error   the error when the authorizer could not decide, else ""
   */
  record Decision(boolean allowed, String reason, String error) {
  }

  /** An authorizer that cannot decide: every check is an errored decision. */
  CelAuthorizer NONE = (user, verb, resource, group, res, subresource, namespace, name, path) ->
      new Decision(false, "", "no authorizer is configured for this component");

  /**
   * Whether {@code user} may {@code verb} the resource ({@code resource}: group, resource,
   * subresource, namespace, name) or else the non-resource {@code path}.
   */
  Decision authorize(UserInfo user, String verb, boolean resource, String group, String res, String subresource,
                     String namespace, String name, String path);

  /** The user a service account authenticates as, as {@code authorizer.serviceAccount(ns, name)} names it. */
  static UserInfo serviceAccount(String namespace, String name) {
    return new UserInfo("system:serviceaccount:" + namespace + ":" + name, "",
        List.of("system:serviceaccounts", "system:serviceaccounts:" + namespace, UserInfo.AUTHENTICATED));
  }
}
