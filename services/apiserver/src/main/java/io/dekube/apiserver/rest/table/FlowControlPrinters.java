package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Tables of flowschemas and prioritylevelconfigurations, with kube 1.32's columns. */
final class FlowControlPrinters {

  private FlowControlPrinters() {
  }

  /** Rows by matching precedence, then name, as kube's FlowSchemaSequence sorts a list. */
  static final java.util.Comparator<ObjectNode> PRECEDENCE = java.util.Comparator
      .comparingLong((ObjectNode fs) -> at(fs, "spec", "matchingPrecedence").asLong(0)).thenComparing(Cells::name);

  static TablePrinter flowSchemas() {
    return TablePrinter.sorted(TablePrinter.of(List.of(Column.NAME,
        Column.string("PriorityLevel", "`name` is the name of the priority level configuration being referenced "
            + "Required."),
        Column.string("MatchingPrecedence", "`matchingPrecedence` is used to choose among the FlowSchemas that match "
            + "a given request."),
        Column.string("DistinguisherMethod", "`distinguisherMethod` defines how to compute the flow distinguisher "
            + "for requests that match this schema. `nil` specifies that the distinguisher is disabled and thus "
            + "will always be the empty string."),
        Column.AGE,
        Column.string("MissingPL", "references a broken or non-existent PriorityLevelConfiguration")),
        (fs, now) -> {
          JsonNode method = at(fs, "spec", "distinguisherMethod");
          String missing = "?";
          for (JsonNode c : at(fs, "status", "conditions")) {
            if (c.path("type").asText().equals("Dangling")) {
              missing = c.path("status").asText();
              break;
            }
          }
          return List.of(name(fs), at(fs, "spec", "priorityLevelConfiguration", "name").asText(""),
              at(fs, "spec", "matchingPrecedence").asLong(0),
              method.isObject() ? method.path("type").asText("") : "<none>", age(fs, now), missing);
        }), PRECEDENCE);
  }

  static TablePrinter priorityLevels() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Type", "`type` indicates whether this priority level is subject to limitation on request "
            + "execution.  A value of `\"Exempt\"` means that requests of this priority level are not subject to a "
            + "limit (and thus are never queued) and do not detract from the capacity made available to other "
            + "priority levels.  A value of `\"Limited\"` means that (a) requests of this priority level _are_ "
            + "subject to limits and (b) some of the server's limited capacity is made available exclusively to "
            + "this priority level. Required."),
        Column.string("NominalConcurrencyShares", "`nominalConcurrencyShares` (NCS) contributes to the computation "
            + "of the NominalConcurrencyLimit (NominalCL) of this level."),
        Column.string("Queues", "`queues` is the number of queues for this priority level."),
        Column.string("HandSize", "`handSize` is a small positive number that configures the shuffle sharding of "
            + "requests into queues."),
        Column.string("QueueLengthLimit", "`queueLengthLimit` is the maximum number of requests allowed to be "
            + "waiting in a given queue of this priority level at a time; excess requests are rejected."),
        Column.AGE),
        (plc, now) -> {
          JsonNode limited = at(plc, "spec", "limited");
          Object shares = "<none>";
          Object queues = "<none>";
          Object handSize = "<none>";
          Object queueLength = "<none>";
          if (limited.isObject()) {
            shares = limited.path("nominalConcurrencyShares").asLong(0);
            JsonNode queuing = limited.path("limitResponse").path("queuing");
            if (queuing.isObject()) {
              queues = queuing.path("queues").asLong(0);
              handSize = queuing.path("handSize").asLong(0);
              queueLength = queuing.path("queueLengthLimit").asLong(0);
            }
          }
          return List.of(name(plc), at(plc, "spec", "type").asText(""), shares, queues, handSize, queueLength,
              age(plc, now));
        });
  }
}
