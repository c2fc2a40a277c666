package io.dekube.kubelet.images.mysql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** MySQL's SQL text made into H2's, the names of unnamed columns, and the client's statements split at {@code ;}. */
class SqlTextTest {

  private static final Map<String, Object> VALUES = Map.of("version", "9.1.0", "VERSION()", "9.1.0",
      "max_allowed_packet", 67108864, "DATABASE()", "shop");

  @Test
  void literalsVariablesAndFunctionsBecomeH2s() {
    String[][] cases = {
        {"SELECT \"it's\"", "SELECT 'it''s'"},
        {"SELECT 'a\\'b\\\\c\\n'", "SELECT 'a''b\\c\n'"},
        {"SELECT @@version, @@session.max_allowed_packet AS m", "SELECT '9.1.0', 67108864 AS m"},
        {"SELECT @@nosuch", "SELECT NULL"},
        {"select version(), Database() from `t` where x = '@@version'",
            "select '9.1.0', 'shop' from `t` where x = '@@version'"},
        {"SELECT @@version,NOW(), sysdate ( )", "SELECT '9.1.0',LOCALTIMESTAMP(0), LOCALTIMESTAMP(0)"},
        {"SELECT NOW(3)", "SELECT NOW(3)"},
    };
    for (String[] c : cases) {
      assertEquals(c[1], SqlText.translate(c[0], VALUES::get), c[0]);
    }
  }

  @Test
  void unnamedColumnsAreNamedByTheirText() {
    assertEquals(Arrays.asList("VERSION()", "1+1", null, null, null),
        SqlText.selectLabels("/* c */ SELECT VERSION(), 1+1, a, t.b, COUNT(*) AS n FROM t WHERE x = 1"));
    assertEquals(Arrays.asList("a,b", "f(1, 2)", null), SqlText.selectLabels("select 'a,b', f(1, 2), c n"));
    assertEquals(null, SqlText.selectLabels("SELECT * FROM t"));
    assertEquals(null, SqlText.selectLabels("INSERT INTO t VALUES (1)"));
  }

  @Test
  void statementsEndAtSemicolonsOutsideQuotesAndComments() {
    StatementSplitter s = new StatementSplitter();
    assertEquals(List.of(), s.line("SELECT 'a;b',"));
    assertEquals("    -> ", s.prompt());
    assertEquals(List.of(new StatementSplitter.Statement("SELECT 'a;b',\n2", false, 1),
        new StatementSplitter.Statement("SELECT 3", true, 2)), s.line("2; SELECT 3\\G -- done;"));
    assertEquals("mysql> ", s.prompt());
    assertEquals(List.of(), s.line("INSERT INTO t VALUES ('it"));
    assertEquals("    '> ", s.prompt());
    assertEquals(List.of(new StatementSplitter.Statement("INSERT INTO t VALUES ('it\n')", false, 3)), s.line("');"));
    assertEquals(List.of(), s.line("/* a; b"));
    assertEquals("   /*> ", s.prompt());
    assertEquals(List.of(), s.line("*/ SELECT 4"));
    assertEquals(new StatementSplitter.Statement("/* a; b\n*/ SELECT 4", false, 5), s.end());
  }

  @Test
  void tablesAndBatchLinesAsTheClientPrintsThem() {
    MysqlClient.Result r = new MysqlClient.Result(List.of("id", "name"), List.of(ColumnType.LONG,
        ColumnType.VAR_STRING), List.of(List.of("1", "apple"), Arrays.asList("10", null)), 2, "");
    assertEquals("""
        +----+-------+
        | id | name  |
        +----+-------+
        |  1 | apple |
        | 10 | NULL  |
        +----+-------+
        """, ResultFormat.table(r));
    assertEquals("id\tname\n1\tapple\n10\tNULL\n", ResultFormat.batch(r, false));
    assertEquals("2 rows in set (0.01 sec)\n", ResultFormat.status(r, 0.012));
    assertEquals("Query OK, 1 row affected (0.00 sec)\n", ResultFormat.status(new MysqlClient.Result(null, null, null,
        1, ""), 0));
    assertEquals("""
        *************************** 1. row ***************************
          id: 1
        name: apple
        """, ResultFormat.vertical(new MysqlClient.Result(List.of("id", "name"), List.of(ColumnType.LONG,
        ColumnType.VAR_STRING), List.of(List.of("1", "apple")), 1, "")));
  }
}
