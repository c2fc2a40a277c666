package io.dekube.kubelet.images.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The RESP server over a real socket: redis's replies, word for word. */
class RedisServerTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
  }

  @Test
  void stringsKeysAndExpiryAnswerAsRedis() throws Exception {
    try (TestRedis redis = new TestRedis(vertx, null); RespClient c = redis.client()) {
      assertEquals("+PONG", c.call("PING"));
      assertEquals("$2\r\nhi", c.call("ping", "hi"));
      assertEquals("$5\r\nhello", c.call("ECHO", "hello"));
      assertEquals("$-1", c.call("GET", "k"));
      assertEquals("+OK", c.call("SET", "k", "v"));
      assertEquals("$1\r\nv", c.call("GET", "k"));
      assertEquals("$-1", c.call("SET", "k", "w", "NX"));
      assertEquals("+OK", c.call("SET", "k", "w", "XX"));
      assertEquals("$-1", c.call("SET", "other", "w", "XX"));
      assertEquals("-ERR syntax error", c.call("SET", "k", "v", "NX", "XX"));
      assertEquals("-ERR invalid expire time in set", c.call("SET", "k", "v", "EX", "0"));
      assertEquals("-ERR value is not an integer or out of range", c.call("SET", "k", "v", "EX", "ten"));
      assertEquals("+OK", c.call("SET", "t", "v", "EX", "100"));
      assertEquals(":100", c.call("TTL", "t"));
      assertEquals(":-1", c.call("TTL", "k"));
      assertEquals(":-2", c.call("TTL", "none"));
      assertEquals("+OK", c.call("SET", "gone", "v", "PX", "50"));
      Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> c.call("GET", "gone").equals("$-1"));
      assertEquals(":1", c.call("EXPIRE", "k", "100"));
      assertEquals(":0", c.call("EXPIRE", "none", "100"));
      assertEquals(":1", c.call("PERSIST", "k"));
      assertEquals(":1", c.call("INCR", "n"));
      assertEquals(":11", c.call("INCRBY", "n", "10"));
      assertEquals(":10", c.call("DECR", "n"));
      assertEquals("-ERR value is not an integer or out of range", c.call("INCR", "k"));
      assertEquals(":5", c.call("APPEND", "a", "hello"));
      assertEquals(":11", c.call("APPEND", "a", " world"));
      assertEquals(":2", c.call("EXISTS", "a", "k", "none"));
      assertEquals("*1\r\n$1\r\na", c.call("KEYS", "a*"));
      assertEquals(":2", c.call("DEL", "a", "n", "none"));
      assertEquals("+OK", c.call("SELECT", "1"));
      assertEquals(":0", c.call("DBSIZE"));
      assertEquals("-ERR DB index is out of range", c.call("SELECT", "16"));
      assertEquals("-ERR invalid DB index", c.call("SELECT", "x"));
      assertEquals("+OK", c.call("SELECT", "0"));
      assertEquals(":2", c.call("DBSIZE"));
      assertEquals("+OK", c.call("FLUSHALL"));
      assertEquals(":0", c.call("DBSIZE"));
    }
  }

  @Test
  void listsHashesAndWrongTypes() throws Exception {
    try (TestRedis redis = new TestRedis(vertx, null); RespClient c = redis.client()) {
      assertEquals(":2", c.call("RPUSH", "l", "b", "c"));
      assertEquals(":3", c.call("LPUSH", "l", "a"));
      assertEquals("*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc", c.call("LRANGE", "l", "0", "-1"));
      assertEquals("*2\r\n$1\r\nb\r\n$1\r\nc", c.call("LRANGE", "l", "-2", "100"));
      assertEquals("*0", c.call("LRANGE", "none", "0", "-1"));
      assertEquals(":3", c.call("LLEN", "l"));
      assertEquals("$1\r\na", c.call("LPOP", "l"));
      assertEquals("$1\r\nc", c.call("RPOP", "l"));
      assertEquals(":2", c.call("HSET", "h", "f1", "v1", "f2", "v2"));
      assertEquals(":0", c.call("HSET", "h", "f1", "v1b"));
      assertEquals("$3\r\nv1b", c.call("HGET", "h", "f1"));
      assertEquals("*4\r\n$2\r\nf1\r\n$3\r\nv1b\r\n$2\r\nf2\r\n$2\r\nv2", c.call("HGETALL", "h"));
      assertEquals(":1", c.call("HDEL", "h", "f1", "nope"));
      assertEquals("-ERR wrong number of arguments for 'hset' command", c.call("HSET", "h", "f"));
      assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value", c.call("GET", "l"));
      assertEquals("-WRONGTYPE Operation against a key holding the wrong kind of value", c.call("LPUSH", "h", "x"));
      assertEquals("+list", c.call("TYPE", "l"));
      assertEquals("+hash", c.call("TYPE", "h"));
      assertEquals("-ERR wrong number of arguments for 'get' command", c.call("GET"));
      assertEquals("-ERR unknown command `FOO`, with args beginning with: `a`, `b`, ", c.call("FOO", "a", "b"));
      assertEquals("-ERR unknown command `HELLOX`, with args beginning with: ", c.call("HELLOX"));
      assertEquals("+PONG", c.inline("PING"));
      assertEquals("$5\r\na b c", c.inline("ECHO \"a b c\""));
    }
  }

  @Test
  void redisSevenQuotesUnknownCommandsOtherwise() throws Exception {
    try (TestRedis redis = new TestRedis(vertx, "7.2.0", null, java.util.List.of()); RespClient c = redis.client()) {
      assertEquals("-ERR unknown command 'FOO', with args beginning with: 'a' 'b' ", c.call("FOO", "a", "b"));
    }
  }

  @Test
  void configComesFromTheFileAndTheCommandLine() throws Exception {
    int port = TestRedis.freePort();
    String file = "# a ConfigMap's redis.conf\nmaxmemory 2mb\nmaxmemory-policy allkeys-lru\nport " + port + "\n";
    try (TestRedis redis = new TestRedis(vertx, file, "--appendonly", "yes"); RespClient c = redis.client()) {
      assertEquals(port, redis.port, "the file's port is the port");
      assertEquals("*2\r\n$9\r\nmaxmemory\r\n$7\r\n2097152", c.call("CONFIG", "GET", "maxmemory"));
      assertEquals("*2\r\n$16\r\nmaxmemory-policy\r\n$11\r\nallkeys-lru", c.call("CONFIG", "GET", "maxmemory-policy"));
      assertEquals("*2\r\n$10\r\nappendonly\r\n$3\r\nyes", c.call("CONFIG", "GET", "appendonly"));
      assertEquals("*2\r\n$4\r\nport\r\n$" + Integer.toString(port).length() + "\r\n" + port,
          c.call("CONFIG", "GET", "port"));
      assertEquals("+OK", c.call("CONFIG", "SET", "maxmemory", "1gb"));
      assertEquals("*2\r\n$9\r\nmaxmemory\r\n$10\r\n1073741824", c.call("CONFIG", "GET", "maxmemory"));
      assertEquals("-ERR Invalid argument 'lots' for CONFIG SET 'maxmemory'", c.call("CONFIG", "SET", "maxmemory",
          "lots"));
      assertEquals("-ERR Unsupported CONFIG parameter: nosuch", c.call("CONFIG", "SET", "nosuch", "1"));
      assertTrue(c.call("CONFIG", "GET", "maxmemory*").startsWith("*6\r\n$9\r\nmaxmemory\r\n"));
      String info = c.call("INFO", "server");
      assertTrue(info.contains("redis_version:6.0.5\r\n") && info.contains("tcp_port:" + port + "\r\n")
          && info.contains("config_file:/redis.conf\r\n"), info);
      String replication = c.call("INFO", "replication");
      assertTrue(replication.contains("# Replication\r\nrole:master\r\nconnected_slaves:0\r\n"), replication);
    }
  }

  @Test
  void aFreshServerHasRedisDefaults() throws Exception {
    try (TestRedis redis = new TestRedis(vertx, null); RespClient c = redis.client()) {
      assertEquals("*2\r\n$9\r\nmaxmemory\r\n$1\r\n0", c.call("CONFIG", "GET", "maxmemory"));
      assertEquals("*2\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction", c.call("CONFIG", "GET", "maxmemory-policy"));
      assertEquals("*2\r\n$10\r\nappendonly\r\n$2\r\nno", c.call("CONFIG", "GET", "appendonly"));
    }
  }
}
