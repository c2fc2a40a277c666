package io.dekube.kubelet.runtime.docker;

import io.dekube.kubelet.runtime.AdoptedContainer;
import io.dekube.kubelet.runtime.ContainerLog;
import io.dekube.kubelet.runtime.ContainerRuntime;
import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.EndedRun;
import io.dekube.kubelet.runtime.PodNet;
import io.dekube.kubelet.runtime.RunningContainer;
import io.dekube.kubelet.runtime.TerminationMessage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The {@code docker} runtime: containers run by a Docker engine (Docker, or Podman's compat API) through its Engine
 * API, as kube's dockershim ran them — a pause sandbox per pod holding its network on the cluster's engine network
 * ({@link Sandboxes}), app containers joining it ({@link DockerSpecs}), images pulled per the pull policy
 * ({@link DockerImages}), output copied into the kubelet's container logs ({@link DockerContainer}). Its start checks
 * that the engine answers and finds what a former kubelet of this node left behind, to adopt or remove. Confined to
 * the kubelet's context; never blocks it (files are written on worker threads).
 */
public final class DockerRuntime implements ContainerRuntime {

  /** kube 1.32's {@code --pod-infra-container-image} default. */
  public static final String PAUSE_IMAGE = "registry.k8s.io/pause:3.10";
  /** dockershim's {@code --docker-endpoint} default. */
  public static final String ENDPOINT = "unix:///var/run/docker.sock";

  private final Vertx vertx;
  private final DockerClient client;
  private final DockerImages images;
  private final Sandboxes sandboxes;
  private final String node;
  /** Whether the engine is Podman's compat API (from {@code /version}). */
  private boolean podman;

  /**
   * @param options  the engine, the sandbox image and the cluster CIDR of the pods' network
   * @param podCidr  the node's pod CIDR, read when a sandbox is made (node IPAM may set it after the start)
   */
  public DockerRuntime(Vertx vertx, DockerOptions options, String node, Supplier<String> podCidr) {
    this.vertx = vertx;
    this.client = new DockerClient(vertx, options.endpoint());
    this.images = new DockerImages(client);
    this.sandboxes = new Sandboxes(vertx, client, images, node, options.podInfraImage(), options.clusterCidr(),
        podCidr);
    this.node = node;
  }

  @Override
  public String name() {
    return "docker";
  }

  /** The engine does not answer: a start that cannot go on, for the reason its message says in full. */
  public static final class EngineUnreachable extends IllegalStateException {
    public EngineUnreachable(String message) {
      super(message);
    }
  }

  /**
   * Fails, with the engine's address and error, when the engine does not answer; then finds what a former kubelet of
   * this node left, as kube's kubelet finds the CRI's sandboxes and containers at its start: the running ones are
   * kept for {@link #retain} and {@link #adopt}, the stopped ones removed. <b>A decision</b>: this kubelet's own stop
   * (the node stopped: {@code dekube node stop}, the end of {@code up}) removes its containers, as a node powering off
   * ends them; what a kubelet that did not stop (killed, crashed) left is adopted.
   */
  @Override
  public Future<Void> open() {
    return client.get("/version")
        .onSuccess(v -> podman = String.valueOf(v.getValue("Components")).contains("Podman"))
        .recover(e -> Future.failedFuture(new EngineUnreachable("node " + node + ": the docker runtime cannot "
            + "reach the container engine at " + client.endpoint() + ": " + e.getMessage())))
        .compose(v -> sandboxes.findLeft())
        .compose(v -> sandboxes.removeOwnNetwork());
  }

  @Override
  public void onSandboxChanged(java.util.function.Consumer<String> podUid) {
    sandboxes.onSandboxChanged(podUid);
  }

  @Override
  public Future<Void> retain(Set<String> podUids) {
    return sandboxes.retain(podUids);
  }

  /**
   * Takes over the running container a former kubelet left for the spec's pod and container: its attempt from its
   * label (else its name), its start from the engine, its output from the time its log file was last written.
   */
  @Override
  public Future<AdoptedContainer> adopt(ContainerSpec spec) {
    JsonObject left = sandboxes.adoptable(spec.podUid(), spec.container().getName());
    if (left == null) {
      return Future.succeededFuture();
    }
    String id = left.getString("Id");
    return client.get("/containers/" + id + "/json").compose(c -> {
      JsonObject state = c.getJsonObject("State", new JsonObject());
      if (!Boolean.TRUE.equals(state.getBoolean("Running"))) { // it ended meanwhile: the kubelet starts it again
        return client.delete("/containers/" + id + "?force=1&v=1").map(v -> (AdoptedContainer) null);
      }
      int attempt = attemptOf(c);
      Path log = spec.logFile().resolveSibling(attempt + ".log");
      boolean tty = Boolean.TRUE.equals(c.getJsonObject("Config", new JsonObject()).getBoolean("Tty"));
      return imageIdOf(c)
          .compose(imageId -> vertx.executeBlocking(() -> since(log), false).map(since ->
              new AdoptedContainer(new DockerContainer(vertx, client, id, imageId, tty, memoryLimited(spec),
                  new ContainerLog(log)).keptWhenEnded(DockerSpecs.regularInit(spec)).follow(since),
                  instant(state.getString("StartedAt")),
                  attempt, log)));
    });
  }

  /**
   * The run of the spec's init container that ended under a former kubelet (the engine keeps it: {@link
   * DockerSpecs#INIT_LABEL}), read from its inspection: exit code, times, {@code OOMKilled}, attempt.
   */
  @Override
  public Future<EndedRun> endedRun(ContainerSpec spec) {
    JsonObject left = sandboxes.endedInit(spec.podUid(), spec.container().getName());
    if (left == null) {
      return Future.succeededFuture();
    }
    return client.get("/containers/" + left.getString("Id") + "/json").compose(c -> imageIdOf(c).map(imageId -> {
      JsonObject state = c.getJsonObject("State", new JsonObject());
      int attempt = attemptOf(c);
      return new EndedRun("docker://" + c.getString("Id"), imageId, state.getInteger("ExitCode", 0),
          Boolean.TRUE.equals(state.getBoolean("OOMKilled")) ? "OOMKilled" : null, instant(state.getString("StartedAt")),
          instant(state.getString("FinishedAt")), attempt, spec.logFile().resolveSibling(attempt + ".log"));
    }));
  }

  /** The id the status shows of an inspected container's image; the engine's image reference when it has gone. */
  private Future<String> imageIdOf(JsonObject inspected) {
    return client.get("/images/" + inspected.getString("Image") + "/json").map(DockerImages::imageId)
        .otherwise(inspected.getString("Image"));
  }

  private static java.time.Instant instant(String engineTime) {
    return OffsetDateTime.parse(engineTime).toInstant();
  }

  /** The attempt a container was made for: its restart-count label, else the last part of its name. */
  static int attemptOf(JsonObject inspected) {
    JsonObject labels = inspected.getJsonObject("Config", new JsonObject()).getJsonObject("Labels", new JsonObject());
    String count = labels.getString(DockerSpecs.RESTART_COUNT_LABEL);
    String name = inspected.getString("Name", "");
    String text = count != null ? count : name.substring(name.lastIndexOf('_') + 1);
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The engine's {@code since} of an adopted container's log: when its file was last written (null: none yet). */
  private static String since(Path log) throws java.io.IOException {
    if (!Files.exists(log)) {
      return null;
    }
    java.time.Instant t = Files.getLastModifiedTime(log).toInstant();
    return t.getEpochSecond() + "." + String.format("%09d", t.getNano());
  }

  @Override
  public Future<Boolean> hasImage(String image) {
    return images.present(image);
  }

  @Override
  public Future<Void> pull(String image) {
    return images.pull(image);
  }

  /** The engine's size of the image (the {@code Pulled} Event's). */
  @Override
  public Future<Long> imageSize(String image) {
    return images.size(image);
  }

  /** The engine's images, for the node's {@code status.images} (kube's {@code ListImages}). */
  public Future<java.util.List<io.dekube.kubelet.runtime.RuntimeImage>> images() {
    return images.list();
  }

  @Override
  public Future<RunningContainer> start(ContainerSpec spec) {
    return images.inspect(spec.image()).compose(image -> {
      if (image == null) {
        return Future.failedFuture("Never".equals(spec.container().getImagePullPolicy())
            ? new ContainerStartException("ErrImageNeverPull", "Container image \"" + spec.image()
            + "\" is not present with pull policy of Never")
            : new ContainerStartException("CreateContainerError", "Error response from daemon: No such image: "
            + spec.image()));
      }
      return sandboxes.of(spec).compose(sandbox -> run(spec, sandbox, DockerImages.imageId(image)));
    });
  }

  private Future<RunningContainer> run(ContainerSpec spec, String sandbox, String imageId) {
    String name = DockerSpecs.name(spec.container().getName(), spec, DockerSpecs.attempt(spec));
    boolean init = DockerSpecs.regularInit(spec);
    // an init container's ended run is kept (for a restarted kubelet) until its next run or the pod's end
    Future<Void> before = init ? sandboxes.removeEnded(spec.podUid(), spec.container().getName()).otherwise((Void) null)
        : Future.succeededFuture();
    return before.compose(x -> vertx.executeBlocking(() -> podFiles(spec), false))
        .compose(files -> client.delete("/containers/" + name + "?force=1")
            .compose(v -> client.post("/containers/create?name=" + name, DockerSpecs.container(spec, sandbox, node,
                files, podman))))
        .recover(e -> Future.failedFuture(e instanceof ContainerStartException ? e
            : new ContainerStartException("CreateContainerError", "Error response from daemon: " + e.getMessage())))
        .compose(made -> {
          String id = made.getString("Id");
          return client.post("/containers/" + id + "/start", null)
              .recover(e -> {
                client.delete("/containers/" + id + "?force=1");
                return Future.failedFuture(new ContainerStartException("RunContainerError",
                    "failed to start container \"" + id + "\": Error response from daemon: " + e.getMessage()));
              })
              .map(v -> (RunningContainer) new DockerContainer(vertx, client, id, imageId,
                  Boolean.TRUE.equals(spec.container().getTty()), memoryLimited(spec),
                  new ContainerLog(spec.logFile())).keptWhenEnded(init).follow(null));
        });
  }

  private static boolean memoryLimited(ContainerSpec spec) {
    var limits = spec.container().getResources() == null ? null : spec.container().getResources().getLimits();
    return limits != null && limits.get("memory") != null;
  }

  /** The pod's hosts and resolv.conf and the run's termination log, written in the pod's folder. */
  private static DockerSpecs.PodFiles podFiles(ContainerSpec spec) throws java.io.IOException {
    Path podDir = spec.logFile().getParent().getParent();
    Files.createDirectories(podDir);
    Path hosts = podDir.resolve("etc-hosts");
    Files.writeString(hosts, PodNet.hosts(spec));
    Path resolv = podDir.resolve("resolv.conf");
    Files.writeString(resolv, PodNet.resolvConf(spec));
    Path termination = null;
    String path = spec.container().getTerminationMessagePath();
    if (path != null && !path.isEmpty()) {
      TerminationMessage.prepare(spec);
      termination = TerminationMessage.file(spec.rootDir(), spec.container());
    }
    boolean hostNetwork = DockerSpecs.hostNetwork(spec);
    return new DockerSpecs.PodFiles(hostNetwork ? null : hosts, hostNetwork && spec.env().get("DEKUBE_DNS_SERVER")
        == null ? null : resolv, termination);
  }

  @Override
  public void podRemoved(String podUid) {
    sandboxes.remove(podUid);
  }

  @Override
  public Future<Void> close() {
    return sandboxes.removeAll().transform(x -> client.close());
  }
}
