package io.dekube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

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

/** {@code kubectl logs -f} across rotations: the rest of the renamed file, then the new file from its start. */
class LogStreamRotationTest {

  private static final ContainerLogPolicy ROTATE_ALWAYS = ContainerLogPolicy.of("1", 3, 1, Duration.ofSeconds(10));

  @Test
  void aFollowerFinishesTheRotatedFileThenReadsTheNewOne(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(log, "line 1\n");
    try (FollowedLog f = new FollowedLog(log, 1 << 20)) {
      assertEquals("line 1\n", read(f, f.readAll()));

      // one more line, then the kubelet rotates the log and the runtime writes to its path again
      Files.writeString(log, "line 2\n", StandardOpenOption.APPEND);
      LogRotation.rotateIfDue(log, ROTATE_ALWAYS, Instant.now(), ZoneOffset.UTC, () -> { });
      Files.writeString(log, "line 3\n");

      assertEquals("line 2\n", read(f, f.next()), "the rest of the renamed file first");
      assertEquals("line 3\n", read(f, f.next()), "then the new file from its start");
      Files.writeString(log, "line 4\n", StandardOpenOption.APPEND);
      assertEquals("line 4\n", read(f, f.next()));
      assertEquals("", read(f, f.next()));
    }
  }

  @Test
  void aFollowerBehindTwoRotationsStillReadsTheFileItHasOpen(@TempDir Path dir) throws Exception {
    Path log = dir.resolve("0.log");
    Files.writeString(log, "a1\n");
    try (FollowedLog f = new FollowedLog(log, 3)) { // reads 3 bytes at a time: one line
      f.readAll();
      f.advance(3);
      Files.writeString(log, "a2\na3\n", StandardOpenOption.APPEND);
      assertEquals("a2\n", read(f, f.next()));
      // two rotations: the file it reads is gzipped and removed, its inode must not be a new file's meanwhile
      LogRotation.rotateIfDue(log, ROTATE_ALWAYS, Instant.parse("2026-12-08T01:00:00Z"), ZoneOffset.UTC, () -> { });
      Files.writeString(log, "b1\n");
      LogRotation.rotateIfDue(log, ROTATE_ALWAYS, Instant.parse("2026-12-08T01:00:01Z"), ZoneOffset.UTC, () -> { });
      Files.writeString(log, "c1\n");
      assertEquals("a3\n", read(f, f.next()), "the rest of the open file, though it is gone from the folder");
      assertEquals("c1\n", read(f, f.next()), "then the file at the path; b was rotated away unread, as in kube");
    }
  }

  private static String read(FollowedLog f, byte[] data) {
    f.advance(data.length);
    return new String(data, StandardCharsets.UTF_8);
  }
}
