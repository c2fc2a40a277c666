package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * batch/v1 Jobs, as kube-apiserver's job strategy: defaults (parallelism and completions 1,
 * backoffLimit 6, completionMode NonIndexed, suspend false, podReplacementPolicy), the generated
 * selector on {@code batch.kubernetes.io/controller-uid} with the job-name and controller-uid labels
 * on the template (unless {@code manualSelector}), the template's labels on a Job without labels, a template restartPolicy of OnFailure or Never,
 * the failure and success policies ({@link JobPolicyValidation}), and a selector, template, completion
 * mode, podFailurePolicy, backoffLimitPerIndex, managedBy and successPolicy that do not change (the
 * template may while the Job is suspended).
 */
final class JobAdmission implements KindAdmission {

  static final String CONTROLLER_UID = "batch.kubernetes.io/controller-uid";
  static final String JOB_NAME = "batch.kubernetes.io/job-name";
  private static final String LEGACY_UID = "controller-uid";
  private static final String LEGACY_NAME = "job-name";

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    ObjectNode spec = Nodes.obj(obj, "spec");
    jobSpecDefaults(spec, old == null ? null : old.path("spec"));
    if (old == null && !spec.path("manualSelector").asBoolean(false)) {
      generateSelector(obj, spec);
    }
    labelsFromTemplate(obj, spec);
    if (!obj.has("status")) {
      obj.putObject("status");
    }
  }

  /** The defaults of a JobSpec (also a CronJob's jobTemplate); {@code oldSpec} the stored one's, null on a create. */
  static void jobSpecDefaults(ObjectNode spec, JsonNode oldSpec) {
    if (Nodes.absent(spec, "completions") && Nodes.absent(spec, "parallelism")) {
      spec.put("completions", 1);
    }
    Nodes.defaultInt(spec, "parallelism", 1);
    if (Nodes.absent(spec, "backoffLimitPerIndex")) {
      Nodes.defaultInt(spec, "backoffLimit", 6);
    } else {
      Nodes.defaultInt(spec, "backoffLimit", Integer.MAX_VALUE);
    }
    Nodes.defaultText(spec, "completionMode", "NonIndexed");
    Nodes.defaultBool(spec, "suspend", false);
    Nodes.defaultText(spec, "podReplacementPolicy", Nodes.absent(spec, "podFailurePolicy") ? "TerminatingOrFailed"
        : "Failed");
    JobPolicyValidation.defaults(spec);
    ObjectNode template = Nodes.obj(spec, "template");
    Nodes.obj(template, "metadata");
    PodSpecDefaults.apply(Nodes.obj(template, "spec"), oldSpec == null ? null : oldSpec.path("template").path("spec"));
  }

  /**
   * A Job without labels of its own gets its template's, as kube's defaulting gives them (again each time the Job is
   * read back, so after the generated ones are on the template): {@code kubectl get jobs -l job-name=NAME} finds it.
   */
  private static void labelsFromTemplate(ObjectNode obj, ObjectNode spec) {
    JsonNode template = spec.path("template").path("metadata").path("labels");
    JsonNode own = obj.path("metadata").path("labels");
    if (template.isObject() && !template.isEmpty() && (!own.isObject() || own.isEmpty())) {
      Nodes.obj(obj, "metadata").set("labels", template.deepCopy());
    }
  }

  private static void generateSelector(ObjectNode obj, ObjectNode spec) {
    String uid = obj.path("metadata").path("uid").asText("");
    String name = obj.path("metadata").path("name").asText("");
    ObjectNode labels = Nodes.obj(Nodes.obj(Nodes.obj(spec, "template"), "metadata"), "labels");
    Nodes.defaultText(labels, LEGACY_UID, uid);
    Nodes.defaultText(labels, LEGACY_NAME, name);
    Nodes.defaultText(labels, CONTROLLER_UID, uid);
    Nodes.defaultText(labels, JOB_NAME, name);
    Nodes.defaultText(Nodes.obj(Nodes.obj(spec, "selector"), "matchLabels"), CONTROLLER_UID, uid);
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    JsonNode spec = obj.path("spec");
    JsonNode selector = spec.get("selector");
    if (selector != null && !selector.isNull() && !spec.path("manualSelector").asBoolean(false)
        && !obj.path("metadata").path("uid").asText("").equals(selector.path("matchLabels").path(CONTROLLER_UID).asText())) {
      errs.invalidRendered("spec.selector", LabelSelectors.goString(selector), "`selector` not auto-generated");
    }
    WorkloadAdmission.selectorAndLabels(spec, "job", errs);
    validateSpec(spec, "spec", errs);
    if (old != null) {
      immutable(spec, old.path("spec"), "selector", errs);
      immutable(spec, old.path("spec"), "completionMode", errs);
      if (!old.path("spec").path("suspend").asBoolean(false)) {
        immutable(spec, old.path("spec"), "template", errs);
      }
      for (String field : List.of("podFailurePolicy", "backoffLimitPerIndex", "managedBy", "successPolicy")) {
        immutableOrAbsent(spec, old.path("spec"), field, errs);
      }
    }
  }

  /** Validates a JobSpec at {@code path}. */
  static void validateSpec(JsonNode spec, String path, FieldErrors errs) {
    for (String f : List.of("parallelism", "completions", "backoffLimit", "ttlSecondsAfterFinished")) {
      JsonNode v = spec.get(f);
      if (v != null && v.isNumber() && v.asLong() < 0) {
        errs.invalid(path + "." + f, v, "must be greater than or equal to 0");
      }
    }
    JsonNode deadline = spec.get("activeDeadlineSeconds");
    if (deadline != null && deadline.isNumber() && deadline.asLong() <= 0) {
      errs.invalid(path + ".activeDeadlineSeconds", deadline, "must be greater than 0");
    }
    String mode = spec.path("completionMode").asText("NonIndexed");
    if (!mode.equals("NonIndexed") && !mode.equals("Indexed")) {
      errs.notSupported(path + ".completionMode", spec.get("completionMode"), List.of("NonIndexed", "Indexed"));
    } else if (mode.equals("Indexed") && !spec.path("completions").isNumber()) {
      errs.required(path + ".completions", "when completion mode is Indexed");
    }
    JobPolicyValidation.validate(spec, path, errs);
    PodSpecValidation.validate(spec.path("template").get("spec"), path + ".template.spec", errs);
    JobPolicyValidation.restartPolicy(spec, path, errs);
  }

  /** kube's {@code ValidateImmutableField} of an optional field: setting, changing or dropping it is refused. */
  private static void immutableOrAbsent(JsonNode spec, JsonNode oldSpec, String field, FieldErrors errs) {
    JsonNode now = JobPolicyValidation.present(spec.get(field)) ? spec.get(field) : null;
    JsonNode before = JobPolicyValidation.present(oldSpec.get(field)) ? oldSpec.get(field) : null;
    if (java.util.Objects.equals(now, before)) {
      return;
    }
    switch (field) {
      case "podFailurePolicy" -> errs.invalidRendered("spec." + field, now == null ? "null"
          : "&batch.PodFailurePolicy{...}", "field is immutable");
      case "successPolicy" -> errs.invalidRendered("spec." + field, now == null ? "null"
          : "&batch.SuccessPolicy{...}", "field is immutable");
      default -> errs.invalid("spec." + field, now, "field is immutable");
    }
  }

  private static void immutable(JsonNode spec, JsonNode oldSpec, String field, FieldErrors errs) {
    JsonNode now = spec.get(field);
    JsonNode before = oldSpec.get(field);
    if (before != null && now != null && !before.equals(now)) {
      if (field.equals("selector")) {
        errs.invalidRendered("spec.selector", LabelSelectors.goString(now), "field is immutable");
      } else if (field.equals("template")) {
        errs.invalidRendered("spec.template", "core.PodTemplateSpec{...}", "field is immutable");
      } else {
        errs.invalid("spec." + field, now, "field is immutable");
      }
    }
  }
}
