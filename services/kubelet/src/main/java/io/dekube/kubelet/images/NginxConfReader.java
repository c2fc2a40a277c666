package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an nginx configuration's files from a container before {@link NginxConfParser} parses them: nginx.conf and,
 * found by their {@code include} lines, the files and folders it may include, so that the parser, which is pure,
 * finds them. A file that is not there is simply not among the sources: the parser says so in nginx's words. Reads
 * on worker threads; non-blocking.
 */
final class NginxConfReader implements NginxConfParser.Sources {

  /** The most files read: an include that includes itself ends there. */
  private static final int MAX_FILES = 256;

  private final Map<String, String> files = new HashMap<>();
  private final Map<String, List<String>> folders = new HashMap<>();

  private NginxConfReader() {
  }

  /** The sources of the configuration at {@code path} in {@code c}. */
  static Future<NginxConfReader> read(JvmContainer c, String path) {
    NginxConfReader r = new NginxConfReader();
    return r.load(c, path).map(v -> r);
  }

  @Override
  public String read(String path) {
    return files.get(path);
  }

  @Override
  public List<String> list(String path) {
    return folders.getOrDefault(path, List.of());
  }

  private Future<Void> load(JvmContainer c, String path) {
    if (files.containsKey(path) || files.size() > MAX_FILES) {
      return Future.succeededFuture();
    }
    return c.file(path).compose(bytes -> {
      if (bytes == null) {
        return Future.succeededFuture();
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      files.put(path, text);
      Future<Void> next = Future.succeededFuture();
      for (NginxConfig.Include include : NginxConfig.includes(text)) {
        next = next.compose(v -> include.pattern() ? loadAll(c, include.path()) : load(c, include.path()));
      }
      return next;
    });
  }

  /** Lists the folder of a pattern ({@code /etc/nginx/conf.d/*.conf}) and reads the files it matches. */
  private Future<Void> loadAll(JvmContainer c, String pattern) {
    int slash = pattern.lastIndexOf('/');
    String folder = pattern.substring(0, Math.max(1, slash));
    return c.folder(folder).compose(names -> {
      folders.put(folder, names);
      Future<Void> next = Future.succeededFuture();
      for (String name : names) {
        if (NginxConfig.matches(pattern.substring(slash + 1), name)) {
          String file = (folder.equals("/") ? "" : folder) + "/" + name;
          next = next.compose(v -> load(c, file));
        }
      }
      return next;
    });
  }
}
