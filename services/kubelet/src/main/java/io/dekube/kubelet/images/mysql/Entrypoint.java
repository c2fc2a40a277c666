package io.dekube.kubelet.images.mysql;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;

/**
 * The official image's {@code docker-entrypoint.sh}: a data folder without a database is initialised — the root
 * password from {@code MYSQL_ROOT_PASSWORD}, or none with {@code MYSQL_ALLOW_EMPTY_PASSWORD}, or a generated one
 * with {@code MYSQL_RANDOM_ROOT_PASSWORD}, else its error and exit 1 —, {@code MYSQL_DATABASE} made,
 * {@code MYSQL_USER}/{@code MYSQL_PASSWORD} made, the {@code .sql} files of {@code /docker-entrypoint-initdb.d}
 * run; a data folder that has one is used as it is (its accounts kept, the variables ignored). Blocking: call from a
 * worker thread.
 */
final class Entrypoint {

  /** A file of {@code /docker-entrypoint-initdb.d}. */
  record InitScript(String name, String text) {
  }

  /** The entrypoint ended the container with its error (already logged). */
  static final class Refused extends Exception {
    Refused() {
      super("entrypoint refused to start", null, false, false);
    }
  }

  private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

  private Entrypoint() {
  }

  /** Opens the database in {@code dataDir}, initialising it first when it has none. */
  static SqlEngine prepare(Path dataDir, MysqlVersion version, SystemVariables variables, Map<String, String> env,
                           List<InitScript> scripts, MysqlLog log) throws Refused, SQLException {
    log.note("Entrypoint script for MySQL Server " + log.packageVersion() + " started.");
    log.note("Switching to dedicated user 'mysql'");
    log.note("Entrypoint script for MySQL Server " + log.packageVersion() + " started.");
    if (SqlEngine.initialized(dataDir)) {
      return SqlEngine.open(dataDir, version, variables);
    }
    String rootPassword = set(env, "MYSQL_ROOT_PASSWORD") ? env.get("MYSQL_ROOT_PASSWORD") : null;
    if (rootPassword == null && !set(env, "MYSQL_ALLOW_EMPTY_PASSWORD") && !set(env, "MYSQL_RANDOM_ROOT_PASSWORD")) {
      log.error("Database is uninitialized and password option is not specified\n"
          + "    You need to specify one of the following as an environment variable:\n"
          + "    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n    - MYSQL_RANDOM_ROOT_PASSWORD");
      throw new Refused();
    }
    String user = env.getOrDefault("MYSQL_USER", "");
    if (user.equals("root")) {
      log.error("MYSQL_USER=\"root\", MYSQL_USER and MYSQL_PASSWORD are for configuring a regular user and cannot be "
          + "used for the root user\n    Remove MYSQL_USER=\"root\" and use one of the following to control the root "
          + "user password:\n    - MYSQL_ROOT_PASSWORD\n    - MYSQL_ALLOW_EMPTY_PASSWORD\n"
          + "    - MYSQL_RANDOM_ROOT_PASSWORD");
      throw new Refused();
    }
    log.note("Initializing database files");
    log.server("System", "015017", "MySQL Server Initialization - start.");
    log.server("System", "013169", "/usr/sbin/mysqld (mysqld " + version.number() + ") initializing of server in "
        + "progress as process 80");
    SqlEngine engine = SqlEngine.open(dataDir, version, variables);
    log.server("System", "015018", "MySQL Server Initialization - end.");
    log.note("Database files initialized");
    log.note("Starting temporary server");
    log.note("Temporary server started.");
    if (rootPassword == null && set(env, "MYSQL_RANDOM_ROOT_PASSWORD")) {
      rootPassword = randomPassword();
      log.note("GENERATED ROOT PASSWORD: " + rootPassword);
    }
    engine.account("root", "%", rootPassword);
    engine.account("root", "localhost", rootPassword);
    String database = env.getOrDefault("MYSQL_DATABASE", "");
    if (!database.isEmpty()) {
      log.note("Creating database " + database);
      engine.createDatabase(database);
    }
    if (!user.isEmpty() && set(env, "MYSQL_PASSWORD")) {
      log.note("Creating user " + user);
      engine.account(user, "%", env.get("MYSQL_PASSWORD"));
      if (!database.isEmpty()) {
        log.note("Giving user " + user + " access to schema " + database);
      }
    } else if (!user.isEmpty() || set(env, "MYSQL_PASSWORD")) {
      log.warn("MYSQL_USER specified, but missing MYSQL_PASSWORD; MYSQL_USER will not be created");
    }
    runScripts(engine, database, scripts, log);
    log.note("Stopping temporary server");
    log.note("Temporary server stopped");
    log.blank();
    log.note("MySQL init process done. Ready for start up.");
    log.blank();
    return engine;
  }

  private static void runScripts(SqlEngine engine, String database, List<InitScript> scripts, MysqlLog log)
      throws SQLException {
    if (scripts.isEmpty()) {
      return;
    }
    log.blank();
    try (SqlSession session = engine.session("root", "localhost")) {
      if (!database.isEmpty()) {
        session.use(database);
      }
      for (InitScript s : scripts) {
        if (!s.name().endsWith(".sql")) {
          log.note("ignoring /docker-entrypoint-initdb.d/" + s.name());
          continue;
        }
        log.note("/usr/local/bin/docker-entrypoint.sh: running /docker-entrypoint-initdb.d/" + s.name());
        StatementSplitter splitter = new StatementSplitter();
        List<StatementSplitter.Statement> all = new java.util.ArrayList<>();
        for (String line : s.text().split("\n", -1)) {
          all.addAll(splitter.line(line));
        }
        StatementSplitter.Statement last = splitter.end();
        if (last != null) {
          all.add(last);
        }
        for (StatementSplitter.Statement st : all) {
          if (session.execute(st.sql()) instanceof SqlResult.Error e) {
            log.error("ERROR " + e.code() + " (" + e.sqlState() + ") at line " + st.line() + ": " + e.message());
          }
        }
        log.blank();
      }
    }
  }

  private static boolean set(Map<String, String> env, String name) {
    String v = env.get(name);
    return v != null && !v.isEmpty();
  }

  private static String randomPassword() {
    SecureRandom r = new SecureRandom();
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < 32; i++) {
      b.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
