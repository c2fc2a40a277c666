package io.dekube.apiserver.flowcontrol;

import io.dekube.apiserver.authz.Attributes;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * kube-apiserver's {@code /debug/api_priority_and_fairness/} dumps, in kube's comma-and-tab tables:
 * {@code dump_priority_levels} (a row per level), {@code dump_queues} (a row per queue) and
 * {@code dump_requests} (a row per waiting or executing request; {@code ?includeRequestDetails=1} adds
 * who asked what). The authorization filter guards them as kube's nonResourceURLs ({@code cluster-admin}).
 * Pure formatting of {@link FlowController#dump()}; stateless.
 */
public final class DebugDumps {

  static final String PREFIX = "/debug/api_priority_and_fairness/";
  private static final String NONE = "<none>";
  private static final String ZERO_TIME = "0001-01-01T00:00:00Z";

  private DebugDumps() {
  }

  /** Adds the three dumps of {@code levels} to {@code router}. */
  public static void mount(Router router, Supplier<Map<String, FlowController.LevelDump>> levels) {
    router.route(HttpMethod.GET, PREFIX + "dump_priority_levels").handler(ctx -> send(ctx.response(),
        priorityLevels(levels.get())));
    router.route(HttpMethod.GET, PREFIX + "dump_queues").handler(ctx -> send(ctx.response(), queues(levels.get())));
    router.route(HttpMethod.GET, PREFIX + "dump_requests").handler(ctx -> {
      String details = ctx.request().getParam("includeRequestDetails");
      send(ctx.response(), requests(levels.get(), details != null && !details.isEmpty()));
    });
  }

  private static void send(io.vertx.core.http.HttpServerResponse response, String text) {
    response.putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8").end(text);
  }

  /** A row per priority level. */
  static String priorityLevels(Map<String, FlowController.LevelDump> levels) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("PriorityLevelName", "ActiveQueues", "IsIdle", "IsQuiescing", "WaitingRequests",
        "ExecutingRequests", "DispatchedRequests", "RejectedRequests", "TimedoutRequests", "CancelledRequests"));
    for (FlowController.LevelDump l : levels.values()) {
      QueueSet.Dump d = l.queues();
      if (d == null) {
        rows.add(List.of(l.level().name(), "0", "false", "false", "0", Integer.toString(l.exemptExecuting()),
            Long.toString(l.exemptDispatched()), "0", "0", "0"));
        continue;
      }
      rows.add(List.of(l.level().name(), Integer.toString(d.activeQueues()), Boolean.toString(d.idle()), "false",
          Integer.toString(d.waiting()), Integer.toString(d.executing()), Long.toString(d.dispatched()),
          Long.toString(d.rejected()), Long.toString(d.timedOut()), Long.toString(d.cancelled())));
    }
    return table(rows);
  }

  /** A row per queue of every queued level ({@code <none>} for the others). */
  static String queues(Map<String, FlowController.LevelDump> levels) {
    List<List<String>> rows = new ArrayList<>();
    rows.add(List.of("PriorityLevelName", "Index", "PendingRequests", "ExecutingRequests", "SeatsInUse",
        "NextDispatchR", "InitialSeatsSum", "MaxSeatsSum", "TotalWorkSum"));
    for (FlowController.LevelDump l : levels.values()) {
      QueueSet.Dump d = l.queues();
      if (d == null || d.queues().isEmpty()) {
        rows.add(List.of(l.level().name(), NONE, NONE, NONE, NONE, NONE, NONE, NONE, NONE));
        continue;
      }
      for (int i = 0; i < d.queues().size(); i++) {
        QueueSet.QueueDump q = d.queues().get(i);
        int pending = q.waiting().size();
        rows.add(List.of(l.level().name(), Integer.toString(i), Integer.toString(pending),
            Integer.toString(q.executingCount()), Integer.toString(q.executingCount()), seatSeconds(q.nextDispatchR()),
            Integer.toString(pending), Integer.toString(pending), seatSeconds(pending * QueueSet.SERVICE_SECONDS)));
      }
    }
    return table(rows);
  }

  /** A row per request waiting in a queue or executing. */
  static String requests(Map<String, FlowController.LevelDump> levels, boolean details) {
    List<List<String>> rows = new ArrayList<>();
    List<String> header = new ArrayList<>(List.of("PriorityLevelName", "FlowSchemaName", "QueueIndex",
        "RequestIndexInQueue", "FlowDistingsher", "ArriveTime", "InitialSeats", "FinalSeats", "AdditionalLatency",
        "StartTime"));
    if (details) {
      header.addAll(List.of("UserName", "Verb", "APIPath", "Namespace", "Name", "APIVersion", "Resource",
          "SubResource"));
    }
    rows.add(header);
    for (FlowController.LevelDump l : levels.values()) {
      QueueSet.Dump d = l.queues();
      if (d == null) {
        continue;
      }
      for (int i = 0; i < d.queues().size(); i++) {
        QueueSet.QueueDump q = d.queues().get(i);
        for (int j = 0; j < q.waiting().size(); j++) {
          rows.add(request(l, i, j, q.waiting().get(j), false, details));
        }
        for (FlowRequest r : q.executing()) {
          rows.add(request(l, i, -1, r, true, details));
        }
      }
      for (FlowRequest r : d.queuelessExecuting()) {
        rows.add(request(l, -1, -1, r, true, details));
      }
    }
    return table(rows);
  }

  private static List<String> request(FlowController.LevelDump l, int queue, int index, FlowRequest r,
                                      boolean started, boolean details) {
    List<String> row = new ArrayList<>(List.of(l.level().name(), r.flowSchema, Integer.toString(queue),
        Integer.toString(index), r.distinguisher, Instant.ofEpochMilli(r.arrivalMillis).toString(), "1", "0", "0s",
        started ? Instant.ofEpochMilli(r.startMillis).toString() : ZERO_TIME));
    if (details) {
      Attributes a = r.attributes;
      String version = a == null ? "" : a.apiGroup().isEmpty() ? a.apiVersion() : a.apiGroup() + "/" + a.apiVersion();
      row.addAll(a == null ? List.of("", "", "", "", "", "", "", "") : List.of(a.user().name(), a.verb(), a.path(),
          a.namespace(), a.name(), version, a.resource(), a.subresource()));
    }
    return row;
  }

  /** kube's seat-seconds: eight decimals and {@code ss}. */
  static String seatSeconds(double value) {
    return String.format(Locale.ROOT, "%.8fss", value);
  }

  /**
   * Rows as kube writes them: cells joined by a comma and a tab, aligned as Go's tabwriter does with a
   * minimum cell width of 8 and one space of padding (the last cell of a row is not aligned).
   */
  static String table(List<List<String>> rows) {
    int columns = 0;
    for (List<String> row : rows) {
      columns = Math.max(columns, row.size());
    }
    int[] widths = new int[columns];
    for (List<String> row : rows) {
      for (int i = 0; i < row.size() - 1; i++) {
        widths[i] = Math.max(widths[i], Math.max(8, row.get(i).length() + 2));
      }
    }
    StringBuilder out = new StringBuilder();
    for (List<String> row : rows) {
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        if (i == row.size() - 1) {
          out.append(cell);
        } else {
          out.append(cell).append(',');
          out.append(" ".repeat(widths[i] - cell.length() - 1));
        }
      }
      out.append('\n');
    }
    return out.toString();
  }
}
