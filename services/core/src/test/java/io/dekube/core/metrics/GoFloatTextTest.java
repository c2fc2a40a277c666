package io.dekube.core.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Numbers of {@code /metrics} as kube's Go client writes them ({@code strconv.FormatFloat(f, 'g', -1, 64)}). */
class GoFloatTextTest {

  @Test
  void numbersTakeGosShortestGFormat() {
    assertEquals("1", GoFloatText.format("1.0"));
    assertEquals("49", GoFloatText.format("49.0"));
    assertEquals("0.005", GoFloatText.format("0.005"));
    assertEquals("0.0001", GoFloatText.format("1.0E-4"));
    assertEquals("1e-05", GoFloatText.format("1.0E-5"));
    assertEquals("1.5e-07", GoFloatText.format("1.5E-7"));
    assertEquals("123456", GoFloatText.format("123456.0"));
    assertEquals("1e+06", GoFloatText.format("1000000.0"));
    assertEquals("1.234567e+06", GoFloatText.format("1234567.0"));
    assertEquals("1.7803046572e+09", GoFloatText.format("1.7803046572E9"));
    assertEquals("-2.5", GoFloatText.format("-2.5"));
    assertEquals("0", GoFloatText.format("0.0"));
    assertEquals("+Inf", GoFloatText.format("+Inf"));
    assertEquals("NaN", GoFloatText.format("NaN"));
  }

  @Test
  void valuesAndLeAndQuantileLabelsAreRewrittenCommentsAndOtherLabelsAreNot() {
    String micrometer = """
        # HELP apiserver_request_duration_seconds Response latency 1.0
        # TYPE apiserver_request_duration_seconds histogram
        apiserver_request_duration_seconds_bucket{code="201",version="1.0",le="0.005"} 2
        apiserver_request_duration_seconds_bucket{code="201",version="1.0",le="60.0"} 3
        apiserver_request_duration_seconds_bucket{code="201",version="1.0",le="+Inf"} 3
        apiserver_request_duration_seconds_sum{code="201",version="1.0"} 0.012
        go_gc_duration_seconds{quantile="0.5"} 1.0E-5
        weird{a="x\\"} 1.0",le="1.0"} 7.0 1712345678901
        process_start_time_seconds 1.7803046572E9
        """;
    assertEquals("""
        # HELP apiserver_request_duration_seconds Response latency 1.0
        # TYPE apiserver_request_duration_seconds histogram
        apiserver_request_duration_seconds_bucket{code="201",version="1.0",le="0.005"} 2
        apiserver_request_duration_seconds_bucket{code="201",version="1.0",le="60"} 3
        apiserver_request_duration_seconds_bucket{code="201",version="1.0",le="+Inf"} 3
        apiserver_request_duration_seconds_sum{code="201",version="1.0"} 0.012
        go_gc_duration_seconds{quantile="0.5"} 1e-05
        weird{a="x\\"} 1.0",le="1"} 7 1712345678901
        process_start_time_seconds 1.7803046572e+09
        """, GoFloatText.rewrite(micrometer));
  }
}
