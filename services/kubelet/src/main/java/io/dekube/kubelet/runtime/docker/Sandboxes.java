package io.dekube.kubelet.runtime.docker;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.vertx.core.Future;
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
 * The pods' sandboxes, as dockershim's: one pause container per pod holding its network (on the node's engine network,
 * a bridge whose subnet is the node's pod CIDR, with the IP the kubelet allocated) and IPC namespaces, made at the
 * pod's first container start; removed with every container of the pod when the pod is gone. Also the node's garbage
 * collection: what carries its label and no pod of its kubelet knows is removed. Confined to the kubelet's context.
 */
final class Sandboxes {

  private static final Logger LOG = LoggerFactory.getLogger(Sandboxes.class);

  private final DockerClient client;
  private final DockerImages images;
  private final String node;
  private final String pauseImage;
  private final Supplier<String> podCidr;
  private final Map<String, Future<String>> byPod = new HashMap<>();
  private Future<String> network;
  private String networkCidr;

  Sandboxes(DockerClient client, DockerImages images, String node, String pauseImage, Supplier<String> podCidr) {
    this.client = client;
    this.images = images;
    this.node = node;
    this.pauseImage = pauseImage;
    this.podCidr = podCidr;
  }

  /** The engine network of this node's pods. */
  String networkName() {
    return "dekube-" + node;
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
    String name = DockerSpecs.name("POD", spec, 0);
    return images.present(pauseImage)
        .compose(there -> there ? Future.succeededFuture() : images.pull(pauseImage))
        .compose(v -> client.delete("/containers/" + name + "?force=1"))
        .compose(v -> client.post("/containers/create?name=" + name,
            DockerSpecs.sandbox(spec, pauseImage, net, node)))
        .compose(made -> client.post("/containers/" + made.getString("Id") + "/start", null)
            .map(v -> made.getString("Id")))
        .recover(e -> Future.failedFuture(e instanceof ContainerStartException ? e : new ContainerStartException(
            "CreateContainerError", "failed to create pod sandbox: " + e.getMessage())))
        .onSuccess(id -> LOG.info("node {}: sandbox {} of pod {}/{} on {} with IP {}", node, id.substring(0, 12),
            spec.namespace(), spec.podName(), net, spec.podIp()));
  }

  /** The node's network, made with its pod CIDR (again when the CIDR changed). */
  private Future<String> network() {
    String cidr = podCidr.get();
    if (network != null && cidr.equals(networkCidr) && !network.failed()) {
      return network;
    }
    networkCidr = cidr;
    String name = networkName();
    network = client.get("/networks/" + name).map(this::subnet)
        .recover(e -> e instanceof DockerClient.EngineException x && x.status() == 404 ? Future.succeededFuture("")
            : Future.failedFuture(e))
        .compose(subnet -> {
          if (subnet.equals(cidr)) {
            return Future.succeededFuture(name);
          }
          Future<Void> gone = subnet.isEmpty() ? Future.succeededFuture() : client.delete("/networks/" + name);
          return gone.compose(v -> client.post("/networks/create", new JsonObject().put("Name", name)
              .put("Driver", "bridge").put("Labels", new JsonObject().put(DockerSpecs.NODE_LABEL, node))
              .put("IPAM", new JsonObject().put("Config", new JsonArray().add(new JsonObject().put("Subnet", cidr)
                  .put("Gateway", gateway(cidr))))))).map(made -> name);
        });
    return network;
  }

  private String subnet(JsonObject net) {
    JsonArray config = net.getJsonObject("IPAM", new JsonObject()).getJsonArray("Config", new JsonArray());
    return config.isEmpty() ? "" : config.getJsonObject(0).getString("Subnet", "");
  }

  /** The first address of a CIDR: the bridge's, which the kubelet never gives a pod. */
  static String gateway(String cidr) {
    String[] ipAndBits = cidr.split("/");
    String[] o = ipAndBits[0].split("\\.");
    long ip = (Long.parseLong(o[0]) << 24) | (Long.parseLong(o[1]) << 16) | (Long.parseLong(o[2]) << 8)
        | Long.parseLong(o[3]);
    int bits = Integer.parseInt(ipAndBits[1]);
    long mask = bits == 0 ? 0 : (0xffffffffL << (32 - bits)) & 0xffffffffL;
    long gw = (ip & mask) + 1;
    return (gw >> 24 & 255) + "." + (gw >> 16 & 255) + "." + (gw >> 8 & 255) + "." + (gw & 255);
  }

  /** Removes every container of the pod {@code uid}: its app containers, then its sandbox. */
  Future<Void> remove(String uid) {
    byPod.remove(uid);
    return removeLabelled(DockerSpecs.UID_LABEL + "=" + uid);
  }

  /** Removes every container of this node (the kubelet starts afresh, or the node powers off). */
  Future<Void> removeAll() {
    byPod.clear();
    return removeLabelled(DockerSpecs.NODE_LABEL + "=" + node);
  }

  private Future<Void> removeLabelled(String label) {
    String filters = URLEncoder.encode(new JsonObject().put("label", new JsonArray().add(label)).encode(),
        StandardCharsets.UTF_8);
    return client.list("/containers/json?all=1&filters=" + filters).compose(found -> {
      List<JsonObject> all = found.stream().map(JsonObject.class::cast).toList();
      // app containers first: a sandbox cannot go while others share its namespaces
      List<Future<Void>> apps = all.stream().filter(c -> !isSandbox(c))
          .map(c -> client.delete("/containers/" + c.getString("Id") + "?force=1&v=1")).toList();
      return Future.join(apps).transform(x -> Future.join(all.stream().filter(Sandboxes::isSandbox)
          .map(c -> client.delete("/containers/" + c.getString("Id") + "?force=1&v=1")).toList())).mapEmpty();
    });
  }

  private static boolean isSandbox(JsonObject c) {
    return "podsandbox".equals(c.getJsonObject("Labels", new JsonObject()).getString(DockerSpecs.TYPE_LABEL));
  }
}
