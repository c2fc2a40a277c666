package io.dekube.store.admission.podsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;
import io.dekube.store.admission.FieldErrors;
import io.dekube.store.admission.PriorityAdmission;
import io.dekube.store.admission.WriteAdmission;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * kube-apiserver's {@code PodSecurity} admission plugin, the part that refuses writes, run by the writer
 * so that every pod write passes it (the apiserver's, the controllers' and the kubelets' alike), under the
 * {@link PodSecurityConfig} of {@code --admission-control-config-file} (the level of unlabelled namespaces;
 * pods of exempt namespaces and runtime classes pass unchecked, and so do the writes of exempt usernames, which the
 * requests carry ({@code WriteOptions.user}: the apiserver's authenticated or impersonated user, a component's own)):
 * <ul>
 *   <li>a pod create, and a pod update that changes what kube counts as significant (an image, the
 *   number of containers, an ephemeral container, the seccomp annotations), in a namespace whose
 *   {@code pod-security.kubernetes.io/enforce} level it violates, is 403 {@code pods "x" is forbidden:
 *   violates PodSecurity "baseline:latest": ...}; status writes and other updates pass;</li>
 *   <li>a namespace whose PodSecurity labels are not valid is 422 on create, and on an update that
 *   changes what is wrong with them.</li>
 * </ul>
 * It runs after the writer's admission chain, on the defaulted object and against the stored one
 * ({@code WriterVerticle.withValidatingAdmission}), so that an ephemeral container added through
 * {@code pods/ephemeralcontainers} counts as a change. The warn mode is the apiserver's (its
 * {@code PodSecurityHeaders}, worded by {@link PodSecurityWarnings}: only a client can be warned); audit
 * is not built (dekube has no audit log). The namespaces come from a read-only view (the store's namespace
 * informer), as kube's plugin reads its lister: a pod created in the instant after its namespace was
 * labelled can still pass. Thread-safe; called on the writer's loop thread, never blocks.
 */
public final class PodSecurityAdmission implements WriteAdmission {

  private final Function<String, ? extends JsonNode> namespaces;
  private final PodSecurityConfig config;
  private final boolean exemptUser;

  /** @param namespaces a namespace by name, or null (the informer's cache) */
  public PodSecurityAdmission(Function<String, ? extends JsonNode> namespaces) {
    this(namespaces, PodSecurityConfig.DEFAULT);
  }

  /**
   * @param namespaces a namespace by name, or null (the informer's cache)
   * @param config     the defaults of unlabelled namespaces and the exemptions ({@code --admission-control-config-file})
   */
  public PodSecurityAdmission(Function<String, ? extends JsonNode> namespaces, PodSecurityConfig config) {
    this(namespaces, config, false);
  }

  private PodSecurityAdmission(Function<String, ? extends JsonNode> namespaces, PodSecurityConfig config,
                               boolean exemptUser) {
    this.namespaces = namespaces;
    this.config = config;
    this.exemptUser = exemptUser;
  }

  /** For a write of an exempt user (kube's {@code exemptions.usernames}): pods pass unchecked. */
  @Override
  public WriteAdmission forUser(String username) {
    return config.exemptUser(username) ? new PodSecurityAdmission(namespaces, config, true) : this;
  }

  @Override
  public ObjectNode admit(ResourceType type, Verb verb, ObjectNode obj, ObjectNode old) {
    if (obj == null || !(verb == Verb.CREATE || verb == Verb.UPDATE || verb == Verb.PATCH)) {
      return obj;
    }
    if (PodTemplates.isPod(type)) {
      if (exemptUser) {
        return obj;
      }
      if (verb == Verb.CREATE || old == null || PodUpdates.significant(obj, old)) {
        enforce(type, obj);
      }
    } else if (type.group().isEmpty() && type.plural().equals("namespaces")) {
      validateLabels(type, obj, verb == Verb.CREATE ? null : old);
    }
    return obj;
  }

  private void enforce(ResourceType type, ObjectNode pod) {
    String ns = pod.path("metadata").path("namespace").asText("");
    // exempt namespaces and runtime classes skip the checks, as kube's plugin does
    if (config.exemptNamespace(ns) || config.exemptRuntimeClass(pod.path("spec"))) {
      return;
    }
    LevelVersion enforce = NamespacePolicy.of(ns.isEmpty() ? null : namespaces.apply(ns), config.defaults()).policy()
        .enforce();
    List<Violation> violations = PodSecurityEvaluator.evaluate(enforce, pod.path("metadata"), pod.path("spec"));
    if (!violations.isEmpty()) {
      throw PriorityAdmission.forbidden(type, pod,
          "violates PodSecurity \"" + enforce + "\": " + PodSecurityEvaluator.detail(violations));
    }
  }

  private static void validateLabels(ResourceType type, ObjectNode ns, ObjectNode old) {
    List<NamespacePolicy.LabelError> errors = NamespacePolicy.of(ns).errors();
    if (errors.isEmpty() || (old != null && Objects.equals(errors, NamespacePolicy.of(old).errors()))) {
      return;
    }
    FieldErrors errs = new FieldErrors();
    for (NamespacePolicy.LabelError e : errors) {
      errs.invalid("metadata.labels[" + e.label() + "]", e.value(), e.detail());
    }
    errs.throwIfAny(type, ns.path("metadata").path("name").asText(""));
  }
}
