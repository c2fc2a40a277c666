package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.BiConsumer;

/**
 * A kind whose strategy dekube builds only as far as kube 1.32's drops of disabled features' fields
 * ({@link DisabledFields}): Leases ({@code strategy}, {@code preferredHolder}) and Nodes ({@code configSource},
 * {@code status.config}). Not built: kube's ValidateLease (a leaseDurationSeconds above 0, leaseTransitions not
 * negative) and ValidateNode (taints, podCIDRs, addresses): those kinds are stored as written. Pure.
 */
final class DisabledFieldsAdmission implements KindAdmission {

  private final BiConsumer<ObjectNode, ObjectNode> drop;

  /** {@code drop} takes the object and the stored one (null on a create). */
  DisabledFieldsAdmission(BiConsumer<ObjectNode, ObjectNode> drop) {
    this.drop = drop;
  }

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    drop.accept(obj, old);
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
  }
}
