package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;

/**
 * kube's CertificateSigningRequest strategy on create: the request names who asked for it in
 * {@code spec.username}, {@code spec.uid}, {@code spec.groups} and {@code spec.extra} — the authenticated (or
 * impersonated) user of the create, whatever the client wrote there — and starts without status. Approvers
 * read them, and so does {@code kubectl get csr}'s REQUESTOR column.
 */
final class CsrRequestor {

  static final String CSRS = "certificatesigningrequests.certificates.k8s.io";

  private CsrRequestor() {
  }

  /** Stamps {@code obj} when the request creates a CertificateSigningRequest; anything else is left alone. */
  static void stamp(ApiRequest r, ObjectNode obj) {
    if (!r.type().resourceName().equals(CSRS)) {
      return;
    }
    UserInfo user = r.ctx().get(UserInfo.CONTEXT_KEY);
    if (obj.has("spec") && !obj.get("spec").isObject()) {
      return; // the writer's validation says what is wrong with it
    }
    ObjectNode spec = obj.has("spec") ? (ObjectNode) obj.get("spec") : obj.putObject("spec");
    spec.remove(java.util.List.of("username", "uid", "groups", "extra"));
    obj.remove("status");
    if (user == null) {
      return;
    }
    spec.put("username", user.name());
    if (user.uid() != null && !user.uid().isEmpty()) {
      spec.put("uid", user.uid());
    }
    ArrayNode groups = spec.putArray("groups");
    user.groups().forEach(groups::add);
    user.putExtra(spec);
  }
}
