package io.dekube.kubelet.images;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The images the {@code jvm} runtime knows, by name: {@code dekube/web} (and the talk's
 * {@code carsonoid/kube-decon:<tag>}), {@code dekube/echo}, {@code dekube/crash}, {@code dekube/pause}
 * ({@code registry.k8s.io/pause}) and {@code busybox} ({@code docker.io/library/busybox:<tag>},
 * {@code dekube/busybox}: the built-in shell; {@code alpine}, {@code debian} and {@code ubuntu} too) and
 * {@code nginx} ({@code registry.k8s.io/nginx-slim} too; its welcome page, as every tutorial's
 * first Deployment serves it), and the images of kube's docs and tutorials: {@code httpd},
 * {@code registry.k8s.io/hpa-example}, {@code gcr.io/google-samples/hello-app}, {@code registry.k8s.io/echoserver},
 * {@code kicbase/echo-server}, {@code hashicorp/http-echo}, {@code registry.k8s.io/e2e-test-images/agnhost} (and the
 * older {@code liveness} and {@code serve_hostname}), {@code registry.k8s.io/goproxy},
 * {@code kubernetes-bootcamp}, {@code redis} and the guestbook tutorial's {@code gb-redis-follower} and
 * {@code gb-frontend}, {@code node-hello}, {@code hello-go-gke} and {@code hello-frontend}, {@code jessie-dnsutils}
 * (the shell), {@code polinux/stress} and {@code vish/stress}, {@code perl} (the Job page's pi only), the ZooKeeper
 * tutorial's {@code kubernetes-zookeeper}, the Cassandra tutorial's {@code cassandra:v13}, {@code mysql},
 * {@code mongo}, the DaemonSet pages' {@code fluentd}, the
 * gRPC probe page's {@code etcd} (its health service only), the WordPress tutorial's {@code wordpress} (its Apache
 * tags). Pure.
 */
public final class BuiltInImages {

  /** The names listed in an image-pull error. */
  public static final List<String> NAMES = List.of("dekube/web", "carsonoid/kube-decon:<tag>", "dekube/echo",
      "dekube/crash", "dekube/pause (= registry.k8s.io/pause:<tag>)",
      "busybox[:<tag>] (= dekube/busybox, registry.k8s.io/busybox, radial/busyboxplus:curl, curlimages/curl;"
          + " alpine, debian, ubuntu"
          + " and bash run it too)",
      "nginx[:<tag>]", "registry.k8s.io/nginx-slim:<tag>", "bprashanth/nginxhttps:1.0", "httpd[:<tag>]",
      "registry.k8s.io/hpa-example", "gcr.io/google-samples/hello-app:1.0|2.0", "registry.k8s.io/echoserver:<tag>",
      "kicbase/echo-server:<tag>", "hashicorp/http-echo[:<tag>]",
      "registry.k8s.io/e2e-test-images/agnhost:<tag> (liveness, netexec, pause, serve-hostname)",
      "registry.k8s.io/liveness", "registry.k8s.io/serve_hostname", "registry.k8s.io/goproxy:<tag>",
      "gcr.io/google-samples/kubernetes-bootcamp:v1", "jocatalin/kubernetes-bootcamp:v1|v2",
      "redis[:<tag>]", "us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower:v2",
      "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5 (and gcr.io/google_samples/gb-redisslave, "
          + "gb-frontend:v4)",
      "gcr.io/google-samples/node-hello:1.0", "gcr.io/google-samples/hello-go-gke:1.0",
      "gcr.io/google-samples/hello-frontend:1.0",
      "registry.k8s.io/e2e-test-images/jessie-dnsutils:<tag> (the built-in shell, with nslookup and dig)",
      "polinux/stress", "vish/stress",
      "perl[:<tag>] (only perl -Mbignum=bpi -wle 'print bpi(N)')",
      "registry.k8s.io/kubernetes-zookeeper:1.0-3.4.10 (start-zookeeper, zkCli.sh, zookeeper-ready)",
      "mysql[:<tag>] (mysqld, mysql, mysqladmin; 9, 8.4, 8.0, 5.7, 5.6)",
      "gcr.io/google-samples/xtrabackup:1.0 (xtrabackup, xbstream, ncat, mysql)",
      "mongo[:<tag>] (mongod, mongosh; 8.0, 7.0, 6.0, 5.0, 4.4)",
      "gcr.io/google-samples/cassandra:v13 (Cassandra 3.11.2's gossip, nodetool status|drain|version, "
          + "/ready-probe.sh; no CQL)",
      "quay.io/fluentd_elasticsearch/fluentd:<tag>",
      "registry.k8s.io/etcd:<tag> (etcd's gRPC health service, /health and /version; no key-value store)",
      "wordpress[:<tag>] (its apache tags: WordPress 6.2.1, Apache 2.4.56, PHP 8.0.28)");

  /** What an image reference resolves to: which program, with which tag. */
  public record Resolved(String program, String repository, String tag) {
  }

  private BuiltInImages() {
  }

  /**
   * The repositories whose {@code /bin/sh} is dash, not busybox's ash nor bash: Debian, Ubuntu and the official
   * images built on Debian (their {@code -alpine} tags aside). dash's {@code echo} reads backslash escapes.
   */
  private static final List<String> DASH = List.of("debian", "ubuntu", "nginx", "httpd", "redis", "perl",
      "registry.k8s.io/kubernetes-zookeeper", "k8s.gcr.io/kubernetes-zookeeper",
      "bprashanth/nginxhttps", "quay.io/fluentd_elasticsearch/fluentd",
      "registry.k8s.io/e2e-test-images/jessie-dnsutils", "k8s.gcr.io/e2e-test-images/jessie-dnsutils",
      "gcr.io/kubernetes-e2e-test-images/dnsutils", "k8s.gcr.io/dnsutils", "wordpress",
      "gcr.io/google-samples/cassandra");

  /**
   * The variables {@code image}'s configuration sets ({@code ENV} of its Dockerfile), which its containers see
   * under the pod's own: nginx's {@code NGINX_VERSION}..., httpd's {@code HTTPD_PREFIX} and {@code HTTPD_VERSION}.
   */
  public static java.util.Map<String, String> env(String image) {
    java.util.Map<String, String> env = new java.util.LinkedHashMap<>();
    String[] repoTag = repositoryAndTag(image);
    Optional<Resolved> r = resolve(image);
    String program = r.map(Resolved::program).orElse("");
    if (program.equals("nginx") && (repoTag[0].equals("nginx") || repoTag[0].endsWith("/nginx"))) {
      String release = repoTag[1].contains("alpine") ? "1" : "1~bookworm";
      env.put("NGINX_VERSION", NginxPages.version(repoTag[1]));
      env.put("NJS_VERSION", "0.8.7");
      env.put("NJS_RELEASE", release);
      env.put("PKG_RELEASE", release);
      env.put("DYNPKG_RELEASE", release);
    } else if (program.equals("httpd")) {
      env.put("HTTPD_PREFIX", "/usr/local/apache2");
      env.put("HTTPD_VERSION", Httpd.version(repoTag[1]));
    } else if (program.equals("wordpress")) { // php:8.0-apache's
      env.put("PHP_INI_DIR", "/usr/local/etc/php");
      env.put("APACHE_CONFDIR", "/etc/apache2");
      env.put("APACHE_ENVVARS", "/etc/apache2/envvars");
      env.put("PHP_VERSION", "8.0.28");
    }
    return env;
  }

  /**
   * Whether {@code image} has no shell and no other programs than its own (kube's pause images,
   * {@code registry.k8s.io/pause} and its older names, built {@code FROM scratch}): {@code kubectl exec} of anything
   * else fails to start, as runc's exec does. dekube's own {@code dekube/pause} keeps the built-in shell, as its
   * README's volume steps use it ({@code kubectl exec db-0 -- sh -c 'echo kept > /data/greeting'}).
   */
  public static boolean shellLess(String image) {
    return !repositoryAndTag(image)[0].equals("dekube/pause")
        && resolve(image).map(r -> r.program().equals("pause")).orElse(false);
  }

  /** Whether {@code image}'s {@code sh} is dash (Debian-based), whose {@code echo 'a\nb'} prints two lines. */
  public static boolean shIsDash(String image) {
    String[] repoTag = repositoryAndTag(image);
    return DASH.contains(repoTag[0]) && !repoTag[1].contains("alpine");
  }

  /**
   * Whether {@code image} is a busybox from before 1.29, whose {@code nslookup} asks the C library and prints
   * {@code Address 1: IP NAME} lines: busybox tags up to 1.28 (the tag kube's DNS pages long asked for), and the
   * old images kube's pages name, {@code gcr.io/google-containers/busybox} and its {@code k8s.gcr.io} and
   * {@code registry.k8s.io} copies (1.24) and {@code radial/busyboxplus} (1.22).
   */
  public static boolean isOldBusybox(String image) {
    String[] repoTag = repositoryAndTag(image);
    return switch (repoTag[0]) {
      case "gcr.io/google-containers/busybox", "k8s.gcr.io/busybox", "registry.k8s.io/busybox",
          "radial/busyboxplus" -> true;
      case "busybox" -> {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("1\\.(\\d+)([.-].*)?").matcher(repoTag[1]);
        yield m.matches() && Integer.parseInt(m.group(1)) <= 28;
      }
      default -> false;
    };
  }

  /**
   * Whether {@code image}'s CMD is {@code bash} (Docker's {@code ubuntu}, {@code debian} and {@code bash} images): a
   * container without a command, as {@code kubectl debug node/... -it --image=ubuntu} makes, gets bash's prompt.
   */
  public static boolean cmdIsBash(String image) {
    return List.of("ubuntu", "debian", "bash").contains(repositoryAndTag(image)[0]);
  }

  /** {@code [registry/]repository[:tag][@digest]} as {repository without Docker Hub's prefixes, tag}, lower case. */
  static String[] repositoryAndTag(String image) {
    String ref = image == null ? "" : image.trim().toLowerCase(Locale.ROOT);
    int at = ref.indexOf('@');
    if (at >= 0) {
      ref = ref.substring(0, at);
    }
    int slash = ref.lastIndexOf('/');
    int colon = ref.lastIndexOf(':');
    String tag = colon > slash ? ref.substring(colon + 1) : "latest";
    String repo = colon > slash ? ref.substring(0, colon) : ref;
    for (String prefix : List.of("docker.io/", "index.docker.io/", "library/")) {
      if (repo.startsWith(prefix)) {
        repo = repo.substring(prefix.length());
      }
    }
    return new String[] {repo, tag};
  }

  /** Resolves {@code [registry/]repository[:tag][@digest]}; empty for an image the runtime does not have. */
  public static Optional<Resolved> resolve(String image) {
    String[] repoTag = repositoryAndTag(image);
    String repo = repoTag[0];
    String tag = repoTag[1];
    String program = switch (repo) {
      case "dekube/web", "carsonoid/kube-decon" -> "web";
      case "dekube/echo" -> "echo";
      case "dekube/crash" -> "crash";
      case "dekube/pause", "registry.k8s.io/pause", "k8s.gcr.io/pause", "gcr.io/google_containers/pause" -> "pause";
      case "busybox", "dekube/busybox", "registry.k8s.io/busybox", "k8s.gcr.io/busybox",
          "gcr.io/google-containers/busybox" -> "busybox";
      // the docs' other shell images: alpine's own sh is busybox's; debian's and ubuntu's scripts run in it
      // too (bash is the built-in shell as bash; apt-get installs only packages of the built-in commands: AptGet)
      case "alpine", "debian", "ubuntu", "bash" -> "busybox"; // bash: the env-var pages' `image: bash` (echo)
      // "Connecting Applications with Services"' curl pod: busybox with curl, which the built-in shell has
      case "radial/busyboxplus" -> "busybox";
      // the same tutorial's curl pod today (curlpod.yaml): curl, and a shell for its sleep loop
      case "curlimages/curl" -> "busybox";
      case "nginx", "registry.k8s.io/nginx", "k8s.gcr.io/nginx" -> "nginx"; // the service-account page's
      // the StatefulSet tutorial's small nginx build: the same server, the same html folder
      case "registry.k8s.io/nginx-slim", "k8s.gcr.io/nginx-slim", "gcr.io/google_containers/nginx-slim" -> "nginx";
      // "Connecting Applications with Services"' secure nginx: its default.conf listens 80 and 443 ssl
      case "bprashanth/nginxhttps" -> tag.equals("1.0") ? "nginxhttps" : null;
      case "httpd" -> "httpd";
      case "registry.k8s.io/hpa-example", "k8s.gcr.io/hpa-example", "gcr.io/google_containers/hpa-example",
          "gcr.io/google-containers/hpa-example" -> "hpa-example";
      case "gcr.io/google-samples/hello-app", "us-docker.pkg.dev/google-samples/containers/gke/hello-app" ->
          "hello-app";
      case "registry.k8s.io/echoserver", "k8s.gcr.io/echoserver", "gcr.io/google_containers/echoserver" -> "echoserver";
      case "kicbase/echo-server" -> "kicbase-echo-server";
      case "hashicorp/http-echo" -> "http-echo";
      case "registry.k8s.io/e2e-test-images/agnhost", "k8s.gcr.io/e2e-test-images/agnhost",
          "gcr.io/kubernetes-e2e-test-images/agnhost" -> "agnhost";
      case "registry.k8s.io/liveness", "k8s.gcr.io/liveness" -> "liveness";
      case "registry.k8s.io/serve_hostname", "k8s.gcr.io/serve_hostname" -> "serve_hostname";
      case "registry.k8s.io/goproxy", "k8s.gcr.io/goproxy" -> "goproxy";
      // the Kubernetes Basics tutorial's app: only the tags it was pushed with (its `:v10` fails to pull)
      case "gcr.io/google-samples/kubernetes-bootcamp", "jocatalin/kubernetes-bootcamp" ->
          KubernetesBootcamp.tagExists(repo, tag) ? "kubernetes-bootcamp" : null;
      case "redis", "k8s.gcr.io/redis", "registry.k8s.io/redis" -> "redis";
      case "us-docker.pkg.dev/google-samples/containers/gke/gb-redis-follower",
          "gcr.io/google-samples/gb-redis-follower" -> "gb-redis-follower";
      case "gcr.io/google_samples/gb-redisslave", "gcr.io/google-samples/gb-redisslave" -> "gb-redisslave";
      case "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend", "gcr.io/google_samples/gb-frontend",
          "gcr.io/google-samples/gb-frontend" -> "gb-frontend";
      case "gcr.io/google-samples/node-hello" -> "node-hello";
      case "gcr.io/google-samples/hello-go-gke" -> "hello-go-gke";
      case "gcr.io/google-samples/hello-frontend" -> "hello-frontend";
      // the DNS debugging page's dnsutils pod: a shell with nslookup and dig
      case "registry.k8s.io/e2e-test-images/jessie-dnsutils", "k8s.gcr.io/e2e-test-images/jessie-dnsutils",
          "gcr.io/kubernetes-e2e-test-images/dnsutils", "k8s.gcr.io/dnsutils" -> "busybox";
      case "polinux/stress" -> "stress";
      case "vish/stress" -> "vish-stress";
      case "perl" -> "perl";
      case "registry.k8s.io/kubernetes-zookeeper", "k8s.gcr.io/kubernetes-zookeeper",
          "gcr.io/google_containers/kubernetes-zookeeper" -> "kubernetes-zookeeper";
      case "mysql", "mysql/mysql-server" -> "mysql";
      // the replicated-MySQL page's sidecar and clone image
      case "gcr.io/google-samples/xtrabackup" -> tag.equals("1.0") ? "xtrabackup" : null;
      case "mongo" -> "mongo";
      // the Cassandra tutorial's image (v13: Cassandra 3.11.2); its other tags ran other versions, not built
      case "gcr.io/google-samples/cassandra", "us-docker.pkg.dev/google-samples/containers/gke/cassandra" ->
          tag.equals("v13") ? "cassandra" : null;
      case "quay.io/fluentd_elasticsearch/fluentd" -> "fluentd";
      // the gRPC liveness probe page's etcd: its health service and /health, /version; no key-value store
      case "registry.k8s.io/etcd", "k8s.gcr.io/etcd", "gcr.io/etcd-development/etcd", "quay.io/coreos/etcd" -> "etcd";
      // Apache with mod_php; the -fpm and cli tags run other programs (php-fpm, wp-cli), not built
      case "wordpress" -> tag.contains("fpm") || tag.startsWith("cli") ? null : "wordpress";
      default -> null;
    };
    return Optional.ofNullable(program).map(p -> new Resolved(p, repoName(image), tag));
  }

  private static String repoName(String image) {
    String s = image.trim();
    int at = s.indexOf('@');
    if (at >= 0) {
      s = s.substring(0, at);
    }
    return s.lastIndexOf(':') > s.lastIndexOf('/') ? s.substring(0, s.lastIndexOf(':')) : s;
  }

  /** The message of an image the runtime cannot run, as the waiting state shows it. */
  public static String pullError(String image) {
    return "Failed to pull image \"" + image + "\": dekube's jvm runtime has no image \"" + image
        + "\"; built-in images: " + String.join(", ", NAMES);
  }
}
