package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.buffer.Buffer;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * Lines as Go's standard {@code log} package writes them: {@code 2006/01/02 15:04:05 message} (UTC in a
 * container), to stderr. Pure but for {@link #print}.
 */
final class GoLog {

  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");

  private GoLog() {
  }

  /** {@code log.Printf}: the stamped line on the container's stderr. */
  static void print(JvmContainer c, String message) {
    c.output("stderr", Buffer.buffer(line(ZonedDateTime.now(ZoneOffset.UTC), message)));
  }

  /** {@code fmt.Println}: the line on the container's stdout. */
  static void stdout(JvmContainer c, String message) {
    c.output("stdout", Buffer.buffer(message.endsWith("\n") ? message : message + "\n"));
  }

  /** {@code fmt.Fprintln(os.Stderr, ...)}: the line on the container's stderr, unstamped. */
  static void stderr(JvmContainer c, String message) {
    c.output("stderr", Buffer.buffer(message.endsWith("\n") ? message : message + "\n"));
  }

  static String line(ZonedDateTime time, String message) {
    return STAMP.format(time) + " " + (message.endsWith("\n") ? message : message + "\n");
  }
}
