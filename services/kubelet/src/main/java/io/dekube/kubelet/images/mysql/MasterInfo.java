package io.dekube.kubelet.images.mysql;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What a replica keeps of its source in the data folder's {@code master.info} (5.7's {@code master_info_repository=FILE}
 * layout: the line count, then the file, the position, host, user, password, port, connect retry): so a restarted
 * server goes on from where it was. Immutable; {@link #with} makes changed copies.
 */
record MasterInfo(String file, long position, String host, String user, String password, int port, int connectRetry) {

  static final String FILE = "master.info";

  static final MasterInfo NONE = new MasterInfo("", 4, "", "", "", 3306, 60);

  /** The data folder's {@code master.info}, or {@link #NONE}. Blocking. */
  static MasterInfo read(Path dataDir) throws IOException {
    Path p = dataDir.resolve(FILE);
    if (!Files.exists(p)) {
      return NONE;
    }
    List<String> l = Files.readAllLines(p);
    if (l.size() < 8) {
      return NONE;
    }
    return new MasterInfo(l.get(1), Long.parseLong(l.get(2).strip()), l.get(3), l.get(4), l.get(5),
        Integer.parseInt(l.get(6).strip()), Integer.parseInt(l.get(7).strip()));
  }

  /** Writes it to the data folder. Blocking. */
  void write(Path dataDir) throws IOException {
    Files.writeString(dataDir.resolve(FILE), String.join("\n", "25", file, Long.toString(position), host, user,
        password, Integer.toString(port), Integer.toString(connectRetry)) + "\n");
  }

  MasterInfo at(String newFile, long newPosition) {
    return new MasterInfo(newFile, newPosition, host, user, password, port, connectRetry);
  }

  /** This one with the options of a {@code CHANGE MASTER TO} (upper-case names); a new host restarts the position. */
  MasterInfo with(java.util.Map<String, String> o) {
    boolean newSource = o.containsKey("MASTER_HOST") || o.containsKey("MASTER_PORT");
    String f = o.getOrDefault("MASTER_LOG_FILE", newSource ? "" : file);
    long pos = o.containsKey("MASTER_LOG_POS") ? Long.parseLong(o.get("MASTER_LOG_POS"))
        : o.containsKey("MASTER_LOG_FILE") || newSource ? 4 : position;
    return new MasterInfo(f, pos, o.getOrDefault("MASTER_HOST", host), o.getOrDefault("MASTER_USER", user),
        o.getOrDefault("MASTER_PASSWORD", password),
        Integer.parseInt(o.getOrDefault("MASTER_PORT", Integer.toString(port))),
        Integer.parseInt(o.getOrDefault("MASTER_CONNECT_RETRY", Integer.toString(connectRetry))));
  }
}
