package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * PodTemplates ({@code v1}): the template's pod spec gets the pod defaults and the pod spec validation,
 * as kube's {@code ValidatePodTemplate}. Stored only: no controller of dekube reads them. Pure.
 */
final class PodTemplateAdmission implements KindAdmission {

  @Override
  public void defaults(ObjectNode template, ObjectNode old) {
    PodSpecDefaults.apply(Nodes.obj(Nodes.obj(template, "template"), "spec"),
        old == null ? null : old.path("template").path("spec"));
  }

  @Override
  public void validate(ObjectNode template, ObjectNode old, FieldErrors errs) {
    MetadataValidation.labels(template.path("template").path("metadata").get("labels"), "template.metadata.labels",
        errs);
    PodSpecValidation.validate(template.path("template").path("spec"), "template.spec", errs);
  }
}
