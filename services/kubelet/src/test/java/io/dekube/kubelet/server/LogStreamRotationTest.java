package io.dekube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.logs.ContainerLogPolicy;
import io.dekube.kubelet.logs.LogRotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kubectl logs -f} across a rotation: the rest of the renamed file, then the new file from its start. */
class LogStreamRotationTest {

  @Test
  void aFollowerFinishesTheRotatedFileThenReadsTheNewOne(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(log, "line 1\n");
    Object key = LogStream.key(log);
    LogStream.Read first = LogStream.next(log, key, 0);
    assertEquals("line 1\n", text(first));
    long offset = first.data().length;

    // the runtime writes one more line, then the kubelet rotates the log and the runtime reopens its path
    Files.writeString(log, "line 2\n", StandardOpenOption.APPEND);
    LogRotation.rotateIfDue(log, ContainerLogPolicy.of("1", 5, 1, Duration.ofSeconds(10)), Instant.now(),
        ZoneOffset.UTC, () -> { });
    Files.writeString(log, "line 3\n");

    LogStream.Read rest = LogStream.next(log, key, offset);
    assertEquals("line 2\n", text(rest), "the rest of the renamed file first");
    assertFalse(rest.restart());
    offset += rest.data().length;

    LogStream.Read fresh = LogStream.next(log, rest.key(), offset);
    assertTrue(fresh.restart());
    assertEquals("line 3\n", text(fresh), "then the new file from its start");
    assertEquals(LogStream.key(log), fresh.key());

    Files.writeString(log, "line 4\n", StandardOpenOption.APPEND);
    assertEquals("line 4\n", text(LogStream.next(log, fresh.key(), fresh.data().length)));
  }

  private static String text(LogStream.Read r) {
    return new String(r.data(), StandardCharsets.UTF_8);
  }
}
