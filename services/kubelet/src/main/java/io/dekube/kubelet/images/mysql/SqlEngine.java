package io.dekube.kubelet.images.mysql;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The server's SQL engine: an embedded H2 database ({@code MODE=MySQL}, names kept as written and matched without
 * regard to case, MySQL's usual column names such as {@code user}, {@code value} or {@code year} not reserved) in
 * one file of the data folder, {@code /var/lib/mysql/dekube-h2.mv.db}; MySQL's databases are
 * its schemas, the accounts live in {@code mysql.user}. This class is the only one that loads H2, and only a
 * running mysql container creates it. Blocking: call from a worker thread.
 */
final class SqlEngine implements AutoCloseable {

  /** The H2 file in the data folder (H2 adds {@code .mv.db}). */
  static final String FILE = "dekube-h2";
  private static final String OPTIONS = ";MODE=MySQL;DATABASE_TO_UPPER=FALSE;CASE_INSENSITIVE_IDENTIFIERS=TRUE"
      + ";DB_CLOSE_ON_EXIT=FALSE;NON_KEYWORDS=USER,VALUE,YEAR,MONTH,DAY,HOUR,MINUTE,SECOND";

  private final String url;
  private final Connection admin;
  private final MysqlVersion version;
  private final SystemVariables variables;
  private final AtomicLong connections = new AtomicLong();
  private final Object globalLock = new Object();
  private SqlSession lockHolder;
  private volatile Binlog binlog;
  private volatile Replication replication;

  private SqlEngine(String url, Connection admin, MysqlVersion version, SystemVariables variables) {
    this.url = url;
    this.admin = admin;
    this.version = version;
    this.variables = variables;
  }

  /** Whether {@code dataDir} holds a database already (the entrypoint then skips its initialisation). */
  static boolean initialized(Path dataDir) {
    return Files.exists(dataDir.resolve(FILE + ".mv.db"));
  }

  /** Opens (or creates) the database in {@code dataDir}; a new one gets MySQL's system schemas and its accounts table. */
  static SqlEngine open(Path dataDir, MysqlVersion version, SystemVariables variables) throws SQLException {
    String url = "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve(FILE) + OPTIONS;
    Connection admin = connect(url);
    try {
      Files.createDirectories(dataDir.resolve("mysql")); // mysqld's system schema folder: scripts test for it
    } catch (java.io.IOException e) {
      throw new SQLException("can't create " + dataDir.resolve("mysql") + ": " + e.getMessage(), e);
    }
    try (Statement st = admin.createStatement()) {
      for (String schema : new String[] {"mysql", "sys", "performance_schema"}) {
        st.execute("CREATE SCHEMA IF NOT EXISTS \"" + schema + "\"");
      }
      st.execute("CREATE TABLE IF NOT EXISTS \"mysql\".\"user\" (\"Host\" VARCHAR(255) NOT NULL,"
          + " \"User\" VARCHAR(32) NOT NULL, plugin VARCHAR(64) NOT NULL, authentication_string VARBINARY(64),"
          + " sha2_string VARBINARY(64), PRIMARY KEY (\"Host\", \"User\"))");
    }
    return new SqlEngine(url, admin, version, variables);
  }

  private static Connection connect(String url) throws SQLException {
    Properties p = new Properties();
    p.setProperty("user", "sa");
    p.setProperty("password", "");
    Connection c = new org.h2.Driver().connect(url, p);
    if (c == null) {
      throw new SQLException("no H2 database at " + url);
    }
    return c;
  }

  MysqlVersion version() {
    return version;
  }

  SystemVariables variables() {
    return variables;
  }

  /** A new session (one per client connection), with no database selected. */
  SqlSession session(String user, String host) throws SQLException {
    return new SqlSession(this, connect(url), connections.incrementAndGet(), user, host);
  }

  /** The session that applies a source's statements on a replica: {@code super_read_only} does not stop it. */
  SqlSession applierSession() throws SQLException {
    SqlSession s = new SqlSession(this, connect(url), connections.incrementAndGet(), "system user", "");
    s.applier();
    return s;
  }

