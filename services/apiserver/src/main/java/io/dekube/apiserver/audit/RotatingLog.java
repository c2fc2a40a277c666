package io.dekube.apiserver.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log file as kube-apiserver writes it, through lumberjack: a write that would take the file over
 * {@code maxSize} MB (0: lumberjack's 100) first renames it to {@code <name>-<UTC time>.<ext>} in the same folder
 * ({@code audit-2026-12-07T12-00-00.000.log}; kube leaves lumberjack's {@code LocalTime} off) and starts a new one
 * (mode 0600); then, on a thread of its own, the backups beyond the newest {@code maxBackups} and those older than
 * {@code maxAge} days (by the time in their names) are removed and, with {@code compress}, the others gzipped to
 * {@code .gz}. An existing file is appended to. Used by one writer thread; not thread-safe.
 */
final class RotatingLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RotatingLog.class);
  private static final DateTimeFormatter BACKUP_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss.SSS");
  private static final long MEGABYTE = 1024L * 1024L;
  private static final ExecutorService MILL = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "audit-log-mill");
    t.setDaemon(true);
    return t;
  });

  private final Path file;
  private final long maxBytes;
  private final int maxBackups;
  private final int maxAgeDays;
  private final boolean compress;
  private final Clock clock;
  private OutputStream out;
  private long size;

  RotatingLog(Path file, int maxSizeMb, int maxBackups, int maxAgeDays, boolean compress, Clock clock) {
    this.file = file.toAbsolutePath();
    this.maxBytes = (maxSizeMb == 0 ? 100 : maxSizeMb) * MEGABYTE;
    this.maxBackups = maxBackups;
    this.maxAgeDays = maxAgeDays;
    this.compress = compress;
    this.clock = clock;
  }

  /** Appends {@code bytes}, rotating first when they would not fit; lumberjack's error for a write over the maximum. */
  void write(byte[] bytes) throws IOException {
    if (bytes.length > maxBytes) {
      throw new IOException("write length " + bytes.length + " exceeds maximum file size " + maxBytes);
    }
    if (out == null) {
      openExistingOrNew(bytes.length);
    } else if (size + bytes.length > maxBytes) {
      rotate();
    }
    out.write(bytes);
    size += bytes.length;
  }

  void flush() throws IOException {
    if (out != null) {
      out.flush();
    }
  }

  @Override
  public void close() throws IOException {
    if (out != null) {
      out.close();
      out = null;
    }
  }

  private void openExistingOrNew(int writeLength) throws IOException {
    mill();
    if (!Files.exists(file)) {
      openNew();
      return;
    }
    long existing = Files.size(file);
    if (existing + writeLength >= maxBytes) {
      rotate();
      return;
    }
    out = new java.io.BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.APPEND,
        StandardOpenOption.WRITE), 64 * 1024);
    size = existing;
  }

  private void rotate() throws IOException {
    close();
    openNew();
    mill();
  }

  private void openNew() throws IOException {
    Files.createDirectories(file.getParent());
    if (Files.exists(file)) {
      Files.move(file, backupName(clock.instant()), StandardCopyOption.ATOMIC_MOVE);
    }
    OutputStream raw = Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE);
    try {
      Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException e) {
      // not a POSIX file system
    }
    out = new java.io.BufferedOutputStream(raw, 64 * 1024);
    size = 0;
  }

  Path backupName(Instant at) {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String prefix = dot < 0 ? name : name.substring(0, dot);
    String ext = dot < 0 ? "" : name.substring(dot);
    return file.resolveSibling(prefix + "-" + BACKUP_TIME.format(LocalDateTime.ofInstant(at, ZoneOffset.UTC)) + ext);
  }

  private void mill() {
    if (maxBackups == 0 && maxAgeDays == 0 && !compress) {
      return;
    }
    Instant now = clock.instant();
    MILL.execute(() -> {
      try {
        millOnce(now);
      } catch (IOException | RuntimeException e) {
        LOG.warn("audit log {}: cleaning up the backups failed: {}", file, e.toString());
      }
    });
  }

  /** One backup of the log: its file and the time in its name. */
  private record Backup(Path path, Instant time) {
  }

  /** lumberjack's {@code millRunOnce}: remove the backups beyond the count and the age, compress the rest. */
  void millOnce(Instant now) throws IOException {
    List<Backup> files = backups();
    List<Backup> remove = new ArrayList<>();
    if (maxBackups > 0 && maxBackups < files.size()) {
      Set<String> preserved = new HashSet<>();
      List<Backup> remaining = new ArrayList<>();
      for (Backup b : files) {
        preserved.add(b.path().getFileName().toString().replaceFirst("\\.gz$", ""));
        (preserved.size() > maxBackups ? remove : remaining).add(b);
      }
      files = remaining;
    }
    if (maxAgeDays > 0) {
      Instant cutoff = now.minus(Duration.ofDays(maxAgeDays));
      List<Backup> remaining = new ArrayList<>();
      for (Backup b : files) {
        (b.time().isBefore(cutoff) ? remove : remaining).add(b);
      }
      files = remaining;
    }
    for (Backup b : remove) {
      Files.deleteIfExists(b.path());
    }
    if (compress) {
      for (Backup b : files) {
        if (!b.path().toString().endsWith(".gz")) {
          gzip(b.path());
        }
      }
    }
  }

  /** The backups in the log's folder, newest first (as lumberjack orders them: by the time in their names). */
  private List<Backup> backups() throws IOException {
    String name = file.getFileName().toString();
    int dot = name.lastIndexOf('.');
    String prefix = (dot < 0 ? name : name.substring(0, dot)) + "-";
    String ext = dot < 0 ? "" : name.substring(dot);
    List<Backup> out = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(file.getParent())) {
      for (Path p : dir) {
        String n = p.getFileName().toString();
        if (!Files.isRegularFile(p) || !n.startsWith(prefix)) {
          continue;
        }
        String stamp = n.endsWith(ext) ? n.substring(prefix.length(), n.length() - ext.length())
            : n.endsWith(ext + ".gz") ? n.substring(prefix.length(), n.length() - ext.length() - 3) : null;
        if (stamp == null) {
          continue;
        }
        try {
          out.add(new Backup(p, LocalDateTime.parse(stamp, BACKUP_TIME).toInstant(ZoneOffset.UTC)));
        } catch (DateTimeParseException e) {
          // not one of ours
        }
      }
    }
    out.sort(Comparator.comparing(Backup::time).reversed());
    return out;
  }

  private static void gzip(Path source) throws IOException {
    Path target = source.resolveSibling(source.getFileName() + ".gz");
    try (InputStream in = Files.newInputStream(source);
         OutputStream gz = new GZIPOutputStream(Files.newOutputStream(target))) {
      in.transferTo(gz);
    }
    Files.delete(source);
  }
}
