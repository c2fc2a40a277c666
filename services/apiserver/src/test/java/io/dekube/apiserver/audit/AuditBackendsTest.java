package io.dekube.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.testing.TestClock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.TimeZone;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The log backend's rotation and formats, the truncating backend, the modes and kube's option errors. */
class AuditBackendsTest {

  static ObjectNode event(String stage, String level) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree("""
        {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"%s","auditID":"a1b2","stage":"%s",
         "requestURI":"/api/v1/namespaces/default/pods?limit=500","verb":"list",
         "user":{"username":"admin","groups":["system:masters","system:authenticated"]},
         "sourceIPs":["127.0.0.1"],"userAgent":"kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9",
         "objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},
         "responseStatus":{"metadata":{},"code":200},
         "requestReceivedTimestamp":"2026-12-07T12:00:00.123450Z","stageTimestamp":"2026-12-07T12:00:00.125000Z"}
        """.formatted(level, stage));
  }

  @Test
  void theLegacyFormatIsKubesOneLineOfText() throws Exception {
    TimeZone zone = TimeZone.getDefault();
    try {
      TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
      assertEquals("2026-12-07T12:00:00.12345Z AUDIT: id=\"a1b2\" stage=\"ResponseComplete\" ip=\"127.0.0.1\" "
          + "method=\"list\" user=\"admin\" groups=\"\\\"system:masters\\\",\\\"system:authenticated\\\"\" "
          + "as=\"<self>\" asgroups=\"<lookup>\" user-agent=\"kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9\" "
          + "namespace=\"default\" uri=\"/api/v1/namespaces/default/pods?limit=500\" response=\"200\"",
          LegacyFormat.eventString(event("ResponseComplete", "Metadata")));
      ObjectNode received = event("RequestReceived", "Metadata");
      received.remove("responseStatus");
      received.remove("objectRef");
      received.putObject("impersonatedUser").put("username", "jane");
      received.put("requestReceivedTimestamp", "2026-12-07T12:00:00.000000Z");
      String line = LegacyFormat.eventString(received);
      assertTrue(line.startsWith("2026-12-07T12:00:00Z AUDIT: "), line);
      assertTrue(line.contains(" as=\"jane\" asgroups=\"<lookup>\" ") && line.contains(" namespace=\"<none>\" ")
          && line.endsWith(" response=\"<deferred>\""), line);
      TimeZone.setDefault(TimeZone.getTimeZone("Europe/Paris"));
      assertTrue(LegacyFormat.eventString(received).startsWith("2026-12-07T13:00:00+01:00 AUDIT: "));
    } finally {
      TimeZone.setDefault(zone);
    }
  }

  @Test
  void theLogRotatesAsLumberjackWithBackupsNamedByTheirUtcTime(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.log");
    TestClock clock = new TestClock(Instant.parse("2026-12-07T12:00:00Z"));
    byte[] chunk = new byte[600 * 1024];
    java.util.Arrays.fill(chunk, (byte) 'x');
    try (RotatingLog log = new RotatingLog(file, 1, 2, 0, false, clock)) {
      log.write(chunk);
      log.flush();
      assertEquals(600 * 1024, Files.size(file));
      log.write(chunk); // over 1 MB: rotated first
      log.flush();
      assertEquals(600 * 1024, Files.size(file));
      assertTrue(Files.exists(dir.resolve("audit-2026-12-07T12-00-00.000.log")), names(dir).toString());
      for (int i = 1; i <= 3; i++) {
        clock.advance(Duration.ofHours(1));
        log.write(chunk);
        log.flush();
      }
      // 4 backups made, the 2 newest kept (lumberjack removes on its own goroutine: ours on a thread)
      Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> names(dir).size() == 3);
      assertEquals(List.of("audit-2026-12-07T14-00-00.000.log", "audit-2026-12-07T15-00-00.000.log", "audit.log"),
          names(dir));
      assertEquals("[OWNER_READ, OWNER_WRITE]", new java.util.TreeSet<>(Files.getPosixFilePermissions(file)).toString());
      assertEquals("write length 2097152 exceeds maximum file size 1048576", assertThrows(java.io.IOException.class,
          () -> log.write(new byte[2 * 1024 * 1024])).getMessage());
    }
    // an existing file is appended to
    try (RotatingLog log = new RotatingLog(file, 1, 2, 0, false, clock)) {
      log.write("more\n".getBytes(StandardCharsets.UTF_8));
      log.flush();
      assertEquals(600 * 1024 + 5, Files.size(file));
    }
  }

  @Test
  void oldBackupsAreRemovedByAgeAndTheOthersCompressed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("audit.log");
    Files.writeString(dir.resolve("audit-2026-11-01T00-00-00.000.log"), "old\n");
    Files.writeString(dir.resolve("audit-2026-12-06T00-00-00.000.log"), "recent\n");
    Files.writeString(dir.resolve("other-2026-11-01T00-00-00.000.log"), "not ours\n");
    TestClock clock = new TestClock(Instant.parse("2026-12-07T12:00:00Z"));
    RotatingLog log = new RotatingLog(file, 0, 0, 7, true, clock);
    log.millOnce(clock.instant());
    assertEquals(List.of("audit-2026-12-06T00-00-00.000.log.gz", "other-2026-11-01T00-00-00.000.log"), names(dir));
    try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("audit-2026-12-06T00-00-00.000.log.gz")))) {
      assertEquals("recent\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(Path.of(dir.toAbsolutePath() + "/audit-2026-12-07T12-00-00.000.log"), log.backupName(clock.instant()));
  }

  private static List<String> names(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** A backend that keeps what it gets. */
  private static final class Recording implements AuditBackend {
    final List<List<ObjectNode>> batches = Collections.synchronizedList(new ArrayList<>());

    @Override
    public boolean process(List<ObjectNode> events) {
      batches.add(events);
      return true;
    }

    @Override
    public String name() {
      return "recording";
    }
  }

  @Test
  void largeEventsLoseTheirObjectsTooLargeOnesAreDroppedAndBatchesSplit() throws Exception {
    Recording out = new Recording();
    ObjectNode small = event("ResponseComplete", "Metadata");
    long size = TruncatingBackend.size(small);
    ObjectNode big = event("ResponseComplete", "RequestResponse");
    big.putObject("requestObject").put("data", "y".repeat(5000));
    ObjectNode hugeMetadata = event("ResponseComplete", "Metadata");
    hugeMetadata.put("requestURI", "/" + "z".repeat(5000));
    double dropped = AuditMetrics.errors("truncate");
    AuditBackend truncating = TruncatingBackend.wrap(out, new AuditOptions.Truncate(true, size + 200, 2 * size + 500));
    assertTrue(truncating.process(List.of(small, big, hugeMetadata, small)));
    assertEquals(2, out.batches.size(), "split in two batches by size: " + out.batches);
    assertEquals(2, out.batches.get(0).size());
    JsonNode truncated = out.batches.get(0).get(1);
    assertFalse(truncated.has("requestObject"));
    assertEquals("true", truncated.path("annotations").path("audit.k8s.io/truncated").asText());
    assertTrue(big.has("requestObject"), "the handed event is not changed");
    assertEquals(dropped + 1, AuditMetrics.errors("truncate"));
    // disabled: the backend itself
    assertTrue(TruncatingBackend.wrap(out, AuditOptions.Truncate.defaults()) == out);
  }

  @Test
  void batchModeCollectsBatchesAndAFullBufferDropsAndCounts() throws Exception {
    Recording out = new Recording();
    AuditOptions.Batch batch = new AuditOptions.Batch("batch", 3, 2, Duration.ofMillis(200), false, 0, 0);
    double blocked = AuditMetrics.errors("buffered");
    BufferedSink sink = new BufferedSink(new AuditBackend() {
      @Override
      public boolean process(List<ObjectNode> events) {
        try {
          TimeUnit.MILLISECONDS.sleep(300); // slow: the buffer fills
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return out.process(events);
      }

      @Override
      public String name() {
        return "slow";
      }
    }, batch, 1, false);
    for (int i = 0; i < 8; i++) {
      sink.process(event("ResponseComplete", "Metadata").put("auditID", "e" + i));
    }
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> out.batches.stream().mapToInt(List::size).sum()
        + (int) (AuditMetrics.errors("buffered") - blocked) == 8);
    assertTrue(AuditMetrics.errors("buffered") - blocked >= 3, "a buffer of 3 drops");
    assertTrue(out.batches.stream().allMatch(b -> b.size() <= 2), out.batches.toString());
    assertTrue(out.batches.stream().anyMatch(b -> b.size() == 2), out.batches.toString());
  }

  @Test
  void stoppingSendsWhatIsQueuedWithoutWaitingForTheBatchToFill() throws Exception {
    Recording out = new Recording();
    BufferedSink sink = new BufferedSink(out, new AuditOptions.Batch("batch", 100, 400, Duration.ofMinutes(5), true,
        10, 15), 1, true);
    sink.process(event("ResponseComplete", "Metadata"));
    sink.process(event("ResponseComplete", "Metadata"));
    org.awaitility.Awaitility.await().during(java.time.Duration.ofMillis(100)).atMost(java.time.Duration.ofSeconds(5))
        .untilAsserted(() -> assertTrue(out.batches.isEmpty(), "a batch of 400 waits up to 5 minutes"));
    long started = System.nanoTime();
    sink.shutdown();
    assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "sent at once");
    assertEquals(List.of(2), out.batches.stream().map(List::size).toList());
  }

  @Test
  void aStrictLogThatCannotWriteFailsTheEventsItWasGiven(@TempDir Path dir) throws Exception {
    Path notAFile = Files.createDirectories(dir.resolve("audit.log"));
    AuditOptions.Log log = AuditOptions.Log.defaults(notAFile.toString());
    AuditSink strict = AuditBackends.open(new AuditOptions(new AuditOptions.Log(log.path(), 0, 0, 0, false, "json",
        AuditOptions.VERSION, new AuditOptions.Batch("blocking-strict", 1, 1, Duration.ZERO, false, 0, 0),
        log.truncate()), AuditOptions.Webhook.defaults(null)));
    assertTrue(strict.strict());
    assertFalse(strict.processAndWait(event("RequestReceived", "Metadata")).toCompletableFuture()
        .get(10, TimeUnit.SECONDS));
    Path good = dir.resolve("legacy.log");
    AuditSink blocking = AuditBackends.open(new AuditOptions(new AuditOptions.Log(good.toString(), 0, 0, 0, false,
        "legacy", AuditOptions.VERSION, AuditOptions.Batch.logDefaults(), log.truncate()),
        AuditOptions.Webhook.defaults(null)));
    assertFalse(blocking.strict());
    blocking.process(event("ResponseComplete", "Metadata"));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(good)
        && Files.readString(good).contains(" AUDIT: id=\"a1b2\" stage=\"ResponseComplete\""));
  }

  @Test
  void badOptionsGetKubesWords() {
    AuditOptions.Log log = AuditOptions.Log.defaults("/tmp/a.log");
    AuditOptions.Webhook none = AuditOptions.Webhook.defaults(null);
    assertEquals(List.of("invalid audit log mode fast, allowed modes are \"batch,blocking,blocking-strict\""),
        new AuditOptions(new AuditOptions.Log(log.path(), 0, 0, 0, false, "json", AuditOptions.VERSION,
            new AuditOptions.Batch("fast", 1, 1, Duration.ZERO, false, 0, 0), log.truncate()), none).validate());
    assertEquals(List.of("invalid audit batch log buffer size 0, must be a positive number",
        "invalid audit truncate log max batch size 10, must be greater than max event size (100)",
        "invalid group version, allowed versions are [\"audit.k8s.io/v1\"]",
        "invalid audit log format xml, allowed formats are \"legacy,json\"",
        "--audit-log-maxage -1 can't be a negative number", "--audit-log-maxbackup -2 can't be a negative number",
        "--audit-log-maxsize -3 can't be a negative number"),
        new AuditOptions(new AuditOptions.Log(log.path(), -1, -2, -3, false, "xml", "audit.k8s.io/v1beta1",
            new AuditOptions.Batch("batch", 0, 1, Duration.ZERO, false, 0, 0), new AuditOptions.Truncate(false, 100, 10)),
            none).validate());
    assertEquals(List.of("invalid audit batch webhook throttle QPS 0, must be a positive number",
        "unexpected GroupVersion string: a/b/c"), new AuditOptions(AuditOptions.Log.defaults(null),
        new AuditOptions.Webhook(Path.of("hook.yaml"), Duration.ofSeconds(1), "a/b/c",
            new AuditOptions.Batch("batch", 10, 10, Duration.ZERO, true, 0, 1), AuditOptions.Truncate.defaults()))
        .validate());
    // a backend that is not set is not checked, as kube's
    assertEquals(List.of(), new AuditOptions(AuditOptions.Log.defaults(null).withPath(null), none).validate());
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class, () -> AuditBackends.open(
        new AuditOptions(AuditOptions.Log.defaults(null), AuditOptions.Webhook.defaults(Path.of("/nonexistent/hook")))));
    assertEquals("initializing audit webhook: stat /nonexistent/hook: no such file or directory", missing.getMessage());
  }
}
