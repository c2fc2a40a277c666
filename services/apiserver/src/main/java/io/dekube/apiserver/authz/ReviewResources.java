package io.dekube.apiserver.authz;

import io.dekube.apiserver.discovery.ServedResource;
import java.util.List;

/**
 * The review resources as discovery lists them: create-only, not stored (no storage version
 * hash), in {@code authorization.k8s.io/v1} and {@code authentication.k8s.io/v1}.
 */
public final class ReviewResources {

  private static final List<String> CREATE = List.of("create");

  private ReviewResources() {
  }

  /** Every review resource {@link ReviewApi} serves. */
  public static List<ServedResource> served() {
    return List.of(
        review(ReviewApi.AUTHZ, "localsubjectaccessreviews", "LocalSubjectAccessReview", true),
        review(ReviewApi.AUTHZ, "selfsubjectaccessreviews", "SelfSubjectAccessReview", false),
        review(ReviewApi.AUTHZ, "selfsubjectrulesreviews", "SelfSubjectRulesReview", false),
        review(ReviewApi.AUTHZ, "subjectaccessreviews", "SubjectAccessReview", false),
        review(ReviewApi.AUTHN, "selfsubjectreviews", "SelfSubjectReview", false),
        review(ReviewApi.AUTHN, "tokenreviews", "TokenReview", false));
  }

  private static ServedResource review(String group, String plural, String kind, boolean namespaced) {
    return new ServedResource(group, "v1", plural, kind.toLowerCase(), kind, namespaced, CREATE, List.of(), List.of(), "", List.of());
  }
}
