package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Defaulting and validation of one kind, the per-kind "strategy" of kube-apiserver's registry. Pure. */
interface KindAdmission {

  /** Fills defaults into {@code obj}; {@code old} is null on create. */
  void defaults(ObjectNode obj, ObjectNode old);

  /** Adds the validation errors of {@code obj} (and of the transition from {@code old} when not null). */
  void validate(ObjectNode obj, ObjectNode old, FieldErrors errs);
}
