package io.dekube.apiserver.authz;

import io.dekube.core.auth.UserInfo;
import io.dekube.store.cel.CelAuthorizer;
import java.util.function.Supplier;

/**
 * The apiserver's answer to CEL's {@code authorizer} (webhook matchConditions, admission policies):
 * the RBAC authorizer's decision, an error decision until RBAC has started. Thread-safe; reads the
 * authorizer's caches only.
 */
public final class CelRbacAuthorizer implements CelAuthorizer {

  private final Supplier<RbacAuthorizer> rbac;

  /** @param rbac the RBAC authorizer once started, else null */
  public CelRbacAuthorizer(Supplier<RbacAuthorizer> rbac) {
    this.rbac = rbac;
  }

  @Override
  public Decision authorize(UserInfo user, String verb, boolean resource, String group, String res,
                            String subresource, String namespace, String name, String path) {
    RbacAuthorizer authorizer = rbac.get();
    if (authorizer == null) {
      return new Decision(false, "", "the authorizer has not started");
    }
    Attributes a = resource ? Attributes.resource(user, verb, group, res, subresource, namespace, name)
        : Attributes.nonResource(user, verb, path);
    RbacAuthorizer.Decision d = authorizer.authorize(a);
    return new Decision(d.allowed(), d.reason() == null ? "" : d.reason(), "");
  }
}
