package io.dekube.launcher;

import io.dekube.core.auth.SystemUsers;
import io.dekube.scheduler.SchedulerConfig;
import io.dekube.scheduler.SchedulerVerticle;
import io.dekube.scheduler.framework.ConfigException;
import java.nio.file.Path;
import java.util.List;

/**
 * The scheduler: profiles from {@code --scheduler-config} (a KubeSchedulerConfiguration), plugin jars
 * from {@code --plugins} (default {@code <data-dir>/plugins}; the controller-manager reads the same
 * folder). A bad file stops {@code up} with a message naming it.
 */
final class SchedulerComponent implements Component {

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.of("--scheduler-config", "FILE", "KubeSchedulerConfiguration YAML (profiles, plugins, args)"),
        Flag.of("--plugins", "DIR", "plugin jars of the scheduler and the controller-manager: scheduler plugins and profiles, "
            + "controllers (operators), CRDs (default <data-dir>/plugins)"));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    SchedulerConfig config = SchedulerConfig.defaults()
        .withConfigFile(ctx.flags().path("--scheduler-config", null))
        .withPluginsDir(ctx.flags().path("--plugins", ctx.dataDir().resolve("plugins")));
    SchedulerVerticle scheduler;
    try {
      scheduler = new SchedulerVerticle(config, ctx.registry(), ctx.storeAs(SystemUsers.KUBE_SCHEDULER),
          ctx.informersAs(SystemUsers.KUBE_SCHEDULER)::apply);
    } catch (ConfigException e) {
      throw new IllegalArgumentException("scheduler: " + e.getMessage(), e);
    }
    if (ctx.ops() != null) {
      // kube-scheduler's, on the process's ops port (beside the controller-manager's when it runs there too)
      ctx.ops().configz(SchedulerVerticle.CONFIGZ_NAME, scheduler.componentConfig());
    }
    ctx.deploy(scheduler);
    ProcessMetrics.pendingPods(ctx.informers().informer(ctx.bootstrap(), ctx.registry().byResourceName("pods")
        .orElseThrow()));
  }
}
