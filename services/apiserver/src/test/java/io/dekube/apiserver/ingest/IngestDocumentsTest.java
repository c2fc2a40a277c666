package io.dekube.apiserver.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IngestDocumentsTest {

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("a: 1\n", List.of("a: 1")),
        Arguments.of("a: 1\n---\nb: 2\n", List.of("a: 1", "b: 2")),
        Arguments.of("---\na: 1\n---\n", List.of("a: 1")),
        Arguments.of("a: 1\n--- # next\nb: 2", List.of("a: 1", "b: 2")),
        Arguments.of("# only a comment\n---\n\n", List.of()),
        Arguments.of("a: '---'\n---x: not a separator\n", List.of("a: '---'\n---x: not a separator")),
        Arguments.of("a: 1\r\n---\r\nb: 2\r\n", List.of("a: 1", "b: 2")),
        Arguments.of("{\"a\": 1}", List.of("{\"a\": 1}")));
  }

  @ParameterizedTest
  @MethodSource("cases")
  void splitsAsKubectlsYamlReader(String text, List<String> docs) {
    assertEquals(docs, IngestDocuments.split(text).stream().map(String::strip).toList());
  }
}