  /** The binary log ({@code log-bin}), or null. */
  Binlog binlog() {
    return binlog;
  }

  void binlog(Binlog log) {
    this.binlog = log;
  }

  /** The replica side ({@code CHANGE MASTER TO}…), or null before the server listens. */
  Replication replication() {
    return replication;
  }

  void replication(Replication r) {
    this.replication = r;
  }

  /** Writes a statement that changed something to the binary log, when there is one. Blocking. */
  void logged(String database, String sql, long thread) {
    Binlog b = binlog;
    if (b != null && ReplicationStatements.changes(sql)) {
      try {
        b.append(database, sql, thread);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /**
   * {@code FLUSH TABLES WITH READ LOCK}: {@code session} holds the global read lock (after any other holder let it
   * go) and the data is written out to the file, so that a copy of the data folder ({@code xtrabackup}) is whole.
   */
  void readLock(SqlSession session) throws SQLException {
    synchronized (globalLock) {
      while (lockHolder != null && lockHolder != session) {
        waitForLock();
      }
      lockHolder = session;
    }
    try (Statement st = admin.createStatement()) {
      st.execute("CHECKPOINT SYNC");
    }
  }

  /** {@code UNLOCK TABLES}, or the holder's session ended. */
  void unlock(SqlSession session) {
    synchronized (globalLock) {
      if (lockHolder == session) {
        lockHolder = null;
        globalLock.notifyAll();
      }
    }
  }

  /** A change waits while another session holds the global read lock ("Waiting for global read lock"). */
  void awaitWritable(SqlSession session) throws SQLException {
    synchronized (globalLock) {
      while (lockHolder != null && lockHolder != session) {
        waitForLock();
      }
    }
  }

  private void waitForLock() throws SQLException {
    try {
      globalLock.wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SQLException("Query execution was interrupted", "70100", 1317);
    }
  }

  /** The next connection id, as the handshake announces it. */
  long peekConnectionId() {
    return connections.get() + 1;
  }

  /** Sets the password of {@code user}@{@code host} (an account made when missing). */
  void account(String user, String host, String password) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("MERGE INTO \"mysql\".\"user\" KEY (\"Host\", \"User\") VALUES (?, ?, ?, ?,"
        + " ?)")) {
      ps.setString(1, host);
      ps.setString(2, user);
      ps.setString(3, version.defaultPlugin());
      ps.setBytes(4, Scramble.stored(Scramble.NATIVE, password));
      ps.setBytes(5, Scramble.stored(Scramble.CACHING_SHA2, password));
      ps.executeUpdate();
    }
  }

  /** What the server keeps of {@code user}'s password for {@code plugin} (any of its hosts), or null: no such user. */
  byte[] stored(String user, String plugin) throws SQLException {
    try (PreparedStatement ps = admin.prepareStatement("SELECT authentication_string, sha2_string FROM \"mysql\".\"user\""
        + " WHERE \"User\" = ? ORDER BY \"Host\" = '%' DESC")) {
      ps.setString(1, user);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        byte[] b = rs.getBytes(plugin.equals(Scramble.CACHING_SHA2) ? 2 : 1);
        return b == null ? new byte[0] : b;
      }
    }
  }

  /** Makes the database {@code name} when missing. */
  void createDatabase(String name) throws SQLException {
    try (Statement st = admin.createStatement()) {
      st.execute("CREATE SCHEMA IF NOT EXISTS " + quote(name));
    }
  }

  /** {@code name} as an H2 quoted identifier. */
  static String quote(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }

  /** Closes the database: its file is written and released. */
  @Override
  public void close() throws SQLException {
    Replication r = replication;
    if (r != null) {
      r.close();
    }
    try (Statement st = admin.createStatement()) {
      st.execute("SHUTDOWN");
    } finally {
      admin.close();
    }
  }
}
