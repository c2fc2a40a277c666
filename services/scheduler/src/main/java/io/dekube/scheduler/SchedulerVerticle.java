package io.dekube.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.leader.LeaderElector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.StoreApi;
import io.dekube.scheduler.api.ClusterEvent;
import io.dekube.scheduler.cache.SchedulerCache;
import io.dekube.scheduler.framework.Algorithm;
import io.dekube.scheduler.framework.PluginJars;
import io.dekube.scheduler.framework.Profile;
import io.dekube.scheduler.framework.SchedulerConfiguration;
import io.dekube.scheduler.plugins.Registry;
import io.dekube.scheduler.queue.ClusterEvents;
import io.dekube.scheduler.queue.QueueingHints;
import io.dekube.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler: wiring only. Informers on pods, nodes and namespaces feed the cache and the
 * queue (preemption also reads one on PodDisruptionBudgets); {@link Scheduler} schedules while this instance leads ({@code kube-system/kube-scheduler}
 * Lease). The configuration and plugin jars are read in the constructor, so a bad file fails
 * before anything is deployed ({@link io.dekube.scheduler.framework.ConfigException}).
 */
public final class SchedulerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(SchedulerVerticle.class);

  private final SchedulerConfig config;
  private final StoreApi store;
  private final Function<ResourceType, ObjectCache> caches;
  private final ResourceType podsType;
  private final ResourceType nodesType;
  private final ResourceType namespacesType;
  private final SchedulerCache cache = new SchedulerCache();
  private final SchedulingQueue queue;
  private final Map<String, Profile> profiles = new LinkedHashMap<>();
  private final ExecutorService filterPool;
  private final PodWrites writes;
  private final EventBroadcaster broadcaster;
  private final List<Long> timers = new ArrayList<>();
  private final Permits permits = new Permits();
  private final Nominator nominator = new Nominator();
  private Scheduler scheduler;
  private LeaderElector elector;
  private ObjectCache namespaces;
  private final ResourceType budgetsType;
  private ObjectCache budgets;
  private final VolumeObjects volumeObjects;
  private final WorkloadObjects workloadObjects;
  private final List<io.dekube.core.informer.HandlerRegistration> registrations = new ArrayList<>();
  private final ObjectNode componentConfig;

  public SchedulerVerticle(SchedulerConfig config, ResourceRegistry registry, StoreApi store,
                           Function<ResourceType, ObjectCache> caches) {
    this.config = config;
    this.store = store;
    this.caches = caches;
    this.podsType = registry.byGroupPlural("", "pods").orElseThrow();
    this.nodesType = registry.byGroupPlural("", "nodes").orElseThrow();
    this.namespacesType = registry.byGroupPlural("", "namespaces").orElseThrow();
    this.budgetsType = registry.byGroupPlural("policy", "poddisruptionbudgets").orElse(null);
    this.broadcaster = new EventBroadcaster(store, registry.byGroupPlural("", "events").orElseThrow(),
        java.time.Instant::now, hostname());
    this.writes = new PodWrites(store, registry, broadcaster);
    this.volumeObjects = new VolumeObjects(store, registry);
    this.workloadObjects = new WorkloadObjects(registry);
    Registry plugins = PluginJars.load(config.pluginsDir(), Registry.inTree());
    List<PluginJars.ProfileFile> jarProfiles = PluginJars.profiles(config.pluginsDir());
    for (Profile p : SchedulerConfiguration.load(config.configFile(), jarProfiles, plugins, name -> new ClusterHandle(name,
        () -> scheduler == null ? List.of() : scheduler.snapshot(), this::namespaceLabels, writes,
        permits, this::budgets, nominator::on).withVolumes(volumeObjects).withWorkloads(workloadObjects))) {
      profiles.put(p.schedulerName(), p);
    }
    this.componentConfig = SchedulerConfiguration.componentConfig(config.configFile(), jarProfiles,
        config.leaderElect());
    QueueingHints hints = QueueingHints.none();
    profiles.values().forEach(p -> hints.profile(p.schedulerName(), p.enqueuePlugins()));
    this.queue = new SchedulingQueue(System::currentTimeMillis, hints);
    this.filterPool = Executors.newFixedThreadPool(Math.max(1, config.parallelism()), r -> {
      Thread t = new Thread(r, "dekube-scheduler-filter");
      t.setDaemon(true);
      return t;
    });
  }

  /**
   * kube-scheduler's configuration as its {@code /configz} shows it under {@link #CONFIGZ_NAME}, for the process's ops
   * port ({@code OpsHttpServer.configz}).
   * Decision: kube serves it on its secure port to authorized clients; dekube's ops port is plain HTTP on the bind
   * address, as its {@code /metrics}.
   */
  public com.fasterxml.jackson.databind.JsonNode componentConfig() {
    return componentConfig.get(CONFIGZ_NAME);
  }

  /** The name kube-scheduler registers its configuration under in {@code /configz}. */
  public static final String CONFIGZ_NAME = "componentconfig";

  /** The profiles by scheduler name. */
  public Map<String, Profile> profiles() {
    return profiles;
  }

  @Override
  public Future<?> start() {
    permits.vertx(vertx);
    scheduler = new Scheduler(context, cache, queue, profiles, new Algorithm(filterPool, config.parallelism()),
        writes, permits, nominator, pod -> { });
    ObjectCache pods = caches.apply(podsType);
    ObjectCache nodes = caches.apply(nodesType);
    namespaces = caches.apply(namespacesType);
    budgets = budgetsType == null ? null : caches.apply(budgetsType);
    Future<List<ObjectCache>> claims = volumeObjects.start(caches);
    return Future.all(started(nodes), started(pods), started(namespaces),
        budgets == null ? Future.succeededFuture() : started(budgets), claims, workloadObjects.start(caches))
        .compose(v -> {
      // a claim, volume or class that appears or changes may let a pod that waited for it be scheduled
      List<ObjectCache> volumeCaches = claims.result();
      List<ClusterEvent.Resource> volumeResources = List.of(ClusterEvent.Resource.PERSISTENT_VOLUME_CLAIM,
          ClusterEvent.Resource.PERSISTENT_VOLUME, ClusterEvent.Resource.STORAGE_CLASS);
      for (int i = 0; i < volumeCaches.size(); i++) {
        registrations.add(volumeCaches.get(i).addHandler(retryOnChange(volumeResources.get(i))));
      }
      registrations.add(nodes.addHandler(nodeEvents()));
      registrations.add(pods.addHandler(new PodEvents(cache, queue, profiles.keySet(), scheduler::kick, nominator)));
      timers.add(vertx.setPeriodic(1000, id -> scheduler.kick()));
      timers.add(vertx.setPeriodic(EventBroadcaster.FINISH_TIME.toMillis(), id -> broadcaster.finishSeries()));
      timers.add(vertx.setPeriodic(EventBroadcaster.REFRESH_TIME.toMillis(), id -> broadcaster.refreshSeries()));
      if (config.leaderElect()) {
        elector = new LeaderElector(vertx, store, LeaderElector.Config.of("kube-scheduler", config.identity()),
            new LeaderElector.Callbacks() {
              @Override
              public void onStartedLeading() {
                LOG.info("scheduler {} leads: scheduling for {}", config.identity(), profiles.keySet());
                scheduler.leading(true);
              }

              @Override
              public void onStoppedLeading() {
                LOG.info("scheduler {} stopped leading", config.identity());
                scheduler.leading(false);
              }
            });
        elector.start();
      } else {
        scheduler.leading(true);
      }
      return Future.succeededFuture();
    });
  }

  private static Future<Void> started(ObjectCache c) {
    return c instanceof Informer i ? i.start() : Future.succeededFuture();
  }

  private InformerHandler retryOnChange(ClusterEvent.Resource resource) {
    Class<? extends io.fabric8.kubernetes.api.model.HasMetadata> type = switch (resource) {
      case PERSISTENT_VOLUME_CLAIM -> io.fabric8.kubernetes.api.model.PersistentVolumeClaim.class;
      case STORAGE_CLASS -> io.fabric8.kubernetes.api.model.storage.StorageClass.class;
      default -> io.fabric8.kubernetes.api.model.PersistentVolume.class;
    };
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        queue.moveAllToActiveOrBackoff(new ClusterEvent(resource, ClusterEvent.ADD), null, Typed.from(object, type));
        scheduler.kick();
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        queue.moveAllToActiveOrBackoff(new ClusterEvent(resource, ClusterEvent.UPDATE), Typed.from(oldObject, type),
            Typed.from(newObject, type));
        scheduler.kick();
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
      }
    };
  }

  private InformerHandler nodeEvents() {
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        onUpdate(null, object);
      }

      /** A heartbeat (only condition times changed) is no cluster event: it moves no pod. */
      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        Node node = Typed.from(newObject, Node.class);
        Node previous = cache.node(node.getMetadata().getName());
        cache.upsertNode(node);
        ClusterEvent event = ClusterEvents.nodeUpdate(previous, node);
        if (event != null) {
          queue.moveAllToActiveOrBackoff(event, previous, node);
          scheduler.kick();
        }
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        String name = ObjectKey.of(last).name();
        Node previous = cache.node(name);
        cache.removeNode(name);
        queue.moveAllToActiveOrBackoff(new ClusterEvent(ClusterEvent.Resource.NODE, ClusterEvent.DELETE), previous,
            null);
      }
    };
  }

  /** The host name, as Go's {@code os.Hostname} reads it on Linux (for the Events' {@code reportingInstance}). */
  private static String hostname() {
    try {
      String h = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/sys/kernel/hostname")).trim();
      if (!h.isEmpty()) {
        return h;
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux: the environment's
    }
    String env = System.getenv("HOSTNAME");
    return env == null || env.isEmpty() ? "localhost" : env;
  }

  /** The PodDisruptionBudgets of every namespace (typed at each call: preemption reads them rarely). */
  private List<PodDisruptionBudget> budgets() {
    ObjectCache c = budgets;
    if (c == null) {
      return List.of();
    }
    List<PodDisruptionBudget> out = new ArrayList<>();
    c.list("").forEach(o -> out.add(Typed.from(o, PodDisruptionBudget.class)));
    return out;
  }

  private Map<String, String> namespaceLabels(String namespace) {
    ObjectCache ns = namespaces;
    ObjectNode n = ns == null ? null : ns.get(new ObjectKey("", namespace));
    Map<String, String> out = new LinkedHashMap<>();
    if (n != null) {
      n.path("metadata").path("labels").fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
    }
    return out;
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    registrations.forEach(r -> r.remove());
    filterPool.shutdownNow();
    return elector == null ? Future.succeededFuture() : elector.stop();
  }
}
