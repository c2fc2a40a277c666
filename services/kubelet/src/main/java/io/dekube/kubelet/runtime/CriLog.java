package io.dekube.kubelet.runtime;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The CRI log format container runtimes write and the kubelet reads: one entry per line,
 * {@code <RFC3339Nano time> <stdout|stderr> <F|P> <content>}, where {@code F} ends a line of the
 * container's output and {@code P} is a part of a line that the next entries continue. It is what
 * {@code kubectl logs --timestamps}, {@code --since} and {@code --since-time} work on. Pure.
 */
public final class CriLog {

  /** One entry: its time, stream, whether it is a partial line, and its content (no newline). */
  public record Entry(Instant time, String stream, boolean partial, byte[] content) {

    /** The bytes {@code kubectl logs} shows for this entry (a full line gets its newline back). */
    public byte[] output(boolean timestamps) {
      ByteArrayOutputStream b = new ByteArrayOutputStream(content.length + 40);
      if (timestamps) {
        b.writeBytes((CriLog.time(time) + " ").getBytes(StandardCharsets.UTF_8));
      }
      b.writeBytes(content);
      if (!partial) {
        b.write('\n');
      }
      return b.toByteArray();
    }
  }

  /** Entries decoded from the front of a buffer, and how many bytes they took (up to the last newline). */
  public record Decoded(List<Entry> entries, int consumed) {
  }

  private CriLog() {
  }

  /** RFC3339 with as many fractional digits as needed, as Go's RFC3339Nano. */
  public static String time(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t);
  }

  /** Encodes a chunk of a stream's output: one F entry per finished line, a P entry for an unfinished tail. */
  public static byte[] encode(Instant t, String stream, byte[] data) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(data.length + 64);
    byte[] prefix = (time(t) + " " + stream + " ").getBytes(StandardCharsets.UTF_8);
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        entry(out, prefix, 'F', data, start, i);
        start = i + 1;
      }
    }
    if (start < data.length) {
      entry(out, prefix, 'P', data, start, data.length);
    }
    return out.toByteArray();
  }

  private static void entry(ByteArrayOutputStream out, byte[] prefix, char tag, byte[] data, int from, int to) {
    out.writeBytes(prefix);
    out.write(tag);
    out.write(' ');
    out.write(data, from, to - from);
    out.write('\n');
  }

  /** Decodes the complete lines of {@code data}; a line that is not an entry is taken as stdout output. */
  public static Decoded decode(byte[] data) {
    List<Entry> entries = new ArrayList<>();
    int start = 0;
    for (int i = 0; i < data.length; i++) {
      if (data[i] == '\n') {
        entries.add(parse(data, start, i));
        start = i + 1;
      }
    }
    return new Decoded(entries, start);
  }

  private static Entry parse(byte[] data, int from, int to) {
    int s1 = indexOf(data, from, to, ' ');
    int s2 = s1 < 0 ? -1 : indexOf(data, s1 + 1, to, ' ');
    int s3 = s2 < 0 ? -1 : indexOf(data, s2 + 1, to, ' ');
    if (s3 >= 0 && s3 == s2 + 2) {
      try {
        Instant t = Instant.parse(new String(data, from, s1 - from, StandardCharsets.US_ASCII));
        String stream = new String(data, s1 + 1, s2 - s1 - 1, StandardCharsets.US_ASCII);
        boolean partial = data[s2 + 1] == 'P';
        return new Entry(t, stream, partial, java.util.Arrays.copyOfRange(data, s3 + 1, to));
      } catch (DateTimeParseException e) {
        // not an entry: plain output
      }
    }
    return new Entry(Instant.EPOCH, "stdout", false, java.util.Arrays.copyOfRange(data, from, to));
  }

  private static int indexOf(byte[] data, int from, int to, char c) {
    for (int i = from; i < to; i++) {
      if (data[i] == c) {
        return i;
      }
    }
    return -1;
  }
}
