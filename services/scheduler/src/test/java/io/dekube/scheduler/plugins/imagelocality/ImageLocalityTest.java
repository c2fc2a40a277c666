package io.dekube.scheduler.plugins.imagelocality;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.testing.NoHandle;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** ImageLocality with kube's figures (image_locality_test.go's sizes: 40, 300, 250 MB). */
class ImageLocalityTest {

  private static final long MB = 1024 * 1024;

  static NodeInfo withImages(String name, Object... nameAndSize) {
    NodeInfo n = node(name).info();
    List<ContainerImage> images = new ArrayList<>();
    for (int i = 0; i < nameAndSize.length; i += 2) {
      images.add(new ContainerImage(List.of((String) nameAndSize[i]), (Long) nameAndSize[i + 1]));
    }
    n.node().getStatus().setImages(images);
    return n;
  }

  static Map<String, Long> score(Pod pod, List<NodeInfo> nodes) {
    ImageLocality plugin = new ImageLocality(new NoHandle() {
      @Override
      public List<NodeInfo> nodes() {
        return nodes;
      }
    });
    CycleState s = new CycleState();
    plugin.preScore(s, pod, nodes);
    Map<String, Long> out = new LinkedHashMap<>();
    nodes.forEach(n -> out.put(n.name(), plugin.score(s, pod, n)));
    return out;
  }

  @Test
  void nodesWithTheLargerImagesScoreHigher() {
    // kube's case: pod with gcr.io/40 and gcr.io/250; node1 has 40 MB and 300 MB images, node2 has 250 MB:
    // node1 = 100 * (40 * 1/2 → below the 23 MB floor) = 0, node2 = 100 * (250 * 1/2 - 23) / (2000 - 23) = 5
    List<NodeInfo> nodes = List.of(
        withImages("node1", "gcr.io/40:latest", 40 * MB, "gcr.io/300:latest", 300 * MB),
        withImages("node2", "gcr.io/250:latest", 250 * MB));
    Pod p = pod("p").image("gcr.io/40").image("gcr.io/250").obj();
    assertEquals(Map.of("node1", 0L, "node2", 5L), score(p, nodes));
  }

  @Test
  void anImageOnEveryNodeIsNotSpreadThin() {
    List<NodeInfo> nodes = List.of(withImages("a", "gcr.io/900:v1", 900 * MB),
        withImages("b", "gcr.io/900:v1", 900 * MB));
    // 900 MB on both of 2 nodes: 100 * (900 - 23) / (1000 - 23) = 89
    assertEquals(Map.of("a", 89L, "b", 89L), score(pod("p").image("gcr.io/900:v1").obj(), nodes));
  }

  @Test
  void anUntaggedImageIsLatestAndAShortNameDoesNotMatchTheRegistrysOne() {
    List<NodeInfo> nodes = List.of(withImages("a", "docker.io/library/nginx:latest", 500 * MB),
        withImages("b", "nginx:latest", 500 * MB));
    assertEquals(Map.of("a", 0L, "b", 23L), score(pod("p").image("nginx").obj(), nodes));
  }

  @Test
  void imagesOfSizeZeroScoreNothing() {
    List<NodeInfo> nodes = List.of(withImages("a", "docker.io/library/nginx:latest", 0L), node("b").info());
    assertEquals(Map.of("a", 0L, "b", 0L), score(pod("p").image("docker.io/library/nginx:latest").obj(), nodes));
  }

  /** The sizes dekube's jvm kubelets report for the real images (their {@code ImageSizes}): mysql 8.0's, nginx's. */
  private static final long MYSQL = 168_000_000L;
  private static final long NGINX = 68_507_108L;

  @Test
  void aJvmImageScoresByItsRealSizeSpreadOverTheNodesThatHoldIt() {
    Pod p = pod("p").image("docker.io/library/mysql:8.0").obj();
    String mysql = "docker.io/library/mysql:8.0";
    // on 1 of 3 nodes: 168 MB × 1/3 = 56 MB → 100 × (56 MB − 23 MiB) / (1000 MiB − 23 MiB) = 3
    assertEquals(Map.of("a", 3L, "b", 0L, "c", 0L), score(p, List.of(withImages("a", mysql, MYSQL),
        withImages("b"), withImages("c"))));
    // on 2 of 3: 112 MB → 8 on each of them
    assertEquals(Map.of("a", 8L, "b", 8L, "c", 0L), score(p, List.of(withImages("a", mysql, MYSQL),
        withImages("b", mysql, MYSQL), withImages("c"))));
    // on all 3: the whole 168 MB → 14
    assertEquals(Map.of("a", 14L, "b", 14L, "c", 14L), score(p, List.of(withImages("a", mysql, MYSQL),
        withImages("b", mysql, MYSQL), withImages("c", mysql, MYSQL))));
    // nginx's 68.5 MB on 1 of 3 nodes is spread below the 23 MiB floor: no node is preferred, as on kube
    Pod web = pod("web").image("docker.io/library/nginx:latest").obj();
    String nginx = "docker.io/library/nginx:latest";
    assertEquals(Map.of("a", 0L, "b", 0L, "c", 0L), score(web, List.of(withImages("a", nginx, NGINX),
        withImages("b"), withImages("c"))));
    assertEquals(Map.of("a", 4L, "b", 4L, "c", 4L), score(web, List.of(withImages("a", nginx, NGINX),
        withImages("b", nginx, NGINX), withImages("c", nginx, NGINX))));
  }
}
