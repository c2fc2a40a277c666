package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;

/**
 * Admission of one write, called by the writer after it filled the server-set fields and before it
 * stores the object: may default (return a changed object) and validates. Pure: no I/O, no state;
 * called on the writer's loop thread. Failures are {@link io.dekube.core.model.StatusException}s
 * (422 Invalid, 400 BadRequest).
 */
@FunctionalInterface
public interface WriteAdmission {

  /**
   * The admitted object (may be {@code newObject} itself, changed or not).
   *
   * @param verb      {@link Verb#CREATE}, {@link Verb#UPDATE}, {@link Verb#UPDATE_STATUS} or {@link Verb#PATCH}
   * @param oldObject the current object, null on create
   */
  ObjectNode admit(ResourceType type, Verb verb, ObjectNode newObject, ObjectNode oldObject);

  /** This admission, then {@code next} on its result. */
  default WriteAdmission andThen(WriteAdmission next) {
    return (type, verb, n, o) -> next.admit(type, verb, admit(type, verb, n, o), o);
  }
}
