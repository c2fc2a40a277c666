package io.dekube.kubelet.images;

import java.util.Map;

/**
 * How much each built-in image weighs: the size of the real image it stands for, as kube's kubelet reports it from
 * containerd (the image's compressed linux/amd64 content, {@code crictl images}' SIZE) in {@code status.images[].sizeBytes}
 * and in the {@code Pulled} event's {@code Image size: N bytes.}, so kube-scheduler's ImageLocality scores a node
 * holding an image as it would on kube. Decision: one figure per image (its current tag's; an {@code -alpine} tag
 * has its own), exact where a containerd node's event showed it (nginx 1.27 {@code 68507108}, nginx 1.27-alpine
 * {@code 20984244}, busybox 1.36 {@code 2147340}, busybox 1.28 {@code 727869}, registry.k8s.io/busybox
 * {@code 1144547}, redis 7 {@code 45013665}), rounded approximations of the registries' compressed sizes for the
 * others. dekube's own images ({@code dekube/echo}, {@code dekube/crash}, {@code dekube/busybox}) weigh busybox's.
 * Pure.
 */
public final class ImageSizes {

  private static final long MB = 1_000_000;

  /** By repository, for the repositories whose program stands for several real images. */
  private static final Map<String, Long> BY_REPOSITORY = Map.ofEntries(
      Map.entry("registry.k8s.io/busybox", 1_144_547L), Map.entry("k8s.gcr.io/busybox", 1_144_547L),
      Map.entry("gcr.io/google-containers/busybox", 1_144_547L),
      Map.entry("alpine", 3_600_000L), Map.entry("debian", 48 * MB), Map.entry("ubuntu", 29_700_000L),
      Map.entry("bash", 6_500_000L), Map.entry("radial/busyboxplus", 4_200_000L),
      Map.entry("curlimages/curl", 9_800_000L),
      Map.entry("registry.k8s.io/e2e-test-images/jessie-dnsutils", 110 * MB),
      Map.entry("k8s.gcr.io/e2e-test-images/jessie-dnsutils", 110 * MB),
      Map.entry("gcr.io/kubernetes-e2e-test-images/dnsutils", 110 * MB), Map.entry("k8s.gcr.io/dnsutils", 110 * MB),
      Map.entry("registry.k8s.io/nginx-slim", 22 * MB), Map.entry("k8s.gcr.io/nginx-slim", 22 * MB),
      Map.entry("gcr.io/google_containers/nginx-slim", 22 * MB));

  /** By the program that runs it (its current tag's). */
  private static final Map<String, Long> BY_PROGRAM = Map.ofEntries(
      Map.entry("web", 4_200_000L), Map.entry("echo", 2_147_340L), Map.entry("crash", 2_147_340L),
      Map.entry("pause", 320_368L), Map.entry("busybox", 2_147_340L), Map.entry("nginx", 68_507_108L),
      Map.entry("nginxhttps", 44 * MB), Map.entry("httpd", 58 * MB), Map.entry("hpa-example", 72 * MB),
      Map.entry("hello-app", 4_600_000L), Map.entry("echoserver", 46 * MB),
      Map.entry("kicbase-echo-server", 2_400_000L), Map.entry("http-echo", 3_300_000L),
      Map.entry("agnhost", 52 * MB), Map.entry("liveness", 2_800_000L), Map.entry("serve_hostname", 2 * MB),
      Map.entry("goproxy", 2_600_000L), Map.entry("kubernetes-bootcamp", 81 * MB),
      Map.entry("redis", 45_013_665L), Map.entry("gb-redis-follower", 33 * MB), Map.entry("gb-redisslave", 57 * MB),
      Map.entry("gb-frontend", 170 * MB), Map.entry("node-hello", 250 * MB), Map.entry("hello-go-gke", 4_500_000L),
      Map.entry("hello-frontend", 8 * MB), Map.entry("stress", 4_500_000L), Map.entry("vish-stress", 2 * MB),
      Map.entry("perl", 330 * MB), Map.entry("kubernetes-zookeeper", 120 * MB), Map.entry("mysql", 168 * MB),
      Map.entry("xtrabackup", 80 * MB), Map.entry("mongo", 280 * MB), Map.entry("cassandra", 80 * MB),
      Map.entry("fluentd", 65 * MB), Map.entry("etcd", 22 * MB), Map.entry("wordpress", 220 * MB));

  /** {@code -alpine} tags of the official images that have them. */
  private static final Map<String, Long> ALPINE = Map.of("nginx", 20_984_244L, "httpd", 23 * MB,
      "redis", 17 * MB, "perl", 140 * MB);

  private ImageSizes() {
  }

  /** The image's size in bytes; 0 for an image the jvm runtime does not have. */
  public static long of(String image) {
    return BuiltInImages.resolve(image).map(r -> {
      String[] repoTag = BuiltInImages.repositoryAndTag(image);
      if (BuiltInImages.isOldBusybox(image) && repoTag[0].equals("busybox")) {
        return 727_869L;
      }
      Long byRepo = BY_REPOSITORY.get(repoTag[0]);
      if (byRepo != null) {
        return byRepo;
      }
      if (repoTag[1].contains("alpine") && ALPINE.containsKey(r.program())) {
        return ALPINE.get(r.program());
      }
      return BY_PROGRAM.getOrDefault(r.program(), 0L);
    }).orElse(0L);
  }
}
