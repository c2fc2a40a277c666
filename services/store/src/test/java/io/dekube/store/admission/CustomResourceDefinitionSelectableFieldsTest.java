package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;

/** A CRD version's selectableFields, validated in kube-apiextensions-apiserver's words. */
class CustomResourceDefinitionSelectableFieldsTest {

  private static final String CRDS = "customresourcedefinitions.apiextensions.k8s.io";
  private static final String CRD = """
      apiVersion: apiextensions.k8s.io/v1
      kind: CustomResourceDefinition
      metadata: {name: shirts.stable.example.com}
      spec:
        group: stable.example.com
        scope: Namespaced
        names: {plural: shirts, kind: Shirt}
        versions:
        - name: v1
          served: true
          storage: true
          selectableFields: %s
          schema:
            openAPIV3Schema:
              type: object
              properties:
                metadata: {type: object}
                spec:
                  type: object
                  properties:
                    color: {type: string}
                    size: {type: string, enum: [S, M, L]}
                    count: {type: integer}
                    ironed: {type: boolean}
                    weight: {type: number}
                    tags: {type: array, items: {type: string}}
                    labels: {type: object, additionalProperties: {type: string}}
      """;

  private static final String PREFIX =
      "CustomResourceDefinition.apiextensions.k8s.io \"shirts.stable.example.com\" is invalid: ";

  private static String invalid(String fields) {
    StatusException e = assertThrows(StatusException.class, () -> create(CRDS, CRD.formatted(fields)));
    assertEquals(422, e.code());
    return e.getMessage();
  }

  @Test
  void stringIntegerBooleanEnumAndMapFieldsAreSelectable() {
    create(CRDS, CRD.formatted("[{jsonPath: .spec.color}, {jsonPath: .spec.size}, {jsonPath: .spec.count}, "
        + "{jsonPath: .spec.ironed}, {jsonPath: .spec.labels.team}]"));
  }

  @Test
  void aPathThatIsNotAStringIntegerOrBooleanFieldIsInvalid() {
    assertEquals(PREFIX + "spec.versions[0].selectableFields[0].jsonPath: Invalid value: \".spec.weight\": must "
        + "point to a field of type string, boolean or integer. Enum string fields and strings with formats are "
        + "allowed.", invalid("[{jsonPath: .spec.weight}]"));
    assertEquals(PREFIX + "spec.versions[0].selectableFields[0].jsonPath: Invalid value: \".spec.shade\": is an "
        + "invalid path: does not refer to a valid field", invalid("[{jsonPath: .spec.shade}]"));
    assertEquals(PREFIX + "spec.versions[0].selectableFields[0].jsonPath: Invalid value: \".spec.tags[0]\": is an "
        + "invalid path: array notation is not allowed", invalid("[{jsonPath: '.spec.tags[0]'}]"));
    assertEquals(PREFIX + "spec.versions[0].selectableFields[0].jsonPath: Invalid value: \"spec.color\": is an "
        + "invalid path: expected [ or . but got: spec", invalid("[{jsonPath: spec.color}]"));
    assertEquals(PREFIX + "spec.versions[0].selectableFields[0].jsonPath: Required value",
        invalid("[{jsonPath: ''}]"));
  }

  @Test
  void metadataDuplicatesAndMoreThanEightAreInvalid() {
    assertEquals(PREFIX + "[spec.versions[0].selectableFields[0].jsonPath: Invalid value: \".metadata\": must not "
        + "point to fields in metadata, spec.versions[0].selectableFields[0].jsonPath: Invalid value: \".metadata\": "
        + "must point to a field of type string, boolean or integer. Enum string fields and strings with formats are "
        + "allowed.]", invalid("[{jsonPath: .metadata}]"));
    assertEquals(PREFIX + "spec.versions[0].selectableFields[1].jsonPath: Duplicate value: \".spec.color\"",
        invalid("[{jsonPath: .spec.color}, {jsonPath: .spec.color}]"));
    StringBuilder nine = new StringBuilder("[");
    for (int i = 0; i < 9; i++) {
      nine.append(i == 0 ? "" : ", ").append("{jsonPath: .spec.labels.k").append(i).append("}");
    }
    assertEquals(PREFIX + "spec.versions[0].selectableFields: Too many: 9: must have at most 8 items",
        invalid(nine.append("]").toString()));
  }
}
