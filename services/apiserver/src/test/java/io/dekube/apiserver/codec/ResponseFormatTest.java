package io.dekube.apiserver.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.StatusException;
import org.junit.jupiter.api.Test;

import io.dekube.apiserver.codec.ResponseFormat.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResponseFormatTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "''|OBJECT|v1|false",
      "application/json|OBJECT|v1|false",
      "*/*|OBJECT|v1|false",
      "application/vnd.kubernetes.protobuf,application/json|OBJECT|v1|false",
      "application/yaml|OBJECT|v1|true",
      "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json|TABLE|v1|false",
      "application/json;as=Table;v=v1beta1;g=meta.k8s.io|TABLE|v1beta1|false",
      "application/json;as=Table;v=v2;g=meta.k8s.io,application/json|OBJECT|v1|false",
      "application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json|PARTIAL_METADATA|v1|false",
  })
  void negotiates(String accept, Shape shape, String version, boolean yaml) {
    ResponseFormat f = ResponseFormat.negotiate(accept);
    assertEquals(shape, f.shape());
    assertEquals(version, f.metaVersion());
    assertEquals(yaml, f.yaml());
    assertFalse(f.protobuf());
  }

  @Test
  void protobufWhenTheKindHasAMessageAndItComesFirst() {
    assertTrue(ResponseFormat.negotiate("application/vnd.kubernetes.protobuf", true).protobuf());
    assertTrue(ResponseFormat.negotiate("application/vnd.kubernetes.protobuf, application/json", true).protobuf());
    assertFalse(ResponseFormat.negotiate("application/json, application/vnd.kubernetes.protobuf", true).protobuf());
  }

  @Test
  void notAcceptableWhenNothingIsProducible() {
    StatusException e = assertThrows(StatusException.class,
        () -> ResponseFormat.negotiate("application/vnd.kubernetes.protobuf", false));
    assertEquals(406, e.code());
    assertEquals(406, assertThrows(StatusException.class, () -> ResponseFormat.negotiate("text/html", true)).code());
  }
}
