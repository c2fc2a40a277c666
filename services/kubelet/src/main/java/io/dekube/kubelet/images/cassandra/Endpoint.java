package io.dekube.kubelet.images.cassandra;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What gossip tells of one Cassandra node: its address, host ID, tokens, data centre and rack, load, its status
 * ({@code BOOT} while it joins, {@code NORMAL}, {@code shutdown} once it announced its end, {@code removed} once removed) and its heartbeat
 * (generation = the second it started, version = a counter it raises every gossip round). A newer heartbeat wins
 * when two views of a node meet. Immutable.
 */
record Endpoint(String address, String hostId, long generation, long version, String status, List<Long> tokens,
                String dc, String rack, long loadBytes, boolean nativeTransport) {

  static final String BOOT = "BOOT";
  static final String NORMAL = "NORMAL";
  static final String SHUTDOWN = "shutdown";
  /** The status {@code nodetool removenode} gives a dead node's state: every node drops it. */
  static final String REMOVED = "removed";

  /** Whether this view of the node is newer than {@code other}'s. */
  boolean newerThan(Endpoint other) {
    return other == null || generation > other.generation
        || generation == other.generation && version > other.version;
  }

  Endpoint beat() {
    return new Endpoint(address, hostId, generation, version + 1, status, tokens, dc, rack, loadBytes,
        nativeTransport);
  }

  Endpoint withStatus(String s, boolean cql) {
    return new Endpoint(address, hostId, generation, version + 1, s, tokens, dc, rack, loadBytes, cql);
  }

  JsonObject json() {
    return new JsonObject().put("address", address).put("hostId", hostId).put("generation", generation)
        .put("version", version).put("status", status).put("tokens", new JsonArray(List.copyOf(tokens)))
        .put("dc", dc).put("rack", rack).put("load", loadBytes).put("cql", nativeTransport);
  }

  /** The state in a gossip message; null when it is not one. */
  static Endpoint of(JsonObject o) {
    try {
      List<Long> tokens = o.getJsonArray("tokens").stream().map(t -> ((Number) t).longValue()).toList();
      Endpoint e = new Endpoint(o.getString("address"), o.getString("hostId"), o.getLong("generation"),
          o.getLong("version"), o.getString("status"), tokens, o.getString("dc"), o.getString("rack"),
          o.getLong("load"), o.getBoolean("cql", false));
      return e.address() == null || e.hostId() == null || e.status() == null ? null : e;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
