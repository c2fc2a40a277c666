package io.dekube.kubelet.images.mysql;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Percona's {@code xbstream}: the archive {@code xtrabackup --stream=xbstream} writes and {@code xbstream -x [-C dir]}
 * unpacks. dekube's stream is a text form of xbstream's chunks — one {@code XBSTCK01 <path> <base64 of up to 48 KiB>}
 * line per chunk, {@code XBSTCK01 <path> EOF} at a file's end — because the built-in shell's pipes carry text; it
 * goes through {@code ncat} and pipes unchanged. Input that is not a stream ends with xbstream's {@code wrong chunk
 * magic} error. Pure, but for {@link #extract}'s session.
 */
final class Xbstream {

  private static final String MAGIC = "XBSTCK01";
  private static final int CHUNK = 49152;

  private Xbstream() {
  }

  /** The stream of {@code files} (paths relative to the backup's root, in order). */
  static String stream(Map<String, byte[]> files) {
    StringBuilder b = new StringBuilder();
    Base64.Encoder base64 = Base64.getEncoder();
    files.forEach((path, data) -> {
      for (int at = 0; at < data.length; at += CHUNK) {
        byte[] piece = java.util.Arrays.copyOfRange(data, at, Math.min(data.length, at + CHUNK));
        b.append(MAGIC).append(' ').append(path).append(' ').append(base64.encodeToString(piece)).append('\n');
      }
      b.append(MAGIC).append(' ').append(path).append(" EOF\n");
    });
    return b.toString();
  }

  /** The files of {@code stream}; {@link IOException} with xbstream's words when it is not one. */
  static Map<String, byte[]> files(String stream) throws IOException {
    Map<String, java.io.ByteArrayOutputStream> files = new LinkedHashMap<>();
    long offset = 0;
    for (String line : stream.split("\n")) {
      if (line.isEmpty()) {
        offset++;
        continue;
      }
      String[] parts = line.split(" ", 3);
      if (parts.length != 3 || !parts[0].equals(MAGIC) || parts[1].contains("..") || parts[1].startsWith("/")) {
        throw new IOException("wrong chunk magic at offset 0x" + Long.toHexString(offset) + ".");
      }
      java.io.ByteArrayOutputStream data = files.computeIfAbsent(parts[1], p -> new java.io.ByteArrayOutputStream());
      if (!parts[2].equals("EOF")) {
        data.writeBytes(Base64.getDecoder().decode(parts[2]));
      }
      offset += line.length() + 1;
    }
    Map<String, byte[]> out = new LinkedHashMap<>();
    files.forEach((k, v) -> out.put(k, v.toByteArray()));
    return out;
  }

  /** {@code xbstream -x [-C dir] [-v]}: reads the stream on stdin, writes its files under the folder. */
  static ExecSession extract(JvmContainer c, List<String> argv, ExecSession.Output out) {
    String dir = ".";
    boolean extract = false;
    boolean verbose = false;
    for (int i = 1; i < argv.size(); i++) {
      String a = argv.get(i);
      if (a.equals("-x") || a.equals("--extract")) {
        extract = true;
      } else if (a.equals("-v") || a.equals("--verbose")) {
        verbose = true;
      } else if (a.equals("-C") && i + 1 < argv.size()) {
        dir = argv.get(++i);
      } else if (a.startsWith("--directory=")) {
        dir = a.substring(12);
      }
    }
    if (!extract) {
      out.stderr(Buffer.buffer("xbstream: either -c or -x must be specified.\n"));
      return ExecSession.finished(1);
    }
    String target = dir.startsWith("/") ? dir : c.spec().container().getWorkingDir() == null ? "/" + dir
        : c.spec().container().getWorkingDir() + "/" + dir;
    boolean list = verbose;
    StringBuilder input = new StringBuilder();
    Promise<Integer> exit = Promise.promise();
    return new ExecSession() {
      @Override
      public void stdin(Buffer data) {
        input.append(data.toString(StandardCharsets.UTF_8));
      }

      @Override
      public void closeStdin() {
        c.nodeFolder(target).compose(root -> c.vertx().executeBlocking(() -> write(root, input.toString(), list, out),
            false)).onComplete(ar -> {
              if (ar.failed()) {
                out.stderr(Buffer.buffer("xbstream: " + ar.cause().getMessage() + "\n"));
              }
              exit.tryComplete(ar.succeeded() ? 0 : 1);
            });
      }

      @Override
      public Future<Integer> exitCode() {
        return exit.future();
      }

      @Override
      public void kill() {
        exit.tryComplete(137);
      }
    };
  }

  private static Void write(Path root, String stream, boolean verbose, ExecSession.Output out) throws IOException {
    for (Map.Entry<String, byte[]> f : files(stream).entrySet()) {
      Path p = root.resolve(f.getKey()).normalize();
      if (!p.startsWith(root)) {
        throw new IOException("wrong chunk magic at offset 0x0.");
      }
      Files.createDirectories(p.getParent());
      Files.write(p, f.getValue());
      if (verbose) {
        out.stderr(Buffer.buffer(f.getKey() + "\n"));
      }
    }
    return null;
  }
}
