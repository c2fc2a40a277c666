package io.dekube.core.leader;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease, as client-go's {@code leaderelection}:
 * every {@code retryPeriod} a candidate reads the Lease and, when it is free (no holder, or not
 * renewed within {@code leaseDurationSeconds} as this candidate observed it) or its own, writes
 * itself as {@code holderIdentity} with a compare-and-swap on {@code resourceVersion}; taking it over
 * counts a {@code leaseTransitions}. A leader that cannot renew within {@code renewDeadline} stops
 * leading. {@link #stop} releases the Lease (empty holder) so the next candidate takes over at once.
 *
 * <p>Unlike client-go, a leader whose last renewal succeeded renews from the Lease it wrote (no read
 * first: a conflict sends it back to the read-then-write path) and only every {@link
 * Config#renewPeriod()} (5 s with the defaults, so two failed renewals still fit in the 10 s deadline),
 * not every retry period: every write is a Kafka transaction, and an idle cluster's two elected
 * components made 2 reads and 2 writes a second — most of what an idle {@code up} wrote.
 *
 * <p>Threading: {@link #start} on a Vert.x context; every store call, timer and callback runs on
 * it. The callbacks run once per change of leadership.
 */
public final class LeaderElector {

  private static final Logger LOG = LoggerFactory.getLogger(LeaderElector.class);
  private static final ResourceType LEASES = ResourceRegistry.builtIn().byResourceName("leases.coordination.k8s.io")
      .orElseThrow();

  /** What the elected component does when it gains and loses the Lease. */
  public interface Callbacks {

    /** This candidate now holds the Lease: start acting. */
    void onStartedLeading();

    /** This candidate lost (or released) the Lease: stop acting at once. */
    void onStoppedLeading();
  }

  /**
   * Timing and identity, with client-go's defaults (15 s / 10 s / 2 s).
   *
   * @param namespace     the Lease's namespace ({@code kube-system})
   * @param name          the Lease's name ({@code kube-controller-manager})
   * @param identity      this candidate's holder identity (unique per process)
   * @param leaseDuration how long a Lease not renewed keeps others out
   * @param renewDeadline how long the leader keeps trying to renew before it gives up
   * @param retryPeriod   how often candidates try and the leader renews
   */
  public record Config(String namespace, String name, String identity, Duration leaseDuration,
                       Duration renewDeadline, Duration retryPeriod) {

    /** kube's defaults for a Lease in {@code kube-system}. */
    public static Config of(String name, String identity) {
      return new Config("kube-system", name, identity, Duration.ofSeconds(15), Duration.ofSeconds(10),
          Duration.ofSeconds(2));
    }

    /**
     * How often a leader whose last renewal succeeded renews: a third of the lease, at most half the
     * renew deadline, never below the retry period.
     */
    public Duration renewPeriod() {
      Duration third = leaseDuration.dividedBy(3);
      Duration half = renewDeadline.dividedBy(2);
      Duration p = third.compareTo(half) < 0 ? third : half;
      return p.compareTo(retryPeriod) > 0 ? p : retryPeriod;
    }

    /** The same with other timings. */
    public Config withTimings(Duration lease, Duration renew, Duration retry) {
      return new Config(namespace, name, identity, lease, renew, retry);
    }
  }

  private final Vertx vertx;
  private final StoreApi store;
  private final Config config;
  private final Callbacks callbacks;
  private final Clock clock;
  private boolean running;
  private boolean leader;
  private long timer = -1;
  private Instant lastRenew;
  private String observedRv;
  private Instant observedTime;
  private String lastError;
  /** The Lease as this leader last wrote it (renewals start from it); null when not leading. */
  private Lease written;

  /** A candidate; nothing happens until {@link #start}. */
  public LeaderElector(Vertx vertx, StoreApi store, Config config, Callbacks callbacks) {
    this(vertx, store, config, callbacks, Clock.systemUTC());
  }

  /** A candidate with its own clock (tests). */
  public LeaderElector(Vertx vertx, StoreApi store, Config config, Callbacks callbacks, Clock clock) {
    this.vertx = vertx;
    this.store = store;
    this.config = config;
    this.callbacks = callbacks;
    this.clock = clock;
  }

  /** Starts trying to acquire the Lease, on the caller's context. Idempotent. */
  public void start() {
    if (running) {
      return;
    }
    running = true;
    tick();
  }

  /** Whether this candidate holds the Lease now. */
  public boolean isLeader() {
    return leader;
  }

  /** The identity this candidate writes as holder. */
  public String identity() {
    return config.identity();
  }

  /**
   * Stops trying; a leader calls {@code onStoppedLeading} and releases the Lease (a failed release
   * only means the others wait out the lease duration). Idempotent.
   */
  public Future<Void> stop() {
    running = false;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
    if (!leader) {
      return Future.succeededFuture();
    }
    lose("stopping");
    return release();
  }

  private void tick() {
    if (!running) {
      return;
    }
    tryAcquireOrRenew().onComplete(ar -> {
      if (!running) {
        return;
      }
      Instant now = clock.instant();
      if (ar.failed()) {
        String why = ar.cause().toString();
        if (!why.equals(lastError)) {
          LOG.warn("{}: cannot acquire or renew lease {}/{}: {}", config.identity(), config.namespace(),
              config.name(), why);
        }
        lastError = why;
      } else {
        lastError = null;
      }
      boolean held = ar.succeeded() && ar.result();
      if (!held) {
        written = null;
      }
      if (held) {
        lastRenew = now;
        if (!leader) {
          leader = true;
          LOG.info("{} acquired lease {}/{}", config.identity(), config.namespace(), config.name());
          callbacks.onStartedLeading();
        }
      } else if (leader && (lastRenew == null || Duration.between(lastRenew, now).compareTo(config.renewDeadline()) > 0
          || ar.succeeded())) {
        lose(ar.succeeded() ? "another holder took the lease" : "failed to renew: " + ar.cause());
      }
      if (running) {
        // a leader renews on the wall clock's ticks of its period, with the other Leases of that period
        long next = held ? RenewalTicks.delayMillis(clock.instant(), config.renewPeriod())
            : Math.max(1, config.retryPeriod().toMillis());
        timer = vertx.setTimer(next, t -> tick());
      }
    });
  }

  private void lose(String why) {
    leader = false;
    LOG.info("{} stopped leading {}/{}: {}", config.identity(), config.namespace(), config.name(), why);
    callbacks.onStoppedLeading();
  }

  /** One attempt: true when this candidate holds the Lease afterwards. */
  private Future<Boolean> tryAcquireOrRenew() {
    if (leader && written != null) {
      return renew(written).compose(ok -> ok ? Future.succeededFuture(true) : readAndTake());
    }
    return readAndTake();
  }

  /** Renews from the Lease this leader wrote last; false when someone else wrote it since (409). */
  private Future<Boolean> renew(Lease mine) {
    Lease next = Typed.from(Typed.tree(mine), Lease.class);
    Instant now = clock.instant();
    next.getSpec().setRenewTime(micro(now));
    return write(next, now);
  }

  private Future<Boolean> readAndTake() {
    return store.get(LEASES, config.namespace(), config.name())
        .compose(this::takeIfFree, e -> e instanceof StatusException se && se.code() == 404
            ? createLease() : Future.failedFuture(e));
  }

  private Future<Boolean> createLease() {
    Instant now = clock.instant();
    Lease lease = new Lease();
    lease.setMetadata(new ObjectMetaBuilder().withName(config.name()).withNamespace(config.namespace()).build());
    LeaseSpec spec = new LeaseSpec();
    spec.setHolderIdentity(config.identity());
    spec.setLeaseDurationSeconds(leaseSeconds());
    spec.setAcquireTime(micro(now));
    spec.setRenewTime(micro(now));
    spec.setLeaseTransitions(0);
    lease.setSpec(spec);
    return store.create(LEASES, config.namespace(), Typed.tree(lease), WriteOptions.none())
        .map(created -> {
          written = Typed.from(created, Lease.class);
          return true;
        })
        .recover(e -> e instanceof StatusException se && se.code() == 409 ? Future.succeededFuture(false)
            : Future.failedFuture(e));
  }

  private Future<Boolean> takeIfFree(ObjectNode tree) {
    Lease lease = Typed.from(tree, Lease.class);
    LeaseSpec spec = lease.getSpec() == null ? new LeaseSpec() : lease.getSpec();
    Instant now = clock.instant();
    String rv = lease.getMetadata().getResourceVersion();
    if (!Objects.equals(rv, observedRv)) {
      observedRv = rv;
      observedTime = now;
    }
    String holder = spec.getHolderIdentity() == null ? "" : spec.getHolderIdentity();
    boolean mine = holder.equals(config.identity());
    int duration = spec.getLeaseDurationSeconds() == null ? leaseSeconds() : spec.getLeaseDurationSeconds();
    if (!holder.isEmpty() && !mine && observedTime.plusSeconds(duration).isAfter(now)) {
      return Future.succeededFuture(false);
    }
    if (!mine) {
      spec.setLeaseTransitions((spec.getLeaseTransitions() == null ? 0 : spec.getLeaseTransitions()) + 1);
      spec.setAcquireTime(micro(now));
    }
    spec.setHolderIdentity(config.identity());
    spec.setRenewTime(micro(now));
    spec.setLeaseDurationSeconds(leaseSeconds());
    lease.setSpec(spec);
    return write(lease, now);
  }

  /** The compare-and-swap write of a Lease this candidate holds; false on a conflict. */
  private Future<Boolean> write(Lease lease, Instant now) {
    return store.update(LEASES, Typed.tree(lease), WriteOptions.none())
        .map(updated -> {
          observedRv = updated.path("metadata").path("resourceVersion").asText();
          observedTime = now;
          written = Typed.from(updated, Lease.class);
          return true;
        })
        .recover(e -> e instanceof StatusException se && se.code() == 409 ? Future.succeededFuture(false)
            : Future.failedFuture(e));
  }

  private Future<Void> release() {
    return store.get(LEASES, config.namespace(), config.name()).compose(tree -> {
      Lease lease = Typed.from(tree, Lease.class);
      if (lease.getSpec() == null || !config.identity().equals(lease.getSpec().getHolderIdentity())) {
        return Future.<Void>succeededFuture();
      }
      Instant now = clock.instant();
      lease.getSpec().setHolderIdentity(null);
      lease.getSpec().setLeaseDurationSeconds(1);
      lease.getSpec().setRenewTime(micro(now));
      return store.update(LEASES, Typed.tree(lease), WriteOptions.none()).<Void>mapEmpty();
    }).recover(e -> {
      LOG.info("{} could not release lease {}/{}: {}", config.identity(), config.namespace(), config.name(),
          e.toString());
      return Future.succeededFuture();
    });
  }

  private int leaseSeconds() {
    return (int) Math.max(1, config.leaseDuration().toSeconds());
  }

  private static ZonedDateTime micro(Instant t) {
    return t.truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
  }
}
