package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

/**
 * kube's log backend ({@code --audit-log-path}): one line per event, JSON ({@code audit.k8s.io/v1}) or the legacy
 * text, to stdout ({@code -}) or to a {@link RotatingLog}. A write error loses the event (counted, plugin
 * {@code log}) and the next event tries again, as kube's. Called by one writer thread.
 */
final class LogBackend implements AuditBackend {

  private final String path;
  private final boolean legacy;
  private final RotatingLog file;

  LogBackend(AuditOptions.Log options, Clock clock) {
    this.path = options.path();
    this.legacy = options.format().equals("legacy");
    this.file = path.equals("-") ? null : new RotatingLog(Path.of(path), options.maxSize(), options.maxBackup(),
        options.maxAge(), options.compress(), clock);
  }

  @Override
  public boolean process(List<ObjectNode> events) {
    boolean ok = true;
    for (ObjectNode e : events) {
      byte[] line;
      try {
        line = legacy ? (LegacyFormat.eventString(e) + "\n").getBytes(StandardCharsets.UTF_8) : jsonLine(e);
        if (file == null) {
          System.out.write(line);
        } else {
          file.write(line);
        }
      } catch (IOException | RuntimeException ex) {
        AuditMetrics.error(name(), ex.getMessage(), List.of(e));
        ok = false;
      }
    }
    try {
      if (file == null) {
        System.out.flush();
      } else {
        file.flush();
      }
    } catch (IOException ex) {
      AuditMetrics.error(name(), ex.getMessage(), events);
      ok = false;
    }
    return ok;
  }

  private static byte[] jsonLine(ObjectNode e) throws IOException {
    byte[] json = Json.MAPPER.writeValueAsBytes(e);
    byte[] line = java.util.Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    return line;
  }

  @Override
  public String name() {
    return "log";
  }

  @Override
  public String toString() {
    return "log " + path;
  }
}
