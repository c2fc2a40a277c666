package io.dekube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.kubelet.runtime.CriLog;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogOptionsTest {

  private static final Instant T0 = Instant.parse("2026-12-05T06:00:00Z");

  /** A log: "one" at T0, "two" at T0+10s, "thr" + "ee" (two chunks) at T0+20s, stderr "err" at T0+30s. */
  private static List<CriLog.Entry> log() {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    b.writeBytes(CriLog.encode(T0, "stdout", bytes("one\n")));
    b.writeBytes(CriLog.encode(T0.plusSeconds(10), "stdout", bytes("two\n")));
    b.writeBytes(CriLog.encode(T0.plusSeconds(20), "stdout", bytes("thr")));
    b.writeBytes(CriLog.encode(T0.plusSeconds(20), "stdout", bytes("ee\n")));
    b.writeBytes(CriLog.encode(T0.plusSeconds(30), "stderr", bytes("err\n")));
    byte[] all = b.toByteArray();
    CriLog.Decoded d = CriLog.decode(all);
    assertEquals(all.length, d.consumed());
    return d.entries();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String show(Map<String, String> params) {
    LogOptions o = LogOptions.parse(params::get, T0.plusSeconds(35));
    return new String(o.render(o.tail(log()), o.limitBytes() == null ? Long.MAX_VALUE : o.limitBytes()),
        StandardCharsets.UTF_8);
  }

  @Test
  void optionsAsKubectlLogsAppliesThem() {
    assertEquals("one\ntwo\nthree\nerr\n", show(Map.of()));
    assertEquals("three\nerr\n", show(Map.of("tailLines", "2")));
    assertEquals("", show(Map.of("tailLines", "0")));
    assertEquals("one\ntwo\nthree\nerr\n", show(Map.of("tailLines", "10")));
    assertEquals("three\nerr\n", show(Map.of("sinceSeconds", "16")));
    assertEquals("two\nthree\nerr\n", show(Map.of("sinceTime", "2026-12-05T06:00:10Z")));
    assertEquals("one\ntw", show(Map.of("limitBytes", "6")));
    assertEquals("2026-12-05T06:00:30Z err\n", show(Map.of("tailLines", "1", "timestamps", "true")));
    assertEquals("two\n", show(Map.of("sinceSeconds", "30", "tailLines", "3", "limitBytes", "4")));
  }

  @Test
  void badValuesAreRefusedAsKubeValidatesThem() {
    Map<String, String> both = new HashMap<>(Map.of("sinceSeconds", "5", "sinceTime", "2026-12-05T06:00:10Z"));
    assertEquals("at most one of `sinceTime` or `sinceSeconds` may be specified",
        assertThrows(IllegalArgumentException.class, () -> LogOptions.parse(both::get, T0)).getMessage());
    assertEquals("tailLines: Invalid value: -2: must be greater than or equal to 0",
        assertThrows(IllegalArgumentException.class, () -> LogOptions.parse(Map.of("tailLines", "-2")::get, T0))
            .getMessage());
    assertThrows(IllegalArgumentException.class, () -> LogOptions.parse(Map.of("limitBytes", "0")::get, T0));
  }

  @Test
  void linesThatAreNotEntriesReadAsOutput() {
    CriLog.Decoded d = CriLog.decode(bytes("plain text\npartial"));
    assertEquals(1, d.entries().size());
    assertEquals("plain text\n", new String(d.entries().get(0).output(false), StandardCharsets.UTF_8));
    assertEquals(11, d.consumed());
  }
}
