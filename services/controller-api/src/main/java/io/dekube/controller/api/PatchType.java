package io.dekube.controller.api;

/** The patch formats of {@link Resource#patch}, with their HTTP content types, as kube's. */
public enum PatchType {

  /** RFC 6902 JSON Patch: a list of operations. */
  JSON("application/json-patch+json"),
  /** RFC 7386 JSON Merge Patch: lists replaced whole, {@code null} removes a field. */
  MERGE("application/merge-patch+json"),
  /** kube's strategic merge patch: lists merged by their keys (built-in kinds only; custom resources take MERGE). */
  STRATEGIC_MERGE("application/strategic-merge-patch+json");

  private final String contentType;

  PatchType(String contentType) {
    this.contentType = contentType;
  }

  /** The content type, e.g. {@code application/merge-patch+json}. */
  public String contentType() {
    return contentType;
  }
}
