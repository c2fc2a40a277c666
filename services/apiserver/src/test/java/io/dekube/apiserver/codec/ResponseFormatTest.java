package io.dekube.apiserver.codec;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
      "application/vnd.kubernetes.protobuf|OBJECT|v1|false",
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
  }
}
