package io.dekube.apiserver.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;

/**
 * Admission of a write: defaulting and validation of the object about to be stored. Pure; throws
 * {@link io.dekube.core.model.StatusException} (422 Invalid, 400 BadRequest).
 */
public interface WriteAdmission {

  /** Returns the object to store (possibly the same node, defaulted); {@code oldObject} is null on create. */
  ObjectNode admit(ResourceType type, Verb verb, ObjectNode newObject, ObjectNode oldObject);
}
