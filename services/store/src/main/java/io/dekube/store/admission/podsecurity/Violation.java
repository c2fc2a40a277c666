package io.dekube.store.admission.podsecurity;

/**
 * What one check found wrong: a short reason ({@code privileged}) and, when there is one, the detail
 * naming the fields and values ({@code container "c" must not set securityContext.privileged=true}).
 */
public record Violation(String reason, String detail) {

  /** {@code reason (detail)}, or the reason alone when there is no detail. */
  String withDetail() {
    return detail.isEmpty() ? reason : reason + " (" + detail + ")";
  }
}
