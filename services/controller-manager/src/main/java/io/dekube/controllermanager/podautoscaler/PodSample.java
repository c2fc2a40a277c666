package io.dekube.controllermanager.podautoscaler;

import java.time.Duration;
import java.time.Instant;

/**
 * One pod's usage of one resource as the resource metrics API reports it: the sum over its
 * containers in milli-units (millicores for CPU, thousandths of a byte for memory, as kube's
 * {@code MilliValue}), and when and over which window it was measured.
 */
record PodSample(long milliValue, Instant timestamp, Duration window) {
}
