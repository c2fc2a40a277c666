package io.dekube.store.cel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.Json;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The static cost estimate against kube-apiextensions' own figures (compilation_test.go TestCostEstimation). */
class CostEstimatorTest {

  private static long cost(String schema, String rule) throws Exception {
    SchemaTypes.Declared d = SchemaTypes.of(Json.YAML.readTree(schema), false);
    CelEngine.Compiled c = CelEngine.compile(rule, Map.of("self", d.type(), "oldSelf", d.type()), d.provider(), true);
    assertTrue(c.ok(), () -> rule + ": " + c.error());
    return CostEstimator.maxCost(c.program().ast(), d.self());
  }

  private static final Map<String, String> SCHEMAS = Map.ofEntries(
      Map.entry("numbers", "{type: array, items: {type: number}}"),
      Map.entry("numbers10", "{type: array, maxItems: 10, items: {type: number}}"),
      Map.entry("strings", "{type: array, items: {type: string}}"),
      Map.entry("strings20", "{type: array, maxItems: 20, items: {type: string, maxLength: 20}}"),
      Map.entry("booleans", "{type: array, items: {type: boolean}}"),
      Map.entry("booleans5", "{type: array, maxItems: 5, items: {type: boolean}}"),
      Map.entry("string", "{type: string}"),
      Map.entry("string0", "{type: string, maxLength: 0}"),
      Map.entry("string4", "{type: string, maxLength: 4}"),
      Map.entry("string10", "{type: string, maxLength: 10}"),
      Map.entry("string50", "{type: string, maxLength: 50}"),
      Map.entry("enum", "{type: string, enum: [A, B, C, LongValue]}"),
      Map.entry("stringMap", "{type: object, additionalProperties: {type: string}}"),
      Map.entry("stringMap3", "{type: object, maxProperties: 3, additionalProperties: {type: string, maxLength: 3}}"),
      Map.entry("intMap", "{type: object, additionalProperties: {type: integer}}"),
      Map.entry("dateTimeMap", "{type: object, additionalProperties: {type: string, format: date-time}}"),
      Map.entry("dateTimes", "{type: array, items: {type: string, format: date-time}}"),
      Map.entry("dates", "{type: array, items: {type: string, format: date}}"),
      Map.entry("durations", "{type: array, items: {type: string, format: duration}}"),
      Map.entry("intOrStrings", "{type: array, items: {x-kubernetes-int-or-string: true}}"));

  @ParameterizedTest(name = "{0}: {1} = {2}")
  @CsvSource(delimiter = '|', value = {
      "numbers     | self.all(x, true)                          | 4718591",
      "numbers10   | self.all(x, true)                          | 32",
      "strings     | self.all(x, true)                          | 3145727",
      "strings20   | self.all(x, true)                          | 62",
      "booleans    | self.all(x, true)                          | 1887437",
      "booleans5   | self.all(x, true)                          | 17",
      "stringMap   | self.all(x, true)                          | 1179647",
      "stringMap3  | self.all(x, true)                          | 11",
      "stringMap   | has(self.x)                                | 0",
      "string      | self.contains('test')                      | 314574",
      "string10    | self.contains('test')                      | 5",
      "string      | self.startsWith('test')                    | 2",
      "string      | size(self + \"hello\") > size(\"hello\")  | 314578",
      "string4     | size(self + \"hello\") > size(\"hello\")  | 7",
      "numbers     | self[1] == 0.0                             | 2",
      "strings     | self[1] == self[1]                         | 314577",
      "numbers10   | self.all(x, self.all(y, true))             | 352",
      "numbers10   | self.all(x, self.all(y, self.all(z, true))) | 3552",
      "string      | self.matches(\"x\")                        | 314574",
      "string50    | self.matches(\"x\")                        | 22",
      "string      | \"\".matches(\"(((((((((())))))))))[0-9]\") | 7",
      "string      | self.matches(\"\")                         | 1",
      "string      | self == \"x\"                              | 2",
      "string0     | self == \"x\"                              | 1",
      "numbers     | self.all(x, x == 0.0)                      | 6291454",
      "intOrStrings | self.all(x, true)                         | 4718591",
      "intOrStrings | self[0] == 5                              | 3",
      "durations   | self.all(x, true)                          | 2359295",
      "durations   | self[0].getHours() == 2                    | 4",
      "dates       | self.all(x, true)                          | 725936",
      "dateTimes   | self.all(x, true)                          | 428963",
      "string      | self.find('[0-9]+') == ''                  | 629147",
      "string10    | self.find('[0-9]+') == ''                  | 11",
      "string      | self.lowerAscii() == 'lower!'              | 314575",
      "string10    | self.lowerAscii() == 'lower!'              | 6",
      "intMap      | oldSelf.size() == self.size()              | 5",
      "dateTimeMap | self[\"a\"] == self[\"b\"]                | 8",
      "enum        | self.contains('A')                         | 2",
      "stringMap3  | self.all(k, v, v.contains(k))              | 17",
  })
  void kubesFigures(String schema, String rule, long expected) throws Exception {
    assertEquals(expected, cost(SCHEMAS.get(schema), rule));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "10000000 | estimated rule cost exceeds budget by factor of 1.000000x",
      "25000000 | estimated rule cost exceeds budget by factor of 2.5x",
      "2000000000 | estimated rule cost exceeds budget by factor of more than 100x",
  })
  void factorsAsKubePrintsThem(long cost, String expected) {
    assertEquals(expected + " (try simplifying the rule, or adding maxItems, maxProperties, and maxLength where "
        + "arrays, maps, and strings are declared)", RuleCosts.message("estimated rule cost", cost, 10_000_000L));
  }

}
