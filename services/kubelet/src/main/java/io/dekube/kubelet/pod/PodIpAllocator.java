package io.dekube.kubelet.pod;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * Hands out pod IPs from a node's pod CIDR (IPv4, prefix 8..30): the network and the first
 * address (the node's gateway) are never given, nor the broadcast address. The CIDR may change
 * (node IPAM sets spec.podCIDR): later pods get addresses of the new one, earlier ones keep theirs.
 * Not thread-safe: one kubelet context.
 */
public final class PodIpAllocator {

  private final Map<String, String> byPod = new HashMap<>();
  private final TreeSet<Long> used = new TreeSet<>();
  private String cidr;
  private long base;
  private long size;
  private long next;

  public PodIpAllocator(String cidr) {
    setCidr(cidr);
  }

  public String cidr() {
    return cidr;
  }

  /** Switches to another CIDR (no-op when unchanged or invalid). */
  public void setCidr(String newCidr) {
    if (newCidr == null || newCidr.equals(cidr) || !newCidr.contains("/")) {
      return;
    }
    String[] parts = newCidr.split("/");
    int prefix = Integer.parseInt(parts[1]);
    if (prefix < 8 || prefix > 30) {
      return;
    }
    size = 1L << (32 - prefix);
    base = toLong(parts[0]) & ~(size - 1);
    cidr = newCidr;
    next = 2;
  }

  /** The IP of {@code podUid}: the one it holds, or a free one; null when the CIDR is full. */
  public String allocate(String podUid) {
    String held = byPod.get(podUid);
    if (held != null) {
      return held;
    }
    for (long i = 0; i < size - 3; i++) {
      long offset = 2 + (next - 2 + i) % (size - 3);
      long ip = base + offset;
      if (!used.contains(ip)) {
        next = offset + 1;
        used.add(ip);
        String s = toString(ip);
        byPod.put(podUid, s);
        return s;
      }
    }
    return null;
  }

  /** Keeps the IP a pod already has (a restarted kubelet finds its pods). */
  public void reserve(String podUid, String ip) {
    if (ip == null || ip.isEmpty() || byPod.containsKey(podUid)) {
      return;
    }
    byPod.put(podUid, ip);
    used.add(toLong(ip));
  }

  public void release(String podUid) {
    String ip = byPod.remove(podUid);
    if (ip != null) {
      used.remove(toLong(ip));
    }
  }

  /** The n-th /24 of {@code clusterCidr} (n from 1), the fallback pod CIDR of node n. */
  public static String nthSubnet(String clusterCidr, int n) {
    String[] parts = clusterCidr.split("/");
    long b = toLong(parts[0]) & ~((1L << (32 - Integer.parseInt(parts[1]))) - 1);
    return toString(b + ((long) n << 8)) + "/24";
  }

  static long toLong(String ip) {
    String[] o = ip.trim().split("\\.");
    if (o.length != 4) {
      throw new IllegalArgumentException("not an IPv4 address: " + ip);
    }
    long v = 0;
    for (String s : o) {
      v = (v << 8) | (Integer.parseInt(s) & 0xff);
    }
    return v;
  }

  static String toString(long v) {
    return ((v >> 24) & 0xff) + "." + ((v >> 16) & 0xff) + "." + ((v >> 8) & 0xff) + "." + (v & 0xff);
  }
}
