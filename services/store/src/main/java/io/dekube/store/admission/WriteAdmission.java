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

  /**
   * Only the defaults {@link #admit} fills, without its checks: what kube-apiserver's decoding (the scheme's
   * defaults, a custom resource's schema defaults) and its built-in mutating plugins make of a create or an
   * update before the admission webhooks and policies see it. Never throws for an invalid object; may throw
   * what a mutating plugin refuses (403), also on an event loop, where it looks only in caches. {@code newObject}
   * may be changed in place. None by default.
   */
  default ObjectNode defaults(ResourceType type, Verb verb, ObjectNode newObject, ObjectNode oldObject) {
    return newObject;
  }

  /**
   * What the kind's strategy fills on a create after the mutating admission and before validation (kube's
   * {@code PrepareForCreate}), which the validating webhooks and policies see too: a pod's {@code status.qosClass}.
   * Changes {@code newObject} in place; never throws. Nothing by default.
   */
  default void prepareForCreate(ResourceType type, ObjectNode newObject) {
  }

  /**
   * This admission for a write a client made in {@code apiVersion}, a custom kind's served version other than its
   * storage one (the objects are in the storage version all the same): what depends on the version (a custom
   * kind's schema) is that version's. This admission itself by default.
   */
  default WriteAdmission inVersion(String apiVersion) {
    return this;
  }

  /**
   * This admission for a write made for the user {@code username} (null: unknown): what exempts users (PodSecurity's
   * {@code usernames}) leaves its checks out. This admission itself by default.
   */
  default WriteAdmission forUser(String username) {
    return this;
  }

  /** This admission, then {@code next} on its result (and so their defaults). */
  default WriteAdmission andThen(WriteAdmission next) {
    WriteAdmission first = this;
    return new WriteAdmission() {
      @Override
      public ObjectNode admit(ResourceType type, Verb verb, ObjectNode n, ObjectNode o) {
        return next.admit(type, verb, first.admit(type, verb, n, o), o);
      }

      @Override
      public ObjectNode defaults(ResourceType type, Verb verb, ObjectNode n, ObjectNode o) {
        return next.defaults(type, verb, first.defaults(type, verb, n, o), o);
      }

      @Override
      public void prepareForCreate(ResourceType type, ObjectNode n) {
        first.prepareForCreate(type, n);
        next.prepareForCreate(type, n);
      }

      @Override
      public WriteAdmission inVersion(String apiVersion) {
        WriteAdmission a = first.inVersion(apiVersion);
        WriteAdmission b = next.inVersion(apiVersion);
        return a == first && b == next ? this : a.andThen(b);
      }

      @Override
      public WriteAdmission forUser(String username) {
        WriteAdmission a = first.forUser(username);
        WriteAdmission b = next.forUser(username);
        return a == first && b == next ? this : a.andThen(b);
      }
    };
  }
}
