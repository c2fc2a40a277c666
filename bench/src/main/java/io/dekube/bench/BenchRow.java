package io.dekube.bench;

/**
 * One row of the report: a run's {@link LatencyRecorder.Result}, the writer's mean requests per
 * transaction during it, the process CPU per operation, and the ratio to the raw Kafka ceiling with
 * as many records per transaction as the run had clients.
 */
record BenchRow(LatencyRecorder.Result result, double meanBatch, double cpuMsPerOp, double ratio) {

  String row() {
    LatencyRecorder.Result r = result;
    return String.format("| %s | %d | %d | %d | %,.0f | %.2f | %.2f | %.0f | %s | %s | %s |", r.name(), r.clients(),
        r.ok(), r.errors(), r.perSecond(), r.p50Ms(), r.p99Ms(), r.maxMs(),
        Double.isNaN(meanBatch) ? "" : String.format("%.1f", meanBatch),
        Double.isNaN(cpuMsPerOp) ? "" : String.format("%.3f", cpuMsPerOp),
        Double.isNaN(ratio) ? "" : String.format("%.0f %%", ratio * 100));
  }

  static String header() {
    return "| run | clients | ok | errors | per second | p50 ms | p99 ms | max ms | requests/txn | CPU ms/op "
        + "| of raw |\n"
        + "|---|---|---|---|---|---|---|---|---|---|---|";
  }
}
