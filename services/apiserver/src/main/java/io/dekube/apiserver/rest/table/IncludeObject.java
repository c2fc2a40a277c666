package io.dekube.apiserver.rest.table;

import io.dekube.core.model.StatusException;

/** The {@code includeObject} query parameter of Table requests: what each row's {@code object} holds. */
public enum IncludeObject {
  NONE("None"), METADATA("Metadata"), OBJECT("Object");

  private final String wire;

  IncludeObject(String wire) {
    this.wire = wire;
  }

  /**
   * Parses the query value; null or "" is {@link #METADATA}, the server default.
   *
   * @throws StatusException 400 BadRequest for another value
   */
  public static IncludeObject parse(String value) {
    if (value == null || value.isEmpty()) {
      return METADATA;
    }
    for (IncludeObject v : values()) {
      if (v.wire.equals(value)) {
        return v;
      }
    }
    throw StatusException.badRequest("includeObject: Unsupported value: \"" + value
        + "\": supported values: \"None\", \"Metadata\", \"Object\"");
  }
}
