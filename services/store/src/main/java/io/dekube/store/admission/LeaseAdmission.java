package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * coordination.k8s.io/v1 Leases, as kube 1.32's lease strategy: CoordinatedLeaderElection is alpha and off, so a
 * Lease's {@code strategy} and {@code preferredHolder} are dropped, on an update unless the stored Lease has them
 * ({@link DisabledFields#leaseSpec}). Not built: kube's ValidateLease (a negative leaseDurationSeconds, a
 * leaseTransitions below 0) — Leases are stored as written. Pure.
 */
final class LeaseAdmission implements KindAdmission {

  @Override
  public void defaults(ObjectNode lease, ObjectNode old) {
    if (lease.get("spec") instanceof ObjectNode spec) {
      DisabledFields.leaseSpec(spec, old == null ? null : old.path("spec"));
    }
  }

  @Override
  public void validate(ObjectNode lease, ObjectNode old, FieldErrors errs) {
  }
}
