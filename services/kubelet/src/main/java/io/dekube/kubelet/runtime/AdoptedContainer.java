package io.dekube.kubelet.runtime;

import java.nio.file.Path;
import java.time.Instant;

/**
 * A container a former kubelet of the node left running, taken over by this one as kube's kubelet finds the CRI's
 * containers at its start: the run goes on with its id, its start time and its restart count (its attempt).
 *
 * @param container    the running container, followed from now on
 * @param startedAt    when the engine started it
 * @param restartCount the attempt it was made for (kube's {@code io.kubernetes.container.restartCount})
 * @param logFile      the run's log file, which its output goes on into
 */
public record AdoptedContainer(RunningContainer container, Instant startedAt, int restartCount, Path logFile) {
}
