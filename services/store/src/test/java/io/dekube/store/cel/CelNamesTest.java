package io.dekube.store.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Property names escaped as kube's {@code cel.Escape} escapes them; '-' in the table: cannot be escaped. */
class CelNamesTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "replicas, replicas",
      "_a, _a",
      "a_b, a_b",
      "__, __underscores__",
      "a__b, a__underscores__b",
      "a___b, a__underscores___b",
      "a.b, a__dot__b",
      "a-b, a__dash__b",
      "a/b, a__slash__b",
      "k8s.io/name, k8s__dot__io__slash__name",
      "namespace, __namespace__",
      "if, __if__",
      "1st, -",
      "a@b, -",
      "héllo, -",
  })
  void escape(String name, String expected) {
    assertEquals(expected, CelNames.escape(name).orElse("-"));
  }
}
