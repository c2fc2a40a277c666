package io.dekube.kubelet.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** kube's container log rotation on real files: the size, the names, compression, excess and leftovers. */
class LogRotationTest {

  private static final ContainerLogPolicy TEN_BYTES_THREE_FILES = ContainerLogPolicy.of("10", 3, 1, Duration.ofSeconds(10));
  private static final Instant T0 = Instant.parse("2026-12-08T01:02:03Z");

  @TempDir
  Path dir;

  private List<String> names() throws IOException {
    try (var s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aLogBelowTheSizeStays() throws IOException {
    Path log = Files.writeString(dir.resolve("0.log"), "123456789");
    assertNull(LogRotation.rotateIfDue(log, TEN_BYTES_THREE_FILES, T0, ZoneOffset.UTC, () -> { }));
    assertEquals(List.of("0.log"), names());
  }

  @Test
  void rotationsKeepAtMostMaxFilesTheNewestPlainTheOlderCompressed() throws IOException {
    Path log = dir.resolve("0.log");
    AtomicInteger reopened = new AtomicInteger();
    for (int i = 0; i < 4; i++) {
      Files.writeString(log, "run " + i + " 0123456789\n");
      Path rotated = LogRotation.rotateIfDue(log, TEN_BYTES_THREE_FILES, T0.plusSeconds(i), ZoneOffset.UTC,
          reopened::incrementAndGet);
      assertEquals("0.log.20261208-01020" + (3 + i), rotated.getFileName().toString());
      Files.writeString(log, "new\n"); // the runtime writes to the path again
    }
    assertEquals(4, reopened.get());
    // 3 files: the log, the last rotation plain, one older compressed (maxFiles - 2 = 1)
    assertEquals(List.of("0.log", "0.log.20261208-010205.gz", "0.log.20261208-010206"), names());
    assertEquals("run 3 0123456789\n", Files.readString(dir.resolve("0.log.20261208-010206")));
    try (InputStream in = new GZIPInputStream(Files.newInputStream(dir.resolve("0.log.20261208-010205.gz")))) {
      assertEquals("run 2 0123456789\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
  }

  @Test
  void leftoversOfAFailedRotationGo() throws IOException {
    Path log = Files.writeString(dir.resolve("0.log"), "0123456789\n");
    Files.writeString(dir.resolve("0.log.20261208-000000.tmp"), "half");
    Files.writeString(dir.resolve("0.log.20261208-000001"), "both");
    Files.writeString(dir.resolve("0.log.20261208-000001.gz"), "both");
    Files.writeString(dir.resolve("10.log"), "another run's log is not this one's");
    LogRotation.rotateIfDue(log, ContainerLogPolicy.of("10", 5, 1, Duration.ofSeconds(10)), T0, ZoneOffset.UTC,
        () -> { });
    assertEquals(List.of("0.log.20261208-000001.gz", "0.log.20261208-010203", "10.log"), names());
  }

  @Test
  void aNegativeSizeTurnsRotationOff() throws IOException {
    Path log = Files.writeString(dir.resolve("0.log"), "0123456789".repeat(100));
    assertNull(LogRotation.rotateIfDue(log, ContainerLogPolicy.of("-1", 5, 1, Duration.ofSeconds(10)), T0,
        ZoneOffset.UTC, () -> { }));
  }

  @Test
  void theRunsBeforeThePreviousOneLoseTheirLogs() throws IOException {
    for (String f : List.of("0.log", "1.log", "1.log.20261208-000000.gz", "2.log", "3.log", "termination-log")) {
      Files.writeString(dir.resolve(f), f);
    }
    assertEquals(3, DeadContainerLogs.removeOlderRuns(dir.resolve("3.log")));
    assertEquals(List.of("2.log", "3.log", "termination-log"), names());
  }
}
