package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bash's {@code [[ ]]}, {@code BASH_REMATCH} and {@code $(<file)}, as the replicated-MySQL page's scripts use them. */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class BashConditionalTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();
  private final StringBuffer out = output.out;
  private final StringBuffer err = output.err;

  @BeforeEach
  void vertx(Vertx vertx) {
    this.vertx = vertx;
  }

  private int bash(String script) throws Exception {
    Files.createDirectories(dir.resolve("config"));
    Files.writeString(dir.resolve("config/primary.cnf"), "[mysqld]\nlog-bin\n");
    Files.writeString(dir.resolve("config/secondary.cnf"), "[mysqld]\nsuper-read-only\n");
    ContainerSpec spec = new ContainerSpec("d", "mysql-1", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").build(), Map.of("HOSTNAME", "mysql-1"),
        dir.resolve("c/0.log"), dir, Map.of("/mnt/config-map", dir.resolve("config")), "id");
    ExecSession s = ShellSession.start(vertx, spec, List.of("bash", "-c", script), output, false);
    return s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void thePagesInitScriptTakesTheOrdinalFromTheHostname() throws Exception {
    assertEquals(0, bash("""
        set -ex
        # Generate mysql server-id from pod ordinal index.
        [[ `hostname` =~ -([0-9]+)$ ]] || exit 1
        ordinal=${BASH_REMATCH[1]}
        mkdir -p /mnt/conf.d
        echo [mysqld] > /mnt/conf.d/server-id.cnf
        echo server-id=$((100 + $ordinal)) >> /mnt/conf.d/server-id.cnf
        if [[ $ordinal -eq 0 ]]; then
          cp /mnt/config-map/primary.cnf /mnt/conf.d/
        else
          cp /mnt/config-map/secondary.cnf /mnt/conf.d/
        fi
        cat /mnt/conf.d/server-id.cnf /mnt/conf.d/secondary.cnf
        [[ -d /mnt/conf.d ]] && [[ ! -f /mnt/conf.d/primary.cnf ]] && echo ok
        """), err.toString());
    assertEquals("[mysqld]\nserver-id=101\n[mysqld]\nsuper-read-only\nok\n", out.toString());
    assertEquals("+ hostname\n+ [[ mysql-1 =~ -([0-9]+)$ ]]\n+ ordinal=1\n", err.toString().substring(0,
        err.toString().indexOf("+ mkdir")));
  }

  @Test
  void theSidecarParsesTheBinlogInfoAndReadsFilesWithDollarLess() throws Exception {
    assertEquals(0, bash("""
        mkdir -p /var/lib/mysql && cd /var/lib/mysql
        printf 'mysql-0-bin.000001\\t154\\n' > xtrabackup_binlog_info
        if [[ -f xtrabackup_slave_info && "x$(<xtrabackup_slave_info)" != "x" ]]; then
          echo slave
        elif [[ -f xtrabackup_binlog_info ]]; then
          [[ `cat xtrabackup_binlog_info` =~ ^(.*?)[[:space:]]+(.*?)$ ]] || exit 1
          echo "CHANGE MASTER TO MASTER_LOG_FILE='${BASH_REMATCH[1]}',\\
                MASTER_LOG_POS=${BASH_REMATCH[2]}" > change_master_to.sql.in
        fi
        echo "$(<change_master_to.sql.in), MASTER_HOST='mysql-0.mysql'"
        [[ a == a && ( b != c || x ) ]]; echo $?
        [[ abc == a* ]]; echo $?
        [[ 3 -lt 10 && 10 > 3 ]]; echo $?
        [[ -z "" && -n x ]]; echo $?
        [[ x =~ ( ]]; echo $?
        """), err.toString());
    assertEquals("CHANGE MASTER TO MASTER_LOG_FILE='mysql-0-bin.000001',        MASTER_LOG_POS=154,"
        + " MASTER_HOST='mysql-0.mysql'\n0\n0\n1\n0\n2\n", out.toString());
    assertEquals("", err.toString());
  }

  /** bash's set -x quotes only words with its metacharacters: the sidecar's {@code --max-conns=1} stays bare. */
  @Test
  void bashTracesWordsAsBashQuotesThem() throws Exception {
    assertEquals(0, bash("set -x; echo --max-conns=1 '[' \"it's\" 3307 -c 'a b' x=1"), err.toString());
    assertEquals("+ echo --max-conns=1 '[' 'it'\\''s' 3307 -c 'a b' x=1\n", err.toString());
  }
}
