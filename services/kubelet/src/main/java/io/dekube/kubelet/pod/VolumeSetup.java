package io.dekube.kubelet.pod;

import io.dekube.kubelet.runtime.ContainerStartException;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A pod's volumes on its node ({@link Volumes}), written off the event loop before its first container
 * starts: a claim not bound yet, or a ConfigMap, Secret or key a volume needs that is not there, keeps the
 * containers ContainerCreating with a {@code FailedMount} Event (kube's volume manager wording), told again as
 * kube's mount retries back off (1 s, 2 s, 4 s… up to 2 min) and at once when the reason changes, and a new try
 * in a second; another failure is the containers' {@code CreateContainerConfigError} until the first back-off.
 * Also renews the projected token files and brings configMap, secret and downwardAPI contents up to date. Confined
 * to the kubelet's context.
 */
final class VolumeSetup {

  private static final Logger LOG = LoggerFactory.getLogger(VolumeSetup.class);

  private static final Duration MOST_QUIET = Duration.ofMinutes(2);

  private final PodWorker w;
  private final PodManager m;

  private String reported;
  private Instant nextReport = Instant.MIN;
  private Duration quiet = Duration.ofSeconds(1);

  VolumeSetup(PodWorker w, PodManager m) {
    this.w = w;
    this.m = m;
  }

  /** The volumes' folders by name; null when they could not be written yet (shown, and a new sync armed). */
  Future<Map<String, Path>> prepare(Pod pod, String ip, List<ContainerRecord> containers) {
    return m.vertx.executeBlocking(() -> Volumes.prepare(pod, w.podDir(), m.lookup, m.tokens, info(ip)),
            false)
        .recover(e -> {
          String reason = e instanceof ContainerStartException cse ? cse.reason() : "CreateContainerConfigError";
          if (ClaimVolumes.WAITING.equals(reason)) {
            waitForClaims(e.getMessage(), containers);
            return Future.succeededFuture();
          }
          containers.forEach(c -> {
            c.waitingReason = reason;
            c.waitingMessage = e.getMessage();
            w.event(c, PodWorker.WARNING, "Failed", "Error: " + e.getMessage());
          });
          w.publish();
          w.retryAt(Instant.now().plus(m.backoff.initial()));
          return Future.succeededFuture();
        });
  }

  private void waitForClaims(String message, List<ContainerRecord> containers) {
    containers.forEach(c -> {
      c.waitingReason = ClaimVolumes.WAITING;
      c.waitingMessage = null;
    });
    Instant now = Instant.now();
    if (!message.equals(reported) || !now.isBefore(nextReport)) {
      if (!message.equals(reported)) {
        LOG.info("pod {}/{} waits for its volumes on node {}: {}", w.namespace(), w.name(), m.config.nodeName(),
            message);
        quiet = Duration.ofSeconds(1);
      } else {
        quiet = quiet.multipliedBy(2).compareTo(MOST_QUIET) < 0 ? quiet.multipliedBy(2) : MOST_QUIET;
      }
      reported = message;
      nextReport = now.plus(quiet);
      w.event(null, PodWorker.WARNING, "FailedMount", message);
    }
    w.publish();
    w.retryAt(Instant.now().plusSeconds(1));
  }

  /**
   * Rewrites the pod's projected token files (renewed tokens) and its configMap, secret, downwardAPI and
   * projected volumes from the objects as they are now, off the event loop.
   */
  void refresh(Pod pod, Map<String, Path> dirs, String ip) {
    m.vertx.executeBlocking(() -> {
      if (hasProjectedToken(pod)) {
        Volumes.refreshTokens(pod, dirs, m.tokens);
      }
      Volumes.refresh(pod, dirs, m.lookup, info(ip));
      return null;
    }, false).onFailure(e -> LOG.debug("pod {}/{}: volume refresh failed: {}", w.namespace(), w.name(), e.toString()));
  }

  /** The pod's IP, its node's, and the node's allocatable cpu and memory (a downwardAPI resourceFieldRef's default). */
  private EnvBuilder.PodInfo info(String ip) {
    return new EnvBuilder.PodInfo(ip, m.config.nodeIp(), m.config.cpu(), m.config.memory());
  }

  private static boolean hasProjectedToken(Pod p) {
    return p.getSpec().getVolumes() != null && p.getSpec().getVolumes().stream().anyMatch(v -> v.getProjected() != null
        && v.getProjected().getSources() != null
        && v.getProjected().getSources().stream().anyMatch(s -> s.getServiceAccountToken() != null));
  }
}
