package io.dekube.scheduler;

import java.nio.file.Path;

/**
 * The scheduler's settings.
 *
 * @param configFile   a KubeSchedulerConfiguration YAML, or null for the default profile
 * @param pluginsDir   the folder of plugin jars (may not exist)
 * @param leaderElect  whether to act only while holding the {@code kube-system/kube-scheduler} Lease
 * @param identity     this instance's holder identity
 * @param parallelism  worker threads that filter nodes of large clusters
 */
public record SchedulerConfig(Path configFile, Path pluginsDir, boolean leaderElect, String identity,
                              int parallelism) {

  /** No config file, no plugins folder, leader election on, 2 filter threads. */
  public static SchedulerConfig defaults() {
    return new SchedulerConfig(null, null, true, "dekube-scheduler-" + ProcessHandle.current().pid() + "-"
        + Long.toHexString(System.nanoTime()), 2);
  }

  public SchedulerConfig withConfigFile(Path p) {
    return new SchedulerConfig(p, pluginsDir, leaderElect, identity, parallelism);
  }

  public SchedulerConfig withPluginsDir(Path p) {
    return new SchedulerConfig(configFile, p, leaderElect, identity, parallelism);
  }

  public SchedulerConfig withLeaderElect(boolean v) {
    return new SchedulerConfig(configFile, pluginsDir, v, identity, parallelism);
  }
}
