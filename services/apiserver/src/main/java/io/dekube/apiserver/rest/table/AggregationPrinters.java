package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.name;
import static io.dekube.apiserver.rest.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The table of apiservices, with kube-aggregator's columns: Name, Service, Available, Age. */
final class AggregationPrinters {

  private AggregationPrinters() {
  }

  static TablePrinter apiServices() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Service", "The reference to the service that hosts this API endpoint."),
        Column.string("Available", "Whether this service is available."),
        Column.AGE),
        (api, now) -> List.of(name(api), service(api), available(api), age(api, now)));
  }

  /** {@code namespace/name}, or {@code Local} for an APIService served by the apiserver itself. */
  static String service(JsonNode api) {
    JsonNode service = api.path("spec").path("service");
    return service.isObject() ? str(service, "namespace") + "/" + str(service, "name") : "Local";
  }

  /** The Available condition's status, with its reason when not True ({@code False (MissingEndpoints)}). */
  static String available(JsonNode api) {
    for (JsonNode c : api.path("status").path("conditions")) {
      if ("Available".equals(c.path("type").asText())) {
        String status = c.path("status").asText("");
        return "True".equals(status) ? status : status + " (" + c.path("reason").asText("") + ")";
      }
    }
    return "Unknown";
  }
}
