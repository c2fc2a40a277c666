package io.dekube.kubelet.runtime;

/**
 * An image reference as containerd names it once pulled (Docker's {@code ParseNormalizedNamed}, then
 * {@code TagNameOnly}): {@code nginx} is {@code docker.io/library/nginx:latest}, {@code bitnami/redis:7} is
 * {@code docker.io/bitnami/redis:7}, {@code registry.k8s.io/busybox} is {@code registry.k8s.io/busybox:latest} — the
 * {@code image} of a started container's status — and its digest reference {@code docker.io/library/nginx@sha256:…},
 * the status's {@code imageID}. Pure.
 */
public final class ImageRef {

  private ImageRef() {
  }

  /** The repository with its registry: {@code docker.io/library/nginx} for {@code nginx:1.27}. */
  public static String repository(String image) {
    String name = nameOnly(image);
    int slash = name.indexOf('/');
    String first = slash < 0 ? "" : name.substring(0, slash);
    boolean registry = slash >= 0 && (first.contains(".") || first.contains(":") || first.equals("localhost")
        || !first.equals(first.toLowerCase(java.util.Locale.ROOT)));
    if (!registry) {
      return "docker.io/" + (slash < 0 ? "library/" : "") + name;
    }
    String rest = name.substring(slash + 1);
    if (first.equals("index.docker.io") || first.equals("docker.io")) {
      return "docker.io/" + (rest.contains("/") ? "" : "library/") + rest;
    }
    return name;
  }

  /** The reference as containerd lists the pulled image: its repository with the tag ({@code latest} when none). */
  public static String normalized(String image) {
    String ref = image == null ? "" : image.strip();
    int at = ref.indexOf('@');
    String tag = tag(ref);
    if (at >= 0 && tag == null) {
      return repository(ref) + ref.substring(at);
    }
    return repository(ref) + ":" + (tag == null ? "latest" : tag);
  }

  private static String nameOnly(String image) {
    String ref = image == null ? "" : image.strip();
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int colon = ref.lastIndexOf(':');
    return colon > ref.lastIndexOf('/') ? ref.substring(0, colon) : ref;
  }

  private static String tag(String image) {
    String ref = image.indexOf('@') >= 0 ? image.substring(0, image.indexOf('@')) : image;
    int colon = ref.lastIndexOf(':');
    return colon > ref.lastIndexOf('/') ? ref.substring(colon + 1) : null;
  }
}
