package io.dekube.core.crd.schema;

/**
 * One violation of a custom resource's OpenAPI v3 schema, as kube's apiextensions validation reports
 * it: reason ({@code FieldValueInvalid}...), the field path ({@code spec.replicas},
 * {@code spec.items[0]}), and the text after {@code "<field>: "}.
 *
 * @param reason the {@code details.causes[].reason}
 * @param field  the field path
 * @param body   e.g. {@code Invalid value: "x": spec.replicas in body must be of type integer: "string"}
 */
public record SchemaError(String reason, String field, String body) {
}
