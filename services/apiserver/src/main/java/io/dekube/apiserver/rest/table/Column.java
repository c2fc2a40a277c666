package io.dekube.apiserver.rest.table;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * One column of a {@code meta.k8s.io} Table ({@code TableColumnDefinition}). Priority 0 columns
 * are shown by {@code kubectl get}, priority 1 only by {@code kubectl get -o wide}. Immutable.
 *
 * @param name        the header, e.g. {@code Ready}
 * @param type        OpenAPI type: {@code string}, {@code integer}, {@code boolean}, {@code date}
 * @param format      {@code name} for the object's name column, else ""
 * @param description what the column shows
 * @param priority    0 or 1
 */
public record Column(String name, String type, String format, String description, int priority) {

  private static final String NAME_DOC = "Name must be unique within a namespace. Is required when creating "
      + "resources, although some resources may allow a client to request the generation of an appropriate "
      + "name automatically. Name is primarily intended for creation idempotence and configuration definition. "
      + "Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
  private static final String CREATED_DOC = "CreationTimestamp is a timestamp representing the server time when "
      + "this object was created. It is not guaranteed to be set in happens-before order across separate "
      + "operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\n"
      + "Populated by the system. Read-only. Null for lists. More info: "
      + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

  /** The {@code Name} column every printer starts with. */
  public static final Column NAME = new Column("Name", "string", "name", NAME_DOC, 0);
  /** The {@code Age} column (a human duration since creation). */
  public static final Column AGE = new Column("Age", "string", "", CREATED_DOC, 0);
  /** The {@code Created At} column of the default table (an RFC 3339 date). */
  public static final Column CREATED_AT = new Column("Created At", "date", "", CREATED_DOC, 0);

  /** A priority 0 string column. */
  public static Column string(String name, String description) {
    return new Column(name, "string", "", description, 0);
  }

  /** A priority 0 integer column. */
  public static Column integer(String name, String description) {
    return new Column(name, "integer", "", description, 0);
  }

  /** A priority 1 (wide only) string column. */
  public static Column wide(String name, String description) {
    return new Column(name, "string", "", description, 1);
  }

  /** The JSON {@code TableColumnDefinition}. */
  public ObjectNode toJson() {
    ObjectNode n = Json.object();
    n.put("name", name).put("type", type).put("format", format).put("description", description)
        .put("priority", priority);
    return n;
  }
}
