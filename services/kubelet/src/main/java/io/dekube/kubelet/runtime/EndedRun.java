package io.dekube.kubelet.runtime;

import java.nio.file.Path;
import java.time.Instant;

/**
 * The run of an init container that ended before this kubelet started, as the runtime still holds it (kube's CRI
 * keeps exited containers: its kubelet reads them in {@code computeInitContainerActions} and does not run a
 * completed init container again).
 *
 * @param containerId  the runtime's id ({@code docker://…})
 * @param imageId      its image's id, as the status shows it
 * @param exitCode     how it ended
 * @param reason       the runtime's reason ({@code OOMKilled}), or null: the kubelet's {@code Completed}/{@code Error}
 * @param startedAt    when it started
 * @param finishedAt   when it ended
 * @param restartCount the attempt it was made for (kube's {@code io.kubernetes.container.restartCount})
 * @param logFile      the run's log file
 */
public record EndedRun(String containerId, String imageId, int exitCode, String reason, Instant startedAt,
                       Instant finishedAt, int restartCount, Path logFile) {
}
