package io.dekube.controllermanager.nodeipam;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Times;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.net.Ipv4;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's node IPAM (range allocator): each Node gets a /24 of {@code --cluster-cidr} in
 * {@code spec.podCIDR} and {@code spec.podCIDRs}, once. Which one: the subnet numbered as the
 * node's InternalIP ends (kube-node-02 on 127.0.1.2 gets 127.244.2.0/24 — the subnet its kubelet
 * uses until the podCIDR is set), else as its name ends, else the first free one. The subnets in use
 * are those of the Nodes in the cache plus the allocations not cached yet, so they survive restarts
 * and a deleted Node's subnet is free again. Keys are nodes; one worker, so two nodes never get the
 * same subnet. Syncs run on the loop's context.
 */
public final class NodeIpamController implements Reconciler {

  /** The component name in events. */
  public static final String COMPONENT = "node-ipam-controller";

  private static final Logger LOG = LoggerFactory.getLogger(NodeIpamController.class);
  private static final Pattern TRAILING_NUMBER = Pattern.compile("(\\d+)$");
  /** How long a new Node without an InternalIP is given to post one before it gets a subnet anyway. */
  private static final Duration ADDRESS_WAIT = Duration.ofSeconds(10);
  private static final int WAIT = -2;

  private final ControllerContext ctx;
  private final CidrSet cidrs;
  private final ResourceType nodeType;
  private final Lister<Node> nodes;
  private final Map<String, String> pending = new ConcurrentHashMap<>();
  private ControllerLoop loop;

  public NodeIpamController(ControllerContext ctx, String clusterCidr) {
    this.ctx = ctx;
    this.cidrs = new CidrSet(clusterCidr);
    this.nodeType = ctx.type("nodes");
    this.nodes = ctx.lister("nodes", Node.class);
  }

  /** The loop over Nodes, with one worker. */
  public ControllerLoop loop(Duration resync) {
    loop = new ControllerLoop(ctx.vertx(), "nodeipam", this, nodes.cache(), resync, 1);
    return loop;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Node node = nodes.get("", key.name());
    if (node == null) {
      pending.remove(key.name());
      return Future.succeededFuture();
    }
    String current = node.getSpec() == null ? null : node.getSpec().getPodCIDR();
    if (current != null && !current.isEmpty()) {
      pending.remove(key.name());
      return Future.succeededFuture();
    }
    int preferred = preferredIndex(node);
    if (preferred == WAIT) {
      if (loop != null) {
        loop.enqueueAfter(key, ADDRESS_WAIT);
      }
      return Future.succeededFuture();
    }
    String cidr = pending.containsKey(key.name()) ? pending.get(key.name()) : cidrs.allocate(used(), preferred);
    if (cidr == null) {
      ctx.events().record(COMPONENT, node, EventRecorder.NORMAL, "CIDRNotAvailable",
          "Node " + key.name() + " status is now: CIDRNotAvailable");
      return Future.failedFuture("no free /24 left in the cluster CIDR for node " + key.name());
    }
    pending.put(key.name(), cidr);
    Node copy = Lister.copy(node);
    if (copy.getSpec() == null) {
      copy.setSpec(new NodeSpec());
    }
    copy.getSpec().setPodCIDR(cidr);
    copy.getSpec().setPodCIDRs(List.of(cidr));
    return ctx.store().update(nodeType, Typed.tree(copy), WriteOptions.none())
        .onSuccess(x -> LOG.info("node {}: podCIDR {}", key.name(), cidr))
        .onFailure(e -> {
          if (!(e instanceof StatusException se && se.code() == 409)) {
            pending.remove(key.name()); // a conflict keeps it: the node changed, the next try writes the same subnet
          }
        })
        .mapEmpty();
  }

  /** The subnet number the node asks for by its InternalIP or name; -1 for any; WAIT while it may still post an IP. */
  private int preferredIndex(Node node) {
    if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
      for (NodeAddress a : node.getStatus().getAddresses()) {
        if ("InternalIP".equals(a.getType()) && Ipv4.isIpv4(a.getAddress())) {
          return Ipv4.toInt(a.getAddress()) & 0xff;
        }
      }
    }
    Matcher m = TRAILING_NUMBER.matcher(node.getMetadata().getName());
    if (m.find() && m.group(1).length() < 6) {
      return Integer.parseInt(m.group(1));
    }
    Instant created = Times.parse(node.getMetadata().getCreationTimestamp());
    return created != null && created.plus(ADDRESS_WAIT).isAfter(ctx.clock().instant()) ? WAIT : -1;
  }

  /** The subnets of the cached Nodes and of the allocations not cached yet. */
  private Set<String> used() {
    Set<String> used = new HashSet<>(pending.values());
    for (Node n : nodes.list("")) {
      if (n.getSpec() != null && n.getSpec().getPodCIDR() != null) {
        used.add(n.getSpec().getPodCIDR());
      }
    }
    return used;
  }
}
