package io.dekube.kubelet.pod;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * The layout the kubelet gives configMap, secret, downwardAPI and projected volumes (its AtomicWriter), so that
 * a reader sees either the whole old content or the whole new one: the files live in a folder named by the
 * time of the write, {@code ..2024_06_02_21_47_53.299460680} ({@code 0755}); {@code ..data} is a symbolic link
 * to it; each first element of a file's path is a link {@code NAME -> ..data/NAME}. An update writes a new
 * folder, points a new link {@code ..data_tmp} at it and renames that over {@code ..data} (one atomic rename),
 * removes the links of names no longer there, then the old folder. Content and modes unchanged: nothing is
 * written. Names starting with {@code ..} are the writer's. Blocking file I/O: call from a worker thread; one
 * writer per folder at a time.
 */
final class AtomicWriter {

  static final String DATA = "..data";
  private static final String DATA_TMP = "..data_tmp";
  private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("'..'yyyy_MM_dd_HH_mm_ss'.'");
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  /** One file of the payload: its bytes and its permission bits. */
  record File(byte[] data, int mode) {
  }

  /** What is done to the new folder before it becomes {@code ..data} (the fsGroup's ownership). */
  @FunctionalInterface
  interface Perms {
    void apply(Path folder) throws IOException;
  }

  private AtomicWriter() {
  }

  /** The files {@code dir} holds now (path in the volume → content and mode), empty before the first write. */
  static Map<String, File> current(Path dir) throws IOException {
    Map<String, File> files = new LinkedHashMap<>();
    Path data = dir.resolve(DATA);
    if (!Files.isSymbolicLink(data)) {
      return files;
    }
    Path folder = dir.resolve(Files.readSymbolicLink(data));
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path f : all.filter(x -> Files.isRegularFile(x, NOFOLLOW)).sorted().toList()) {
        int mode = ((Integer) Files.getAttribute(f, "unix:mode", NOFOLLOW)) & 07777;
        files.put(folder.relativize(f).toString(), new File(Files.readAllBytes(f), mode));
      }
    }
    return files;
  }

  /**
   * Makes {@code dir} hold exactly {@code payload} (relative paths; one with {@code ..} in it, or starting with
   * {@code ..}, is left out); {@code perms} runs on the new folder before it is published. Answers whether it wrote.
   */
  static boolean write(Path dir, Map<String, File> payload, Perms perms) throws IOException {
    Map<String, File> clean = new LinkedHashMap<>();
    payload.forEach((path, file) -> {
      Path p = Path.of(path).normalize();
      if (!path.isEmpty() && !p.isAbsolute() && !p.toString().startsWith("..") && !p.toString().isEmpty()
          && Arrays.stream(p.toString().split("/")).noneMatch(".."::equals)) {
        clean.put(p.toString(), file);
      }
    });
    Map<String, File> old = current(dir);
    if (old.keySet().equals(clean.keySet()) && clean.entrySet().stream().allMatch(e -> same(e.getValue(),
        old.get(e.getKey()))) && Files.isSymbolicLink(dir.resolve(DATA))) {
      return false;
    }
    Path data = dir.resolve(DATA);
    Path oldFolder = Files.isSymbolicLink(data) ? dir.resolve(Files.readSymbolicLink(data)) : null;
    Path folder = newFolder(dir);
    for (Map.Entry<String, File> e : clean.entrySet()) {
      Path f = folder.resolve(e.getKey());
      Files.createDirectories(f.getParent());
      Files.write(f, e.getValue().data());
      Files.setAttribute(f, "unix:mode", e.getValue().mode() & 07777);
    }
    perms.apply(folder);
    Set<String> visible = new HashSet<>();
    for (String path : clean.keySet()) {
      String first = path.split("/")[0];
      visible.add(first);
      Path link = dir.resolve(first);
      if (!Files.isSymbolicLink(link)) {
        deleteTree(link); // a file of an older layout
        Files.createSymbolicLink(link, Path.of(DATA, first));
      }
    }
    Path tmp = dir.resolve(DATA_TMP);
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, folder.getFileName());
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE);
    try (Stream<Path> top = Files.list(dir)) {
      for (Path p : top.toList()) {
        String name = p.getFileName().toString();
        if (!name.startsWith("..") && !visible.contains(name)) {
          deleteTree(p);
        }
      }
    }
    if (oldFolder != null && !oldFolder.equals(folder)) {
      deleteTree(oldFolder);
    }
    return true;
  }

  private static boolean same(File a, File b) {
    return b != null && a.mode() == b.mode() && Arrays.equals(a.data(), b.data());
  }

  /** A new {@code ..<UTC time>.<random>} folder in {@code dir}, {@code 0755} whatever the umask. */
  private static Path newFolder(Path dir) throws IOException {
    String stamp = STAMP.format(ZonedDateTime.now(ZoneOffset.UTC));
    while (true) {
      try {
        Path folder = Files.createDirectory(dir.resolve(stamp + ThreadLocalRandom.current().nextInt(1_000_000_000)));
        Files.setAttribute(folder, "unix:mode", 0755);
        return folder;
      } catch (FileAlreadyExistsException e) {
        // another name
      }
    }
  }

  private static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, NOFOLLOW)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }
}
