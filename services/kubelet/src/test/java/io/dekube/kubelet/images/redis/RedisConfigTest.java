package io.dekube.kubelet.images.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

/** redis.conf and {@code --name value} options as redis reads them, and its fatal error for a bad line. */
class RedisConfigTest {

  @Test
  void memoryUnitsAsRedisCountsThem() {
    assertEquals(2097152L, RedisConfig.memory("2mb"));
    assertEquals(2000000L, RedisConfig.memory("2m"));
    assertEquals(1073741824L, RedisConfig.memory("1GB"));
    assertEquals(100L, RedisConfig.memory("100"));
    assertNull(RedisConfig.memory("2xb"));
  }

  @Test
  void optionsComeAfterTheFileAndQuotesSplitAsRedisSplitsThem() throws Exception {
    RedisConfig c = new RedisConfig("6.0.5");
    c.load("/etc/redis.conf", "save 900 1\nsave 300 10\nrequirepass \"a b\"\n", List.of("--port", "7000",
        "--replicaof", "redis-leader", "6379"));
    assertEquals("7000", c.get("port"));
    assertEquals("900 1 300 10", c.get("save"));
    assertEquals("a b", c.get("requirepass"));
    assertEquals("redis-leader 6379", c.get("slaveof"));
    assertEquals(List.of("replicaof", "redis-leader 6379", "slaveof", "redis-leader 6379"), c.matching("*of"));
  }

  @Test
  void aBadLineIsRedisFatalConfigError() {
    RedisConfig c = new RedisConfig("6.0.5");
    RedisConfig.ConfigException e = assertThrows(RedisConfig.ConfigException.class,
        () -> c.load("/r.conf", "maxmemory 2mb\nmaxmemory-policy lru\n", List.of()));
    assertEquals("\n*** FATAL CONFIG FILE ERROR (Redis 6.0.5) ***\nReading the configuration file, at line 2\n"
        + ">>> 'maxmemory-policy lru'\nargument(s) must be one of the following: volatile-lru, volatile-lfu, "
        + "volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction\n", c.fatal(e));
    RedisConfig old = new RedisConfig("5.0.4");
    e = assertThrows(RedisConfig.ConfigException.class, () -> old.load(null, "", List.of("--nosuch", "x")));
    assertEquals("\n*** FATAL CONFIG FILE ERROR ***\nReading the configuration file, at line 1\n>>> 'nosuch x'\n"
        + "Bad directive or wrong number of arguments\n", old.fatal(e));
  }
}
