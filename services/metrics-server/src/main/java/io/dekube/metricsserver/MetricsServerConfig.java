package io.dekube.metricsserver;

import java.time.Duration;

/**
 * The metrics server's settings.
 *
 * @param host       the address it listens on (the apiserver reaches it there, through its Endpoints)
 * @param port       its HTTPS port (0: any free one)
 * @param resolution how often it scrapes every kubelet ({@code --metric-resolution}, metrics-server's default
 *                   15 s)
 */
public record MetricsServerConfig(String host, int port, Duration resolution) {

  /** metrics-server's default resolution. */
  public static final Duration DEFAULT_RESOLUTION = Duration.ofSeconds(15);
}
