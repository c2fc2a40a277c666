package io.dekube.kubelet.runtime.docker;

import io.dekube.core.net.Ipv4;
import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pods' sandboxes, as dockershim's: one pause container per pod holding its network and IPC namespaces, made at
 * the pod's first container start (again, under the next attempt's name, after the kubelet was told it died); removed with every container of the pod when the pod is gone. Also the node's
 * garbage collection: what carries its label and no pod of its kubelet knows is removed. Confined to the kubelet's
 * context.
 *
 * <p><b>A decision</b>, for kube's network model (every pod reaches every pod by its IP, without NAT): the pods of
 * all nodes share one engine bridge network whose subnet is the whole cluster CIDR ({@code dekube-10.244.0.0-16}),
 * each sandbox holding the IP its kubelet allocated in its node's /24 ({@code IPAMConfig.IPv4Address}, which
 * Docker's and Podman's IPAM take anywhere inside a network's subnet). The bridge's address is the CIDR's first
 * (10.244.0.1, which no node's allocator gives: it is the gateway of the /24 numbered 0), so the host reaches every
 * pod. One bridge, not a network per node with routes between them: the engine isolates its networks from each other
 * (Docker's DOCKER-ISOLATION chains), and a bridge per node is what a CNI such as kubenet would route between hosts.
 * So pods reach pods of other nodes that share the engine; nodes on engines of different hosts would need routes
 * between the hosts, which nothing here sets up. A node whose pod CIDR lies outside the cluster CIDR (or that has
 * none) keeps a network of its own, {@code dekube-<node>}, on its pod CIDR.
 */
final class Sandboxes {

  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

  private final Vertx vertx;
  private final DockerClient client;
  private final DockerImages images;
  private final String node;
  private final String pauseImage;
  private final String clusterCidr;
  private final Supplier<String> podCidr;
  private final Map<String, Future<String>> byPod = new HashMap<>();
  /** The attempt of each pod's current sandbox ({@code k8s_POD_…_<attempt>}): it goes up when one dies. */
  private final Map<String, Integer> attempts = new HashMap<>();
  /** Told the uid of a pod whose sandbox died. */
  private java.util.function.Consumer<String> sandboxChanged = uid -> {
  };
  /** Running app containers a former kubelet left, by pod uid and container name, until adopted or removed. */
  private final Map<String, JsonObject> left = new HashMap<>();
  /** Init containers of those pods that ended under a former kubelet, by pod uid and container name, until taken. */
  private final Map<String, JsonObject> ended = new HashMap<>();
  private Future<String> network;
  private Network networkWanted;

  Sandboxes(Vertx vertx, DockerClient client, DockerImages images, String node, String pauseImage,
            String clusterCidr, Supplier<String> podCidr) {
    this.vertx = vertx;
    this.client = client;
    this.images = images;
    this.node = node;
    this.pauseImage = pauseImage;
    this.clusterCidr = clusterCidr;
    this.podCidr = podCidr;
  }

  /** An engine network: its name and subnet. */
  record Network(String name, String subnet) {
  }

  /** The engine network of this node's pods: the cluster's when the node's pod CIDR lies in it, else its own. */
  static Network networkOf(String node, String clusterCidr, String podCidr) {
    if (clusterCidr != null && within(podCidr, clusterCidr)) {
      String cluster = Ipv4.Cidr.parse(clusterCidr).toString();
      return new Network("dekube-" + cluster.replace('/', '-'), cluster);
    }
    return new Network(ownNetwork(node), podCidr);
  }

  /** The network of a node whose pods are not on the cluster's. */
  static String ownNetwork(String node) {
    return "dekube-" + node;
  }

  private static boolean within(String inner, String outer) {
    try {
      Ipv4.Cidr in = Ipv4.Cidr.parse(inner);
      Ipv4.Cidr out = Ipv4.Cidr.parse(outer);
      return in.prefix() >= out.prefix() && out.contains(Ipv4.format(in.base()));
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** The sandbox of the pod of {@code spec}: made (once) when it has none yet. */
  Future<String> of(ContainerSpec spec) {
    Future<String> f = byPod.get(spec.podUid());
    if (f == null || f.failed()) {
      f = network().compose(net -> create(spec, net));
      byPod.put(spec.podUid(), f);
    }
    return f;
  }

  private Future<String> create(ContainerSpec spec, String net) {
    String uid = spec.podUid();
    String name = DockerSpecs.name("POD", spec, attempts.getOrDefault(uid, 0));
    return images.present(pauseImage)
        .compose(there -> there ? Future.succeededFuture() : images.pull(pauseImage))
        .compose(v -> removeStoppedSandboxes(uid))
        .compose(v -> client.delete("/containers/" + name + "?force=1").otherwise((Void) null))
        .compose(v -> client.post("/containers/create?name=" + name,
            DockerSpecs.sandbox(spec, pauseImage, net, node)))
        .compose(made -> client.post("/containers/" + made.getString("Id") + "/start", null)
            .map(v -> made.getString("Id")))
        .recover(e -> Future.failedFuture(e instanceof ContainerStartException ? e : new ContainerStartException(
            "CreateContainerError", "failed to create pod sandbox: " + e.getMessage())))
        .onSuccess(id -> {
          LOG.info("node {}: sandbox {} of pod {}/{} on {} with IP {}", node, id.substring(0, 12), spec.namespace(),
              spec.podName(), net, spec.podIp());
          watch(uid, id);
        });
  }

  /**
   * Waits for the end of the pod's sandbox {@code id}: if it is still the pod's, it died (killed, its pause process
   * ended), and the kubelet is told, as kube's kubelet finds a sandbox that is not ready; the next one gets the next
   * attempt's name.
   */
  private void watch(String uid, String id) {
    client.post("/containers/" + id + "/wait", null).onComplete(ar -> {
      Future<String> now = byPod.get(uid);
      if (now == null || !now.succeeded() || !id.equals(now.result())) {
        return; // removed by the kubelet, or already replaced
      }
      if (ar.failed() && !(ar.cause() instanceof DockerClient.EngineException x && x.status() == 404)) {
        vertx.setTimer(1000, t -> watch(uid, id)); // the engine went away for a while: ask again
        return;
      }
      LOG.info("node {}: the sandbox {} of pod {} ended", node, id.substring(0, 12), uid);
      byPod.remove(uid);
      attempts.merge(uid, 1, Integer::sum);
      sandboxChanged.accept(uid);
    });
  }

  /** Removes the pod's sandboxes that ended (one whose containers are still there stays, till the pod goes). */
  private Future<Void> removeStoppedSandboxes(String uid) {
    return labelled(DockerSpecs.UID_LABEL + "=" + uid).compose(all -> Future.join(all.stream()
        .filter(c -> isSandbox(c) && !running(c))
        .map(c -> client.delete("/containers/" + c.getString("Id") + "?force=1&v=1")).toList()))
        .<Void>mapEmpty().otherwise((Void) null);
  }

  /**
   * The pods' network, made when the engine has none of that name (again when its subnet is not the one wanted: the
   * cluster CIDR changed). Another node of the engine may make it at the same time: a refused create is fine when the
   * network is then there with the subnet wanted.
   */
  private Future<String> network() {
    Network want = networkOf(node, clusterCidr, podCidr.get());
    if (network != null && want.equals(networkWanted) && !network.failed()) {
      return network;
    }
    networkWanted = want;
    String name = want.name();
    JsonObject create = new JsonObject().put("Name", name).put("Driver", "bridge").put("CheckDuplicate", true)
        .put("IPAM", new JsonObject().put("Config", new JsonArray().add(new JsonObject().put("Subnet", want.subnet())
            .put("Gateway", gateway(want.subnet())))));
    if (name.equals(ownNetwork(node))) {
      create.put("Labels", new JsonObject().put(DockerSpecs.NODE_LABEL, node));
    }
    network = subnetOf(name).compose(subnet -> {
      if (subnet.equals(want.subnet())) {
        return Future.succeededFuture(name);
      }
      Future<Void> gone = subnet.isEmpty() ? Future.succeededFuture() : client.delete("/networks/" + name);
      return gone.compose(v -> client.post("/networks/create", create)).map(made -> name)
          .recover(e -> subnetOf(name).compose(now -> now.equals(want.subnet()) ? Future.succeededFuture(name)
              : Future.failedFuture(e)));
    });
    return network;
  }

  /** The subnet of the engine's network {@code name}, "" when there is none. */
  private Future<String> subnetOf(String name) {
    return client.get("/networks/" + name).map(Sandboxes::subnet)
        .recover(e -> e instanceof DockerClient.EngineException x && x.status() == 404 ? Future.succeededFuture("")
            : Future.failedFuture(e));
  }

  private static String subnet(JsonObject net) {
    JsonArray config = net.getJsonObject("IPAM", new JsonObject()).getJsonArray("Config", new JsonArray());
    return config.isEmpty() ? "" : config.getJsonObject(0).getString("Subnet", "");
  }

  /** The first address of a CIDR: the bridge's, which the kubelet never gives a pod. */
  static String gateway(String cidr) {
    return Ipv4.Cidr.parse(cidr).address(1);
  }

  /**
   * Removes the network of the node's own a former kubelet made (before the cluster's network was, its subnet would
   * overlap it, which the engine refuses); a node whose pods need it makes it again.
   */
  Future<Void> removeOwnNetwork() {
    return client.delete("/networks/" + ownNetwork(node)).otherwise((Void) null);
  }

  /**
   * Finds what a former kubelet of this node left: a running sandbox is its pod's again, the running containers in it
   * wait to be adopted ({@link #adoptable}), its init containers that ended to be read ({@link #endedInit}); what
   * else stopped, and every container of a pod whose sandbox stopped, goes.
   */
  Future<Void> findLeft() {
    return labelled(DockerSpecs.NODE_LABEL + "=" + node).compose(all -> {
      java.util.Set<String> live = new java.util.HashSet<>();
      all.stream().filter(c -> isSandbox(c) && running(c)).forEach(c -> {
        live.add(uid(c));
        byPod.put(uid(c), Future.succeededFuture(c.getString("Id")));
        attempts.put(uid(c), DockerRuntime.attemptOf(new JsonObject().put("Name", names(c))));
        watch(uid(c), c.getString("Id"));
      });
      List<JsonObject> gone = new java.util.ArrayList<>();
      for (JsonObject c : all) {
        if (!isSandbox(c) && live.contains(uid(c)) && (running(c) || isInit(c))) {
          (running(c) ? left : ended).put(uid(c) + "/" + c.getJsonObject("Labels")
              .getString(DockerSpecs.CONTAINER_LABEL), c);
        } else if (!isSandbox(c) || !live.contains(uid(c))) {
          gone.add(c);
        }
      }
      if (!live.isEmpty() || !gone.isEmpty()) {
        LOG.info("node {}: a former kubelet left {} running pods ({} containers, {} ended init containers); {} "
            + "stopped containers removed", node, live.size(), left.size(), ended.size(), gone.size());
      }
      return removeContainers(gone);
    });
  }

  /** Keeps what a former kubelet left for the pods {@code uids}; every container of another pod goes. */
  Future<Void> retain(java.util.Set<String> uids) {
    java.util.Set<String> others = new java.util.HashSet<>(byPod.keySet());
    left.keySet().forEach(k -> others.add(k.substring(0, k.indexOf('/'))));
    ended.keySet().forEach(k -> others.add(k.substring(0, k.indexOf('/'))));
    others.removeAll(uids);
    return Future.join(others.stream().map(this::remove).toList()).mapEmpty();
  }

  /** The running container a former kubelet left for the pod {@code uid}'s {@code container} (once), or null. */
  JsonObject adoptable(String uid, String container) {
    return left.remove(uid + "/" + container);
  }

  /** The init container a former kubelet's pod {@code uid} ran and that ended, {@code container} (once), or null. */
  JsonObject endedInit(String uid, String container) {
    return ended.remove(uid + "/" + container);
  }

  /** Removes the runs of the pod {@code uid}'s {@code container} that ended (kept: an init container's). */
  Future<Void> removeEnded(String uid, String container) {
    return labelled(DockerSpecs.UID_LABEL + "=" + uid, DockerSpecs.CONTAINER_LABEL + "=" + container)
        .map(all -> all.stream().filter(c -> !running(c)).toList()).compose(this::removeContainers);
  }

  /** Removes every container of the pod {@code uid}: its app containers, then its sandbox. */
  Future<Void> remove(String uid) {
    byPod.remove(uid);
    attempts.remove(uid);
    left.keySet().removeIf(k -> k.startsWith(uid + "/"));
    ended.keySet().removeIf(k -> k.startsWith(uid + "/"));
    return removeLabelled(DockerSpecs.UID_LABEL + "=" + uid);
  }

  /** Removes every container of this node (the node powers off). */
  Future<Void> removeAll() {
    byPod.clear();
    left.clear();
    ended.clear();
    return removeLabelled(DockerSpecs.NODE_LABEL + "=" + node);
  }

  private Future<Void> removeLabelled(String label) {
    return labelled(label).compose(this::removeContainers);
  }

  /** The containers, running or not, that carry every one of {@code labels} ({@code key=value}). */
  private Future<List<JsonObject>> labelled(String... labels) {
    String filters = URLEncoder.encode(new JsonObject().put("label", new JsonArray(List.of(labels))).encode(),
        StandardCharsets.UTF_8);
    return client.list("/containers/json?all=1&filters=" + filters)
        .map(found -> found.stream().map(JsonObject.class::cast).toList());
  }

  private Future<Void> removeContainers(List<JsonObject> all) {
    // app containers first: a sandbox cannot go while others share its namespaces
    List<Future<Void>> apps = all.stream().filter(c -> !isSandbox(c))
        .map(c -> client.delete("/containers/" + c.getString("Id") + "?force=1&v=1")).toList();
    return Future.join(apps).transform(x -> Future.join(all.stream().filter(Sandboxes::isSandbox)
        .map(c -> client.delete("/containers/" + c.getString("Id") + "?force=1&v=1")).toList())).mapEmpty();
  }

  /** The first name of a listed container ({@code /k8s_POD_…_0}). */
  private static String names(JsonObject c) {
    JsonArray names = c.getJsonArray("Names", new JsonArray());
    return names.isEmpty() ? "" : names.getString(0);
  }

  /** Where the uid of a pod whose sandbox died goes (the kubelet's pod manager). */
  void onSandboxChanged(java.util.function.Consumer<String> handler) {
    this.sandboxChanged = handler;
  }

  private static String uid(JsonObject c) {
    return c.getJsonObject("Labels", new JsonObject()).getString(DockerSpecs.UID_LABEL, "");
  }

  private static boolean running(JsonObject c) {
    return "running".equals(c.getString("State"));
  }

  private static boolean isInit(JsonObject c) {
    return "true".equals(c.getJsonObject("Labels", new JsonObject()).getString(DockerSpecs.INIT_LABEL));
  }

  private static boolean isSandbox(JsonObject c) {
    return "podsandbox".equals(c.getJsonObject("Labels", new JsonObject()).getString(DockerSpecs.TYPE_LABEL));
  }
}
