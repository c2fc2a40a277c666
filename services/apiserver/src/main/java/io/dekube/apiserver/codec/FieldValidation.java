package io.dekube.apiserver.codec;

import io.dekube.core.model.StatusException;

/**
 * The {@code fieldValidation} query parameter: what to do with unknown and duplicate fields.
 * {@link #WARN} is kube's default since 1.27.
 */
public enum FieldValidation {
  IGNORE("Ignore"), WARN("Warn"), STRICT("Strict");

  private final String wire;

  FieldValidation(String wire) {
    this.wire = wire;
  }

  /** The query spelling. */
  public String wire() {
    return wire;
  }

  /**
   * Parses the query value; null or "" is {@link #WARN}.
   *
   * @throws StatusException 400 BadRequest for any other value, as kube answers
   */
  public static FieldValidation parse(String value) {
    if (value == null || value.isEmpty()) {
      return WARN;
    }
    for (FieldValidation v : values()) {
      if (v.wire.equals(value)) {
        return v;
      }
    }
    throw StatusException.badRequest("fieldValidation: Invalid value: \"" + value
        + "\": fieldValidation must be one of \"Ignore\", \"Warn\", or \"Strict\"");
  }
}
