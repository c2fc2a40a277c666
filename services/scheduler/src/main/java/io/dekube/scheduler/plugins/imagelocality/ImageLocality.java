package io.dekube.scheduler.plugins.imagelocality;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PreScorePlugin;
import io.dekube.scheduler.api.ScoreExtensions;
import io.dekube.scheduler.api.ScorePlugin;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * ImageLocality, as kube-scheduler's: a node that already has the pod's images ({@code status.images}, as its kubelet
 * reports them) scores higher, by their sizes, each scaled by the share of nodes that have it (so one node does not
 * take every pod of an image), clamped between 23 MB and 1000 MB per container. An image is matched by the name the
 * pod gives it, with {@code :latest} added when it has no tag — as kube, {@code nginx} does not match a node's
 * {@code docker.io/library/nginx:latest}. Score only; PreScore gathers the images' sizes and spread over the nodes.
 */
public final class ImageLocality implements PreScorePlugin, ScorePlugin {

  public static final String NAME = "ImageLocality";
  private static final String KEY = "PreScore" + NAME;
  private static final long MB = 1024 * 1024;
  static final long MIN_THRESHOLD = 23 * MB;
  static final long MAX_CONTAINER_THRESHOLD = 1000 * MB;

  private final Handle handle;

  public ImageLocality(Handle handle) {
    this.handle = handle;
  }

  @Override
  public String name() {
    return NAME;
  }

  /** kube's ImageStateSummary of one image name: its size and how many nodes have it. */
  record ImageState(long size, int nodes) {
  }

  /** The pod's image names (normalized) with their states, and the node count. */
  record Images(List<String> names, Map<String, ImageState> states, int totalNodes) {
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<NodeInfo> feasibleNodes) {
    List<NodeInfo> all = handle == null || handle.nodes().isEmpty() ? feasibleNodes : handle.nodes();
    List<String> names = new ArrayList<>();
    containers(pod).forEach(c -> names.add(normalized(c.getImage())));
    Set<String> wanted = new HashSet<>(names);
    Map<String, ImageState> states = new HashMap<>();
    for (NodeInfo n : all) {
      for (ContainerImage image : images(n)) {
        long size = image.getSizeBytes() == null ? 0 : image.getSizeBytes();
        for (String name : image.getNames() == null ? List.<String>of() : image.getNames()) {
          if (wanted.contains(name)) {
            states.merge(name, new ImageState(size, 1), (a, b) -> new ImageState(a.size(), a.nodes() + 1));
          }
        }
      }
    }
    state.write(KEY, new Images(names, states, all.size()));
    return Status.success();
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo node) {
    Images s = state.read(KEY);
    if (s == null || s.totalNodes() == 0) {
      return 0;
    }
    Set<String> here = new HashSet<>();
    images(node).forEach(i -> here.addAll(i.getNames() == null ? List.of() : i.getNames()));
    long sum = 0;
    for (String name : s.names()) {
      ImageState st = s.states().get(name);
      if (st != null && here.contains(name)) {
        sum += (long) (st.size() * ((double) st.nodes() / s.totalNodes()));
      }
    }
    return priority(sum, s.names().size());
  }

  /** kube's calculatePriority: the sum clamped to [23 MB, 1000 MB × containers], scaled to 0..100. */
  static long priority(long sum, int containers) {
    long max = MAX_CONTAINER_THRESHOLD * containers;
    long clamped = Math.max(MIN_THRESHOLD, Math.min(sum, max));
    return max <= MIN_THRESHOLD ? 0 : MAX_NODE_SCORE * (clamped - MIN_THRESHOLD) / (max - MIN_THRESHOLD);
  }

  /** kube's normalizedImageName: {@code :latest} added when the last ':' is not after the last '/'. */
  static String normalized(String image) {
    String name = image == null ? "" : image;
    return name.lastIndexOf(':') <= name.lastIndexOf('/') ? name + ":latest" : name;
  }

  private static List<Container> containers(Pod pod) {
    List<Container> out = new ArrayList<>();
    if (pod.getSpec().getInitContainers() != null) {
      out.addAll(pod.getSpec().getInitContainers());
    }
    out.addAll(pod.getSpec().getContainers());
    return out;
  }

  private static List<ContainerImage> images(NodeInfo n) {
    return n.node().getStatus() == null || n.node().getStatus().getImages() == null ? List.of()
        : n.node().getStatus().getImages();
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return null;
  }
}
