package io.dekube.kubelet.images.mysql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One client connection's session: its database ({@code USE}, none at first), its H2 connection, and the
 * statements MySQL has and H2 does not — databases as schemas ({@code CREATE DATABASE}, {@code DROP DATABASE},
 * {@code SHOW DATABASES}, {@code SHOW TABLES}), {@code DESCRIBE} ({@link ShowColumns}), {@code SHOW VARIABLES},
 * {@code SET NAMES} and session variables,
 * accounts ({@code CREATE USER}, {@code ALTER USER}; {@code GRANT} is accepted and changes nothing) —; the rest
 * runs in H2 after {@link SqlText#translate}. Blocking, one statement at a time: call from a worker thread.
 */
final class SqlSession implements AutoCloseable {

  private static final String NAME = "(`[^`]+`|[\\w$]+)";
  private static final Pattern USE = Pattern.compile("(?is)USE\\s+" + NAME);
  private static final Pattern CREATE_DB = Pattern.compile("(?is)CREATE\\s+(?:DATABASE|SCHEMA)\\s+(IF\\s+NOT\\s+EXISTS\\s+)?"
      + NAME + ".*");
  private static final Pattern DROP_DB = Pattern.compile("(?is)DROP\\s+(?:DATABASE|SCHEMA)\\s+(IF\\s+EXISTS\\s+)?" + NAME);
  private static final Pattern SHOW_DBS = Pattern.compile("(?is)SHOW\\s+(?:DATABASES|SCHEMAS)(?:\\s+LIKE\\s+'([^']*)')?");
  private static final Pattern SHOW_TABLES = Pattern.compile("(?is)SHOW\\s+(FULL\\s+)?TABLES(?:\\s+(?:FROM|IN)\\s+" + NAME
      + ")?(?:\\s+LIKE\\s+'([^']*)')?");
  private static final Pattern SHOW_VARS = Pattern.compile("(?is)SHOW\\s+(?:GLOBAL\\s+|SESSION\\s+)?VARIABLES"
      + "(?:\\s+(?:LIKE|WHERE\\s+Variable_name\\s*=)\\s+'([^']*)')?");
  private static final Pattern DESCRIBE = Pattern.compile("(?is)(?:DESCRIBE|DESC|EXPLAIN|SHOW\\s+(?:FULL\\s+)?"
      + "(?:COLUMNS|FIELDS)\\s+(?:FROM|IN))\\s+(?:" + NAME + "\\s*\\.\\s*)?" + NAME + "(?:\\s+(?:FROM|IN)\\s+" + NAME + ")?");
  private static final Pattern SHOW_WARNINGS = Pattern.compile("(?is)SHOW\\s+(?:WARNINGS|ERRORS).*");
  private static final Pattern SET_NAMES = Pattern.compile("(?is)SET\\s+(?:NAMES|CHARACTER\\s+SET|CHARSET)\\b.*");
  private static final Pattern SET_VAR = Pattern.compile("(?is)SET\\s+(?:SESSION\\s+|GLOBAL\\s+|LOCAL\\s+|PERSIST\\s+)?"
      + "(?:@@(?:session\\.|global\\.|local\\.)?)?([A-Za-z_]\\w*)\\s*(?:=|:=)\\s*(.*)");
  private static final Pattern USER = Pattern.compile("(?is)(CREATE|ALTER)\\s+USER\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?"
      + "['`\"]?([^'`\"@\\s]+)['`\"]?(?:@['`\"]?([^'`\"\\s]+)['`\"]?)?(?:\\s+IDENTIFIED\\s+(?:WITH\\s+\\w+\\s+)?BY\\s+"
      + "'([^']*)')?.*");
  private static final Pattern ACCEPTED = Pattern.compile("(?is)(GRANT|REVOKE|FLUSH|LOCK\\s+TABLES|UNLOCK\\s+TABLES"
      + "|SET\\s+TRANSACTION|SET\\s+PASSWORD)\\b.*");
  private static final Pattern CREATE_TABLE = Pattern.compile("(?is)CREATE\\s+(?:TEMPORARY\\s+)?TABLE\\s+"
      + "(?:IF\\s+NOT\\s+EXISTS\\s+)?" + NAME + "(\\s*\\.)?.*");
  private static final Pattern INSERT = Pattern.compile("(?is)(INSERT|REPLACE)\\b.*");
  private static final Pattern UPDATE = Pattern.compile("(?is)UPDATE\\b.*");

  private final SqlEngine engine;
  private final Connection jdbc;
  private final long id;
  private final String user;
  private final String host;
  private String database;
  private volatile boolean autocommit = true;
  private boolean applier;

  SqlSession(SqlEngine engine, Connection jdbc, long id, String user, String host) throws SQLException {
    this.engine = engine;
    this.jdbc = jdbc;
    this.id = id;
    this.user = user;
    this.host = host;
    try (Statement st = jdbc.createStatement()) {
      st.execute("SET SCHEMA PUBLIC");
    }
  }

  /** This session applies a source's statements: {@code super_read_only} does not stop it. */
  void applier() {
    applier = true;
  }

  SqlEngine engine() {
    return engine;
  }

  long id() {
    return id;
  }

  /** The selected database, or null. */
  String database() {
    return database;
  }

  /** Whether each statement commits by itself ({@code SET autocommit}); read on any thread. */
  boolean autocommit() {
    return autocommit;
  }

  /** Selects {@code name} ({@code USE}, {@code COM_INIT_DB}). */
  SqlResult use(String name) {
    String db = unquote(name);
    try (Statement st = jdbc.createStatement()) {
      st.execute("SET SCHEMA " + SqlEngine.quote(schema(db)));
      database = db;
      return new SqlResult.Ok(0, 0, "");
    } catch (SQLException e) {
      return MysqlErrors.unknownDatabase(db);
    }
  }

  /** Runs one statement. */
  SqlResult execute(String sql) {
    String s = SqlText.stripped(sql);
    SqlResult r;
    try {
      r = ReplicationStatements.of(this, s);
      if (r == null && !applier && engine.variables().on("super_read_only") && ReplicationStatements.changes(s)) {
        r = new SqlResult.Error(1290, "HY000", "The MySQL server is running with the --super-read-only option so it "
            + "cannot execute this statement");
      }
      if (r == null) {
        if (ReplicationStatements.changes(s)) {
          engine.awaitWritable(this);
        }
        r = statement(s);
        if (!(r instanceof SqlResult.Error)) {
          engine.logged(database, s, id);
        }
      }
    } catch (SQLException e) {
      r = MysqlErrors.of(e, s, database);
    } catch (java.io.IOException e) {
      r = new SqlResult.Error(1105, "HY000", String.valueOf(e.getMessage()));
    }
    return r;
  }

  private SqlResult statement(String s) throws SQLException {
    if (s.isEmpty()) {
      return new SqlResult.Error(1065, "42000", "Query was empty");
    }
    Matcher m;
    if ((m = USE.matcher(s)).matches()) {
      return use(m.group(1));
    }
    if ((m = CREATE_DB.matcher(s)).matches()) {
      return createDatabase(unquote(m.group(2)), m.group(1) != null);
    }
    if ((m = DROP_DB.matcher(s)).matches()) {
      return dropDatabase(unquote(m.group(2)), m.group(1) != null);
    }
    if ((m = SHOW_DBS.matcher(s)).matches()) {
      return showDatabases(m.group(1));
    }
    if ((m = SHOW_TABLES.matcher(s)).matches()) {
      return showTables(m.group(1) != null, m.group(2) == null ? database : unquote(m.group(2)), m.group(3));
    }
    if ((m = SHOW_VARS.matcher(s)).matches()) {
      return showVariables(m.group(1));
    }
    if ((m = DESCRIBE.matcher(s)).matches()) {
      String db = m.group(1) != null ? unquote(m.group(1)) : m.group(3) != null ? unquote(m.group(3)) : database;
      String table = unquote(m.group(2));
      if (db == null) {
        return MysqlErrors.noDatabase();
      }
      SqlResult.Rows columns = ShowColumns.of(jdbc, schema(db), table);
      return columns != null ? columns : MysqlErrors.tableMissing(db, table);
    }
    if (SHOW_WARNINGS.matcher(s).matches()) {
      return new SqlResult.Rows(List.of(SqlResult.Column.computed("Level", ColumnType.VAR_STRING),
          SqlResult.Column.computed("Code", ColumnType.LONG), SqlResult.Column.computed("Message", ColumnType.VAR_STRING)),
          List.of());
    }
    if (SET_NAMES.matcher(s).matches() || ACCEPTED.matcher(s).matches()) {
      return new SqlResult.Ok(0, 0, "");
    }
    if ((m = SET_VAR.matcher(s)).matches() && !s.contains(",")) {
      if (m.group(1).equalsIgnoreCase("autocommit")) {
        String v = m.group(2).strip();
        autocommit = v.equals("1") || v.equalsIgnoreCase("ON") || v.equalsIgnoreCase("TRUE");
        jdbc.setAutoCommit(autocommit);
      }
      return new SqlResult.Ok(0, 0, "");
    }
    if ((m = USER.matcher(s)).matches()) {
      if (m.group(4) != null) {
        engine.account(m.group(2), m.group(3) == null ? "%" : m.group(3), m.group(4));
      }
      return new SqlResult.Ok(0, 0, "");
    }
    if (database == null && (m = CREATE_TABLE.matcher(s)).matches() && m.group(2) == null) {
      return MysqlErrors.noDatabase();
    }
    return run(s);
  }

  private SqlResult run(String s) throws SQLException {
    String h2 = SqlText.translate(s, this::value);
    try (Statement st = jdbc.createStatement()) {
      boolean rows = st.execute(h2, Statement.RETURN_GENERATED_KEYS);
      if (rows) {
        return rows(st.getResultSet(), SqlText.selectLabels(s));
      }
      long count = Math.max(0, st.getLargeUpdateCount());
      long lastId = 0;
      String info = "";
      if (INSERT.matcher(s).matches()) {
        lastId = generatedKey(st);
        info = count > 1 ? "Records: " + count + "  Duplicates: 0  Warnings: 0" : "";
      } else if (UPDATE.matcher(s).matches()) {
        info = "Rows matched: " + count + "  Changed: " + count + "  Warnings: 0";
      }
      return new SqlResult.Ok(count, lastId, info);
    }
  }

  private static long generatedKey(Statement st) {
    try (ResultSet keys = st.getGeneratedKeys()) {
      long last = 0;
      while (keys.next()) {
        last = keys.getLong(1);
      }
      return last;
    } catch (SQLException e) {
      return 0;
    }
  }

  /** A variable's or a server function's value for {@link SqlText#translate}. */
  private Object value(String name) {
    return switch (name) {
      case "VERSION()" -> engine.version().number();
      case "DATABASE()", "SCHEMA()" -> database;
      case "USER()", "SESSION_USER()", "SYSTEM_USER()" -> user + "@" + host;
      case "CURRENT_USER()" -> user + "@%";
      case "CONNECTION_ID()" -> id;
      default -> name.endsWith("()") ? null : engine.variables().get(name);
    };
  }

  private SqlResult rows(ResultSet rs, List<String> labels) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<SqlResult.Column> columns = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      String label = labels != null && labels.size() == n && labels.get(i - 1) != null ? labels.get(i - 1)
          : md.getColumnLabel(i);
      ColumnType type = ColumnType.of(md.getColumnType(i));
      columns.add(new SqlResult.Column(label, md.getColumnName(i), md.getTableName(i), md.getSchemaName(i), type,
          md.isNullable(i) == ResultSetMetaData.columnNoNulls, false, md.isAutoIncrement(i)));
    }
    List<List<String>> rows = new ArrayList<>();
    while (rs.next()) {
      List<String> row = new ArrayList<>(n);
      for (int i = 1; i <= n; i++) {
        row.add(text(rs, i, md.getColumnType(i)));
      }
      rows.add(row);
    }
    return new SqlResult.Rows(columns, rows);
  }

  private static String text(ResultSet rs, int i, int jdbcType) throws SQLException {
    if (jdbcType == Types.BOOLEAN || jdbcType == Types.BIT) {
      boolean b = rs.getBoolean(i);
      return rs.wasNull() ? null : b ? "1" : "0";
    }
    if (jdbcType == Types.VARBINARY || jdbcType == Types.BINARY || jdbcType == Types.BLOB
        || jdbcType == Types.LONGVARBINARY) {
      byte[] b = rs.getBytes(i);
      return b == null ? null : new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }
    return rs.getString(i);
  }

  private SqlResult createDatabase(String name, boolean ifNotExists) throws SQLException {
    if (existing().contains(name)) {
      return ifNotExists ? new SqlResult.Ok(1, 0, "") : MysqlErrors.databaseExists(name);
    }
    try (Statement st = jdbc.createStatement()) {
      st.execute("CREATE SCHEMA " + SqlEngine.quote(name));
    }
    return new SqlResult.Ok(1, 0, "");
  }

  private SqlResult dropDatabase(String name, boolean ifExists) throws SQLException {
    if (!existing().contains(name)) {
      return ifExists ? new SqlResult.Ok(0, 0, "") : MysqlErrors.cannotDropDatabase(name);
    }
    int tables = tables(name).size();
    try (Statement st = jdbc.createStatement()) {
      if (name.equals(database)) {
        st.execute("SET SCHEMA PUBLIC");
        database = null;
      }
      st.execute("DROP SCHEMA " + SqlEngine.quote(name) + " CASCADE");
    }
    return new SqlResult.Ok(tables, 0, "");
  }

  /** The databases a client sees: H2's schemas but its own PUBLIC, {@code information_schema} in lower case. */
  private TreeSet<String> existing() throws SQLException {
    TreeSet<String> names = new TreeSet<>();
    try (Statement st = jdbc.createStatement();
         ResultSet rs = st.executeQuery("SELECT SCHEMA_NAME FROM INFORMATION_SCHEMA.SCHEMATA")) {
      while (rs.next()) {
        String s = rs.getString(1);
        if (!s.equals("PUBLIC")) {
          names.add(s.equals("INFORMATION_SCHEMA") ? "information_schema" : s);
        }
      }
    }
    return names;
  }

  private SqlResult showDatabases(String like) throws SQLException {
    List<List<String>> rows = new ArrayList<>();
    for (String db : existing()) {
      if (like == null || matches(like, db)) {
        rows.add(List.of(db));
      }
    }
    String header = like == null ? "Database" : "Database (" + like + ")";
    return new SqlResult.Rows(List.of(new SqlResult.Column(header, "SCHEMA_NAME", "SCHEMATA", "information_schema",
        ColumnType.VAR_STRING, true, false, false)), rows);
  }

  private List<String[]> tables(String db) throws SQLException {
    List<String[]> found = new ArrayList<>();
    try (PreparedStatement ps = jdbc.prepareStatement("SELECT TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES"
        + " WHERE TABLE_SCHEMA = ? ORDER BY TABLE_NAME")) {
      ps.setString(1, schema(db));
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          found.add(new String[] {rs.getString(1), rs.getString(2)});
        }
      }
    }
    return found;
  }

  private SqlResult showTables(boolean full, String db, String like) throws SQLException {
    if (db == null) {
      return MysqlErrors.noDatabase();
    }
    if (!existing().contains(db)) {
      return MysqlErrors.unknownDatabase(db);
    }
    List<List<String>> rows = new ArrayList<>();
    for (String[] t : tables(db)) {
      if (like == null || matches(like, t[0])) {
        rows.add(full ? List.of(t[0], t[1].equals("VIEW") ? "VIEW" : "BASE TABLE") : List.of(t[0]));
      }
    }
    List<SqlResult.Column> columns = new ArrayList<>();
    columns.add(new SqlResult.Column("Tables_in_" + db + (like == null ? "" : " (" + like + ")"), "TABLE_NAME",
        "TABLES", "information_schema", ColumnType.VAR_STRING, true, false, false));
    if (full) {
      columns.add(SqlResult.Column.computed("Table_type", ColumnType.VAR_STRING));
    }
    return new SqlResult.Rows(columns, rows);
  }

  private SqlResult showVariables(String like) {
    List<List<String>> rows = new ArrayList<>();
    for (Map.Entry<String, Object> e : engine.variables().all().entrySet()) {
      if (like == null || matches(like, e.getKey())) {
        rows.add(List.of(e.getKey(), String.valueOf(e.getValue())));
      }
    }
    return new SqlResult.Rows(List.of(SqlResult.Column.computed("Variable_name", ColumnType.VAR_STRING),
        SqlResult.Column.computed("Value", ColumnType.VAR_STRING)), rows);
  }

  /** Whether {@code name} matches the LIKE pattern {@code like} ({@code %}, {@code _}), as MySQL's names: no case. */
  static boolean matches(String like, String name) {
    StringBuilder re = new StringBuilder();
    for (char c : like.toCharArray()) {
      re.append(c == '%' ? ".*" : c == '_' ? "." : Pattern.quote(String.valueOf(c)));
    }
    return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL).matcher(name).matches();
  }

  private static String schema(String db) {
    return db.equalsIgnoreCase("information_schema") ? "INFORMATION_SCHEMA" : db;
  }

  private static String unquote(String name) {
    return name.length() >= 2 && name.startsWith("`") && name.endsWith("`") ? name.substring(1, name.length() - 1)
        : name;
  }

  @Override
  public void close() {
    engine.unlock(this);
    try {
      jdbc.close();
    } catch (SQLException e) {
      // the database is closing
    }
  }
}
