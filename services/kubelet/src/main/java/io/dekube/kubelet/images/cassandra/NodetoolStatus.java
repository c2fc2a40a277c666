package io.dekube.kubelet.images.cassandra;

import java.math.BigInteger;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code nodetool status} of Cassandra 3.11 from one node's view of the ring: per data centre its header, the legend,
 * and a line per node — {@code U}p/{@code D}own and {@code N}ormal/{@code J}oining, the address (the column as
 * wide as the longest one), the load ({@code 83.57 KiB}: FileUtils' two decimals at most), the token count, the
 * effective ownership and the host ID and rack — in the order of the nodes' first tokens on the ring, and the blank
 * line nodetool prints after them. Ownership is what the keyspace's replication gives each node of the Murmur3 ring:
 * without a keyspace it is {@code system_traces}' (SimpleStrategy, 2 replicas), as nodetool reads it when no user
 * keyspace exists, so the column sums to 200% from two nodes on. A joining node owns nothing yet: {@code ?}. Pure.
 */
final class NodetoolStatus {

  /** A node as this node sees it: its gossip state and whether the failure detector has it up. */
  record Member(Endpoint endpoint, boolean up) {
  }

  private static final BigInteger RING = BigInteger.ONE.shiftLeft(64);

  private NodetoolStatus() {
  }

  /** The status output for a keyspace of {@code replicas} replicas per token range (SimpleStrategy). */
  static String render(List<Member> members, int replicas) {
    Map<String, List<Member>> dcs = new TreeMap<>();
    TreeMap<Long, Member> ring = new TreeMap<>();
    List<Member> joining = new ArrayList<>();
    for (Member m : members) {
      if (m.endpoint().status().equals(Endpoint.BOOT)) {
        joining.add(m);
      } else {
        m.endpoint().tokens().forEach(t -> ring.put(t, m));
      }
    }
    Map<String, Double> owns = ownership(ring, replicas);
    LinkedHashSet<Member> ordered = new LinkedHashSet<>(ring.values());
    ordered.addAll(joining);
    for (Member m : ordered) {
      dcs.computeIfAbsent(m.endpoint().dc(), k -> new ArrayList<>()).add(m);
    }
    int width = 0;
    for (Member m : ordered) {
      width = Math.max(width, m.endpoint().address().length());
    }
    String fmt = "%s%s  %-" + width + "s  %-9s  %-11s  %-16s  %-36s  %s%n";
    StringBuilder b = new StringBuilder();
    DecimalFormat percent = new DecimalFormat("##0.0%", DecimalFormatSymbols.getInstance(Locale.ROOT));
    for (Map.Entry<String, List<Member>> dc : dcs.entrySet()) {
      String header = "Datacenter: " + dc.getKey();
      b.append(header).append('\n').append("=".repeat(header.length())).append('\n');
      b.append("Status=Up/Down\n|/ State=Normal/Leaving/Joining/Moving\n");
      b.append(String.format(Locale.ROOT, fmt, "-", "-", "Address", "Load", "Tokens", "Owns (effective)", "Host ID",
          "Rack"));
      for (Member m : dc.getValue()) {
        Endpoint e = m.endpoint();
        Double share = owns.get(e.address());
        b.append(String.format(Locale.ROOT, fmt, m.up() ? "U" : "D", e.status().equals(Endpoint.BOOT) ? "J" : "N",
            e.address(), size(e.loadBytes()), e.tokens().size(), share == null ? "?" : percent.format(share),
            e.hostId(), e.rack()));
      }
    }
    return b.append('\n').toString();
  }

  /** Each address' share of the ring, replicas included: the ranges it holds one of the copies of. */
  static Map<String, Double> ownership(TreeMap<Long, Member> ring, int replicas) {
    Map<String, Double> owns = new HashMap<>();
    if (ring.isEmpty()) {
      return owns;
    }
    List<Long> tokens = new ArrayList<>(ring.keySet());
    long distinct = ring.values().stream().map(m -> m.endpoint().address()).distinct().count();
    int rf = (int) Math.min(replicas, distinct);
    for (int i = 0; i < tokens.size(); i++) {
      long prev = tokens.get((i - 1 + tokens.size()) % tokens.size());
      long token = tokens.get(i);
      // the range (prev, token]: the whole ring when there is one token
      BigInteger size = BigInteger.valueOf(token).subtract(BigInteger.valueOf(prev));
      if (size.signum() <= 0) {
        size = size.add(RING);
      }
      double share = size.doubleValue() / RING.doubleValue();
      LinkedHashSet<String> holders = new LinkedHashSet<>();
      for (int j = 0; holders.size() < rf; j++) {
        holders.add(ring.get(tokens.get((i + j) % tokens.size())).endpoint().address());
      }
      holders.forEach(a -> owns.merge(a, share, Double::sum));
    }
    return owns;
  }

  /** FileUtils.stringifyFileSize: {@code 83.57 KiB}, {@code 1.2 MiB}, {@code 512 bytes}. */
  static String size(long bytes) {
    DecimalFormat two = new DecimalFormat("#.##", DecimalFormatSymbols.getInstance(Locale.ROOT));
    String[] units = {"TiB", "GiB", "MiB", "KiB"};
    for (int i = 0; i < units.length; i++) {
      double unit = Math.pow(1024, 4 - i);
      if (bytes >= unit) {
        return two.format(bytes / unit) + " " + units[i];
      }
    }
    return two.format(bytes) + " bytes";
  }
}
