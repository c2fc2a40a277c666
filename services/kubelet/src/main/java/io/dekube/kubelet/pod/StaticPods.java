package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's static pods, as kube's kubelet keeps them: its web source (the {@code staticPodURL}, GET every
 * {@link #RELIST} with its headers, as kube's {@code httpCheckFrequency}: see {@link #fetch}) beside its file source
 * (the {@code staticPodPath} folder, read
 * again whenever inotify reports a change in it ({@link FolderWatch}) and every {@link #RELIST}, as kube's
 * {@code fileCheckFrequency}; names starting with a dot are skipped,
 * folders not recursed into, a manifest that cannot be read is logged as kube logs it and the others go on) and
 * its mirror pods: each static pod runs from its file, under its own uid, and the kubelet keeps a mirror pod of it
 * in the API ({@code kubernetes.io/config.mirror}, owned by the Node, created again when deleted, deleted and
 * created again when it no longer matches its static pod), to which the static pod's status is written. A mirror
 * pod whose static pod is gone is deleted. Confined to the kubelet's context.
 */
final class StaticPods {

  private static final Logger LOG = LoggerFactory.getLogger(StaticPods.class);
  /** How often the folder is read again without a change reported: kube's {@code fileCheckFrequency}. */
  static final Duration RELIST = Duration.ofSeconds(20);
  /**
   * How often the mirror pods are checked against the static pods without news (in memory): a mirror waiting for its
   * Node, or refused and due again.
   */
  static final Duration MIRROR_CHECK = Duration.ofSeconds(1);
  /** How long a refused mirror pod waits before it is tried again (kube's pod worker resyncs every 10 s or so). */
  static final Duration MIRROR_RETRY = Duration.ofSeconds(10);

  private final PodManager m;
  /** The manifests' folder; null: none. */
  private final Path folder;
  /** The web source; null: none. */
  private final io.dekube.kubelet.ManifestUrl url;
  /** The pods of the folder and of the URL as last read. */
  private List<ObjectNode> fromFiles = List.of();
  private List<ObjectNode> fromUrl = List.of();
  /** The folder was read once (or there is none); the URL answered with pods once (or there is none). */
  private boolean filesRead;
  private boolean urlSeen;
  /** The URL's last answer, and how many GETs in a row failed (kube logs the first few). */
  private byte[] urlData;
  private int failureLogs;
  private boolean fetching;
  private io.vertx.core.http.HttpClient client;
  private final Supplier<ObjectNode> node;
  /** The files as last read: path → (modified, size) and what they hold; touched only by the scan on a worker. */
  private final Map<Path, Cached> cache = new HashMap<>();
  /** The static pods now, by uid. */
  private final Map<String, ObjectNode> pods = new LinkedHashMap<>();
  /** The mirror pods this node has in the store, by {@code namespace/name}. */
  private final Map<String, ObjectNode> mirrors = new HashMap<>();
  /** Mirror pods with a create or delete in flight, by {@code namespace/name}. */
  private final Set<String> busy = new HashSet<>();
  /** When a refused mirror pod may be tried again, by {@code namespace/name}. */
  private final Map<String, Instant> refused = new HashMap<>();
  private boolean listed;
  private boolean made;
  private boolean scanning;
  /** A change was reported while the folder was being read: read it once more. */
  private boolean again;
  /** The folder's inotify watch, made by the first read that finds the folder; set and closed on workers. */
  private volatile FolderWatch.Registration watch;
  private boolean stopped;
  private long timer = -1;
  private long mirrorTimer = -1;

  private record Cached(long modified, long size, StaticPodFile.Decoded decoded) {
  }

  StaticPods(PodManager m, Path folder, io.dekube.kubelet.ManifestUrl url, Supplier<ObjectNode> node) {
    this.m = m;
    this.folder = folder;
    this.url = url;
    this.node = node;
    this.filesRead = folder == null;
    this.urlSeen = url == null;
  }

  /** Reads the folder and the URL now, the folder again at each change reported in it, both every {@link #RELIST}. */
  void start() {
    if (url != null) {
      // kube's http source client: a 10 s timeout
      client = m.vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setConnectTimeout(10_000)
          .setIdleTimeout(10).setKeepAlive(false));
    }
    scan();
    fetch();
    timer = m.vertx.setPeriodic(RELIST.toMillis(), t -> {
      scan();
      fetch();
    });
    mirrorTimer = m.vertx.setPeriodic(MIRROR_CHECK.toMillis(), t -> syncMirrors());
  }

  void stop() {
    stopped = true;
    m.vertx.cancelTimer(timer);
    m.vertx.cancelTimer(mirrorTimer);
    closeWatch();
    if (client != null) {
      client.close();
    }
  }

  /**
   * One GET of the URL with its headers, as kube's {@code sourceURL.extractFromURL}: an answer other than 200 is an
   * error ({@code <url>: 404 Not Found}); the same bytes as last time change nothing; an empty answer removes the URL's
   * pods; else it is one Pod or a PodList ({@link StaticPodFile#decodeUrl}). A failure leaves the pods as they were and
   * is logged as kube logs it, the first three times in a row.
   */
  private void fetch() {
    if (url == null || stopped || fetching) {
      return;
    }
    fetching = true;
    io.vertx.core.http.RequestOptions options = new io.vertx.core.http.RequestOptions().setAbsoluteURI(url.url())
        .setMethod(io.vertx.core.http.HttpMethod.GET).setIdleTimeout(10_000);
    url.headers().forEach(h -> options.addHeader(h.getKey(), h.getValue()));
    client.request(options).compose(req -> req.send().compose(resp -> resp.body().map(body -> {
      if (resp.statusCode() != 200) {
        throw new IllegalStateException(url.url() + ": " + resp.statusCode() + " " + resp.statusMessage());
      }
      return body.getBytes();
    }))).onComplete(ar -> {
      fetching = false;
      if (stopped) {
        return;
      }
      String error = ar.failed() ? String.valueOf(ar.cause().getMessage()) : received(ar.result());
      if (error == null) {
        if (failureLogs > 0) {
          LOG.info("\"Successfully read pods from URL\"");
        }
        failureLogs = 0;
        return;
      }
      if (failureLogs < 3) {
        LOG.info("\"Failed to read pod from URL\" err=\"{}\"", quoted(error));
      } else if (failureLogs == 3) {
        LOG.info("\"Failed to read pods from URL. Dropping verbosity of this message to V(4)\" err=\"{}\"",
            quoted(error));
      }
      failureLogs++;
    });
  }

  /** The URL answered {@code data}: its pods replace the URL's last ones (unless it is the same or unusable). */
  private String received(byte[] data) {
    if (urlData != null && java.util.Arrays.equals(data, urlData)) {
      return null;
    }
    urlData = data;
    StaticPodFile.UrlDecoded decoded = StaticPodFile.decodeUrl(data, url.url(), m.config.nodeName(), Instant.now());
    if (decoded.pods() != null) {
      fromUrl = decoded.pods();
      urlSeen = true;
      apply();
    }
    return decoded.error();
  }

  private void closeWatch() {
    FolderWatch.Registration w = watch;
    if (w != null) {
      m.vertx.executeBlocking(() -> {
        w.close();
        return null;
      }, false);
    }
  }

  /** On the watch's thread: an entry of the folder changed. */
  private void changed() {
    m.context.runOnContext(v -> scan());
  }

  private void scan() {
    if (stopped || folder == null) {
      return;
    }
    if (scanning) {
      again = true;
      return;
    }
    scanning = true;
    m.vertx.executeBlocking(this::read, false).onComplete(ar -> {
      scanning = false;
      if (stopped) {
        closeWatch(); // a read that was under way at the stop may have made it
        return;
      }
      if (again) {
        again = false;
        m.context.runOnContext(v -> scan());
      }
      if (ar.failed()) {
        LOG.warn("\"Unable to read config path\" err=\"{}\" path=\"{}\"", quoted(ar.cause().getMessage()), folder);
        return;
      }
      fromFiles = ar.result();
      filesRead = true;
      apply();
    });
  }

  /** The pods of the folder (blocking): files not starting with a dot, in name order, each read when it changed. */
  private List<ObjectNode> read() throws IOException {
    List<ObjectNode> found = new ArrayList<>();
    if (!made) {
      // decision: the node makes its folder, so that a user of up finds where to put manifests
      made = true;
      Files.createDirectories(folder);
    }
    if (!Files.isDirectory(folder)) {
      return found;
    }
    if (watch == null || !watch.valid()) {
      try {
        watch = FolderWatch.shared().watch(folder, this::changed);
      } catch (IOException e) {
        LOG.warn("static pods in {} are read every {} s only: no watch on the folder: {}", folder,
            RELIST.toSeconds(), e.toString());
      }
    }
    List<Path> entries;
    try (Stream<Path> s = Files.list(folder)) {
      entries = s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
    }
    cache.keySet().retainAll(entries);
    for (Path p : entries) {
      if (Files.isDirectory(p)) {
        if (cache.put(p, new Cached(-1, -1, null)) == null) {
          LOG.error("\"Provided manifest path is a directory, not recursing into manifest path\" path=\"{}\"", p);
        }
        continue;
      }
      try {
        long modified = Files.getLastModifiedTime(p).toMillis();
        long size = Files.size(p);
        Cached c = cache.get(p);
        if (size == 0) {
          // decision: an empty file is one being written (inotify reports its creation before its content), not a
          // bad manifest; kube logs "file was empty" for it, dekube waits for the write that follows
          cache.remove(p);
          continue;
        }
        if (c == null || c.modified != modified || c.size != size) {
          var decoded = StaticPodFile.decode(Files.readAllBytes(p), p, m.config.nodeName(), Instant.now());
          if (decoded.error() != null) {
            LOG.error("\"Could not process manifest file\" err=\"{}\" path=\"{}\"", quoted(decoded.error()), p);
          }
          c = new Cached(modified, size, decoded);
          cache.put(p, c);
        }
        if (c.decoded != null && c.decoded.pod() != null) {
          found.add(c.decoded.pod().deepCopy());
        }
      } catch (java.nio.file.NoSuchFileException gone) {
        cache.remove(p); // removed while read: the next pass sees it gone
      }
    }
    return found;
  }

  /**
   * The sources' pods now: new ones start, ones whose file or URL entry went (or changed) stop; then the mirror pods
   * follow.
   */
  private void apply() {
    Map<String, ObjectNode> now = new LinkedHashMap<>();
    fromFiles.forEach(p -> now.put(uid(p), p));
    fromUrl.forEach(p -> now.put(uid(p), p));
    for (String uid : new ArrayList<>(pods.keySet())) {
      if (!now.containsKey(uid)) {
        ObjectNode gone = pods.remove(uid);
        LOG.info("static pod {} (uid {}) removed from {}: stopping it", key(gone), uid, source(gone));
        m.staticRemoved(uid);
      }
    }
    for (var e : now.entrySet()) {
      if (!pods.containsKey(e.getKey())) {
        pods.put(e.getKey(), e.getValue());
        LOG.info("static pod {} (uid {}) from {}", key(e.getValue()), e.getKey(), source(e.getValue()));
        m.staticAdded(e.getValue());
        ObjectNode mirror = mirrors.get(key(e.getValue()));
        m.mirrorOf(e.getKey(), matches(mirror, e.getKey()) ? mirror : null);
      }
    }
    // kube deletes orphaned mirror pods only once every source was seen (sourcesReady)
    listed = filesRead && urlSeen;
    syncMirrors();
  }

  /** Where a static pod came from: the folder, or the URL. */
  private Object source(ObjectNode pod) {
    return "http".equals(pod.path("metadata").path("annotations").path(StaticPodFile.SOURCE).asText()) ? url.url()
        : folder;
  }

  /** Whether a source still holds the static pod {@code uid}. */
  boolean wants(String uid) {
    return pods.containsKey(uid);
  }

  /** A mirror pod of this node changed in the store (or was deleted). */
  void onMirror(ObjectNode mirror, boolean deleted) {
    String key = key(mirror);
    ObjectNode known = mirrors.get(key);
    if (deleted) {
      if (known != null && uid(known).equals(uid(mirror))) {
        mirrors.remove(key);
      }
    } else {
      mirrors.put(key, mirror);
    }
    for (var e : pods.entrySet()) {
      if (key(e.getValue()).equals(key)) {
        ObjectNode current = mirrors.get(key);
        m.mirrorOf(e.getKey(), matches(current, e.getKey()) ? current : null);
      }
    }
    syncMirrors();
  }

  /**
   * kube's syncPod for static pods, and its orphaned-mirror clean-up: a static pod without a mirror gets one; a
   * mirror being deleted or of another version of the pod is deleted (grace 0, its uid as precondition) to be
   * created again; a mirror whose static pod is gone is deleted, once the folder was read.
   */
  private void syncMirrors() {
    if (stopped) {
      return;
    }
    Set<String> wanted = new HashSet<>();
    for (var e : pods.entrySet()) {
      String key = key(e.getValue());
      wanted.add(key);
      if (busy.contains(key)) {
        continue;
      }
      ObjectNode mirror = mirrors.get(key);
      if (mirror == null) {
        create(key, e.getValue());
      } else if (mirror.path("metadata").hasNonNull("deletionTimestamp") || !matches(mirror, e.getKey())) {
        delete(key, mirror);
      }
    }
    if (listed) {
      for (var e : new ArrayList<>(mirrors.entrySet())) {
        if (!wanted.contains(e.getKey()) && !busy.contains(e.getKey())) {
          delete(e.getKey(), e.getValue());
        }
      }
    }
  }

  private void create(String key, ObjectNode pod) {
    Instant retry = refused.get(key);
    ObjectNode n = node.get();
    if (retry != null && Instant.now().isBefore(retry) || n == null || n.path("metadata").hasNonNull("deletionTimestamp")) {
      return; // kube: no mirror pod while the node is not (or no longer) in the cluster
    }
    busy.add(key);
    ObjectNode mirror = mirrorOf(pod, n);
    m.store.create(StatusManager.PODS, pod.path("metadata").path("namespace").asText(), mirror, WriteOptions.none())
        .onComplete(ar -> {
          busy.remove(key);
          if (ar.failed() && !(ar.cause() instanceof StatusException se && se.code() == 409)) {
            String why = ar.cause().getMessage();
            if (!refused.containsKey(key)) {
              LOG.error("\"Failed creating a mirror pod for\" err=\"{}\" pod=\"{}\"", quoted(why), key);
            }
            refused.put(key, Instant.now().plus(MIRROR_RETRY));
            return;
          }
          refused.remove(key);
          if (ar.succeeded() && !mirrors.containsKey(key)) {
            onMirror(ar.result(), false);
          }
        });
  }

  private void delete(String key, ObjectNode mirror) {
    busy.add(key);
    String uid = uid(mirror);
    LOG.info("\"Trying to delete pod\" pod=\"{}\" podUID=\"{}\"", key, uid);
    m.store.delete(StatusManager.PODS, mirror.path("metadata").path("namespace").asText(),
        mirror.path("metadata").path("name").asText(), WriteOptions.none().withGracePeriodSeconds(0L).withUid(uid))
        .recover(e -> e instanceof StatusException se && (se.code() == 404 || se.code() == 409)
            ? Future.succeededFuture() : Future.failedFuture(e))
        .onComplete(ar -> {
          busy.remove(key);
          if (ar.failed()) {
            LOG.warn("\"Failed deleting a mirror pod\" err=\"{}\" pod=\"{}\"", quoted(ar.cause().getMessage()), key);
            return;
          }
          ObjectNode known = mirrors.get(key);
          if (known != null && uid(known).equals(uid)) {
            onMirror(known, true);
          }
        });
  }

  /**
   * kube's {@code CreateMirrorPod}: the static pod as it is, without its uid, with {@code kubernetes.io/config.mirror}
   * set to its hash and the Node as its one controller owner.
   */
  static ObjectNode mirrorOf(ObjectNode pod, ObjectNode node) {
    ObjectNode mirror = pod.deepCopy();
    ObjectNode meta = (ObjectNode) mirror.path("metadata");
    String hash = meta.path("annotations").path(StaticPodFile.HASH).asText();
    meta.remove("uid");
    meta.with("annotations").put(StaticPodFile.MIRROR, hash);
    meta.putArray("ownerReferences").addObject().put("apiVersion", "v1").put("kind", "Node")
        .put("name", node.path("metadata").path("name").asText())
        .put("uid", node.path("metadata").path("uid").asText()).put("controller", true);
    mirror.remove("status");
    return mirror;
  }

  /** kube's {@code IsMirrorPodOf}: the mirror's hash is the static pod's. */
  private static boolean matches(ObjectNode mirror, String staticUid) {
    return mirror != null && staticUid.equals(mirror.path("metadata").path("annotations")
        .path(StaticPodFile.MIRROR).asText(""));
  }

  /** A value inside klog's {@code key="value"}: quotes and backslashes escaped, as klog writes them. */
  static String quoted(String v) {
    return v == null ? "" : v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String key(ObjectNode pod) {
    return pod.path("metadata").path("namespace").asText("") + "/" + pod.path("metadata").path("name").asText("");
  }

  private static String uid(ObjectNode pod) {
    return pod.path("metadata").path("uid").asText("");
  }
}
