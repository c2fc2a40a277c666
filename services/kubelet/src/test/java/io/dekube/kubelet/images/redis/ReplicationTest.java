package io.dekube.kubelet.images.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A master and a replica on real sockets: the full sync, the stream of writes, READONLY, INFO replication. */
class ReplicationTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void aReplicaCopiesItsMasterAndRefusesWrites() throws Exception {
    try (TestRedis leader = new TestRedis(vertx, null); RespClient master = leader.client()) {
      assertEquals("+OK", master.call("SET", "before", "1"));
      assertEquals(":2", master.call("RPUSH", "list", "a", "b"));
      assertEquals("+OK", master.call("SELECT", "3"));
      assertEquals(":1", master.call("HSET", "h", "f", "v"));
      try (TestRedis follower = new TestRedis(vertx, null, "--replicaof", "127.0.0.1", Integer.toString(leader.port));
           RespClient replica = follower.client()) {
        Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> replica.call("INFO", "replication").contains("master_link_status:up"));
        assertEquals("$1\r\n1", replica.call("GET", "before"), "the data before the replica came, by the full sync");
        assertEquals("*2\r\n$1\r\na\r\n$1\r\nb", replica.call("LRANGE", "list", "0", "-1"));
        assertEquals("+OK", master.call("SET", "messages", "hello,world"));
        assertEquals("+OK", master.call("SELECT", "0"));
        assertEquals("+OK", master.call("SET", "messages", "in db 0"));
        Awaitility.await().atMost(Duration.ofSeconds(10))
            .until(() -> replica.call("GET", "messages").equals("$7\r\nin db 0"));
        assertEquals("+OK", replica.call("SELECT", "3"));
        assertEquals("$11\r\nhello,world", replica.call("GET", "messages"), "writes go to the database they ran in");
        assertEquals("$1\r\nv", replica.call("HGET", "h", "f"));
        assertEquals("+OK", replica.call("SELECT", "0"));
        assertEquals("-READONLY You can't write against a read only replica.", replica.call("SET", "x", "y"));
        String info = replica.call("INFO", "replication");
        assertTrue(info.contains("role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:" + leader.port
            + "\r\nmaster_link_status:up\r\n"), info);
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> master.call("INFO", "replication")
            .matches("(?s).*connected_slaves:1\r\nslave0:ip=127\\.0\\.0\\.1,port=" + follower.port
                + ",state=online,offset=[1-9]\\d*,lag=\\d+\r\n.*"));
        assertTrue(follower.log.stream().anyMatch(l -> l.contains(" * MASTER <-> REPLICA sync: Finished with success")),
            follower.log.toString());
        assertTrue(follower.log.stream().anyMatch(l -> l.startsWith("1:S ")), follower.log.toString());
        assertEquals(":1", master.call("DEL", "messages"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> replica.call("EXISTS", "messages")
            .equals(":0"));
        assertEquals("+OK", replica.call("REPLICAOF", "NO", "ONE"));
        assertEquals("+OK", replica.call("SET", "x", "y"), "a master again, it takes writes");
        assertTrue(replica.call("INFO", "replication").contains("role:master\r\n"));
      }
    }
  }

  @Test
  void aReplicaWaitsForAMasterThatIsNotThereYetAndSlaveofStillWorks() throws Exception {
    int masterPort = TestRedis.freePort();
    try (TestRedis follower = new TestRedis(vertx, null); RespClient replica = follower.client()) {
      assertEquals("+OK", replica.call("SET", "mine", "1"));
      assertEquals("+OK", replica.call("SLAVEOF", "127.0.0.1", Integer.toString(masterPort)));
      String down = replica.call("INFO", "replication");
      assertTrue(down.contains("role:slave\r\n") && down.contains("master_link_status:down\r\n"), down);
      assertEquals("$1\r\n1", replica.call("GET", "mine"), "a replica serves its stale data while the link is down");
      try (TestRedis leader = new TestRedis(vertx, null, "--port", Integer.toString(masterPort));
           RespClient master = leader.client()) {
        assertEquals("+OK", master.call("SET", "k", "from the master"));
        Awaitility.await().atMost(Duration.ofSeconds(15))
            .until(() -> replica.call("GET", "k").equals("$15\r\nfrom the master"));
        assertEquals("$-1", replica.call("GET", "mine"), "the full sync replaced the replica's own data");
        assertEquals("+OK Already connected to specified master",
            replica.call("REPLICAOF", "127.0.0.1", Integer.toString(masterPort)));
      }
    }
  }
}
