package io.dekube.apiserver.rest.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.core.model.Json;
import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CellsTest {

  @ParameterizedTest
  @CsvSource({
      "-5, <invalid>", "-1, 0s", "0, 0s", "59, 59s", "119, 119s", "120, 2m", "310, 5m10s", "600, 10m",
      "10799, 179m", "10800, 3h", "12000, 3h20m", "28800, 8h", "172799, 47h", "172800, 2d", "190800, 2d5h",
      "691200, 8d", "63072000, 2y", "65664000, 2y30d", "252288000, 8y"
  })
  void humanDurations(long seconds, String expected) {
    assertEquals(expected, Cells.humanDuration(Duration.ofSeconds(seconds)));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "{}|",
      "{'matchLabels':{'tier':'web','app':'x'}}|app=x,tier=web",
      "{'matchLabels':{'app':'x'},'matchExpressions':[{'key':'env','operator':'In','values':['b','a']},"
          + "{'key':'canary','operator':'DoesNotExist'},{'key':'z','operator':'Exists'}]}|app=x,!canary,env in (a,b),z",
  })
  void selectors(String json, String expected) throws Exception {
    assertEquals(expected == null ? "" : expected, Cells.selector(Json.MAPPER.readTree(json.replace('\'', '"'))));
  }
}
