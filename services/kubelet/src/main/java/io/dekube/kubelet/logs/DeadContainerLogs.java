package io.dekube.kubelet.logs;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The logs of a container's ended runs, as kube's container garbage collection leaves them: it keeps one dead
 * container per pod's container ({@code MaxPerPodContainer} 1), whose log {@code kubectl logs --previous} reads, and
 * removes the older ones with their logs. dekube's runs are its log files {@code <run>.log} (with their rotated
 * {@code <run>.log.<time>[.gz]}); a decision: the older runs' files go when a new run starts, where kube's collector
 * removes them within its minute. Blocking file work.
 */
public final class DeadContainerLogs {

  private static final Pattern RUN = Pattern.compile("(\\d+)\\.log(\\..*)?");

  private DeadContainerLogs() {
  }

  /** Removes the files of the runs before the one before {@code current} ({@code <run>.log}); returns how many. */
  public static int removeOlderRuns(Path current) throws IOException {
    Matcher m = RUN.matcher(current.getFileName().toString());
    if (!m.matches() || m.group(2) != null || !Files.isDirectory(current.getParent())) {
      return 0;
    }
    long keepFrom = Long.parseLong(m.group(1)) - 1;
    int removed = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(current.getParent())) {
      for (Path p : s) {
        Matcher f = RUN.matcher(p.getFileName().toString());
        if (f.matches() && Long.parseLong(f.group(1)) < keepFrom && Files.deleteIfExists(p)) {
          removed++;
        }
      }
    }
    return removed;
  }
}
