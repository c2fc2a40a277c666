package io.dekube.store.cel;

import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.OpaqueType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelFunctionBinding;
import io.dekube.core.auth.UserInfo;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's CEL authorizer library (k8s.io/apiserver/pkg/cel/library/authz.go) for admission
 * expressions: {@code authorizer.group('apps').resource('deployments').namespace('ns').name('x')
 * .check('update').allowed()}, {@code authorizer.path('/healthz').check('get')},
 * {@code authorizer.serviceAccount(ns, name)}, {@code authorizer.requestResource}, and a
 * decision's {@code allowed()}, {@code reason()}, {@code errored()}, {@code error()}. Values are
 * immutable records; a check calls the bound {@link CelAuthorizer}.
 */
public final class AuthorizerLibrary {

  static final CelType AUTHORIZER = OpaqueType.create("kubernetes.authorization.Authorizer");
  static final CelType PATH_CHECK = OpaqueType.create("kubernetes.authorization.PathCheck");
  static final CelType GROUP_CHECK = OpaqueType.create("kubernetes.authorization.GroupCheck");
  static final CelType RESOURCE_CHECK = OpaqueType.create("kubernetes.authorization.ResourceCheck");
  static final CelType DECISION = OpaqueType.create("kubernetes.authorization.Decision");
  private static final CelType STR = SimpleType.STRING;

  /** The {@code authorizer} variable: checks run as {@code user}. */
  public record Authorizer(CelAuthorizer authz, UserInfo user) {
  }

  record PathCheck(Authorizer a, String path) {
  }

  record GroupCheck(Authorizer a, String group) {
  }

  /** A resource check; {@code authorizer.requestResource} is one for the request's resource. */
  public record ResourceCheck(Authorizer a, String group, String resource, String subresource, String namespace,
                              String name) {
  }

  record DecisionValue(CelAuthorizer.Decision d) {
  }

  private AuthorizerLibrary() {
  }

  /** The variable names and types to declare: {@code authorizer}, {@code authorizer.requestResource}. */
  static void declare(java.util.Map<String, CelType> vars) {
    vars.put("authorizer", AUTHORIZER);
    vars.put("authorizer.requestResource", RESOURCE_CHECK);
  }

  static List<CelFunctionDecl> declarations() {
    List<CelFunctionDecl> d = new ArrayList<>();
    d.add(fn("path", member("authorizer_path", PATH_CHECK, AUTHORIZER, STR)));
    d.add(fn("group", member("authorizer_group", GROUP_CHECK, AUTHORIZER, STR)));
    d.add(fn("serviceAccount", member("authorizer_serviceaccount", AUTHORIZER, AUTHORIZER, STR, STR)));
    d.add(fn("resource", member("groupcheck_resource", RESOURCE_CHECK, GROUP_CHECK, STR)));
    d.add(fn("subresource", member("resourcecheck_subresource", RESOURCE_CHECK, RESOURCE_CHECK, STR)));
    d.add(fn("namespace", member("resourcecheck_namespace", RESOURCE_CHECK, RESOURCE_CHECK, STR)));
    d.add(fn("name", member("resourcecheck_name", RESOURCE_CHECK, RESOURCE_CHECK, STR)));
    d.add(fn("check", member("pathcheck_check", DECISION, PATH_CHECK, STR),
        member("resourcecheck_check", DECISION, RESOURCE_CHECK, STR)));
    d.add(fn("allowed", member("decision_allowed", SimpleType.BOOL, DECISION)));
    d.add(fn("reason", member("decision_reason", STR, DECISION)));
    d.add(fn("errored", member("decision_errored", SimpleType.BOOL, DECISION)));
    d.add(fn("error", member("decision_error", STR, DECISION)));
    return d;
  }

  static List<CelFunctionBinding> bindings() {
    List<CelFunctionBinding> b = new ArrayList<>();
    b.add(CelFunctionBinding.from("authorizer_path", Authorizer.class, String.class, PathCheck::new));
    b.add(CelFunctionBinding.from("authorizer_group", Authorizer.class, String.class, GroupCheck::new));
    b.add(CelFunctionBinding.from("authorizer_serviceaccount", List.of(Authorizer.class, String.class, String.class),
        args -> new Authorizer(((Authorizer) args[0]).authz(),
            CelAuthorizer.serviceAccount((String) args[1], (String) args[2]))));
    b.add(CelFunctionBinding.from("groupcheck_resource", GroupCheck.class, String.class,
        (g, r) -> new ResourceCheck(g.a(), g.group(), r, "", "", "")));
    b.add(CelFunctionBinding.from("resourcecheck_subresource", ResourceCheck.class, String.class,
        (r, s) -> new ResourceCheck(r.a(), r.group(), r.resource(), s, r.namespace(), r.name())));
    b.add(CelFunctionBinding.from("resourcecheck_namespace", ResourceCheck.class, String.class,
        (r, s) -> new ResourceCheck(r.a(), r.group(), r.resource(), r.subresource(), s, r.name())));
    b.add(CelFunctionBinding.from("resourcecheck_name", ResourceCheck.class, String.class,
        (r, s) -> new ResourceCheck(r.a(), r.group(), r.resource(), r.subresource(), r.namespace(), s)));
    b.add(CelFunctionBinding.from("pathcheck_check", PathCheck.class, String.class, (p, verb) -> new DecisionValue(
        p.a().authz().authorize(p.a().user(), verb, false, "", "", "", "", "", p.path()))));
    b.add(CelFunctionBinding.from("resourcecheck_check", ResourceCheck.class, String.class, (r, verb) ->
        new DecisionValue(r.a().authz().authorize(r.a().user(), verb, true, r.group(), r.resource(), r.subresource(),
            r.namespace(), r.name(), ""))));
    b.add(CelFunctionBinding.from("decision_allowed", DecisionValue.class, d -> d.d().allowed()));
    b.add(CelFunctionBinding.from("decision_reason", DecisionValue.class, d -> d.d().reason()));
    b.add(CelFunctionBinding.from("decision_errored", DecisionValue.class, d -> !d.d().error().isEmpty()));
    b.add(CelFunctionBinding.from("decision_error", DecisionValue.class, d -> d.d().error()));
    return b;
  }

  private static CelFunctionDecl fn(String name, CelOverloadDecl... overloads) {
    return CelFunctionDecl.newFunctionDeclaration(name, overloads);
  }

  private static CelOverloadDecl member(String id, CelType result, CelType... args) {
    return CelOverloadDecl.newMemberOverload(id, result, args);
  }
}
