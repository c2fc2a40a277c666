package io.dekube.apiserver.rest.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Job and CronJob tables as kubectl 1.32 prints them. */
class BatchPrintersTest {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final Instant NOW = Instant.parse("2024-05-01T12:00:00Z");
  private static final String META = "'metadata':{'name':'pi','creationTimestamp':'2024-05-01T11:55:00Z'}";

  static Stream<Arguments> jobs() {
    return Stream.of(
        Arguments.of("running", "{" + META + ",'spec':{'completions':3,'parallelism':2},'status':{'succeeded':1,"
            + "'startTime':'2024-05-01T11:58:00Z'}}", List.of("pi", "Running", "1/3", "2m", "5m")),
        Arguments.of("complete", "{" + META + ",'spec':{'completions':3},'status':{'succeeded':3,"
            + "'startTime':'2024-05-01T11:55:00Z','completionTime':'2024-05-01T11:55:09Z',"
            + "'conditions':[{'type':'SuccessCriteriaMet','status':'True'},{'type':'Complete','status':'True'}]}}",
            List.of("pi", "Complete", "3/3", "9s", "5m")),
        Arguments.of("failed", "{" + META + ",'spec':{'completions':1},'status':{'failed':2,"
            + "'startTime':'2024-05-01T11:55:00Z','conditions':[{'type':'FailureTarget','status':'True'},"
            + "{'type':'Failed','status':'True'}]}}", List.of("pi", "Failed", "0/1", "5m", "5m")),
        Arguments.of("work queue", "{" + META + ",'spec':{'parallelism':4},'status':{}}",
            List.of("pi", "Running", "0/1 of 4", "", "5m")),
        Arguments.of("suspended", "{" + META + ",'spec':{'completions':1,'parallelism':1},'status':{'conditions':"
            + "[{'type':'Suspended','status':'True'}]}}", List.of("pi", "Suspended", "0/1", "", "5m")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void jobs(String name, String json, List<Object> expected) throws Exception {
    TablePrinter p = Printers.of(REGISTRY.byResourceName("jobs.batch").orElseThrow());
    List<Object> cells = p.cells((com.fasterxml.jackson.databind.node.ObjectNode) Json.MAPPER.readTree(
        json.replace('\'', '"')), NOW);
    assertEquals(expected, cells.subList(0, 5));
  }

  @Test
  void columnsAreKubectls() {
    assertEquals(List.of("Name", "Status", "Completions", "Duration", "Age", "Containers", "Images", "Selector"),
        Printers.of(REGISTRY.byResourceName("jobs.batch").orElseThrow()).columns().stream().map(Column::name).toList());
    assertEquals(List.of("Name", "Schedule", "Timezone", "Suspend", "Active", "Last Schedule", "Age", "Containers",
        "Images", "Selector"),
        Printers.of(REGISTRY.byResourceName("cronjobs.batch").orElseThrow()).columns().stream().map(Column::name).toList());
  }
}
