package io.dekube.dns;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/**
 * The cluster zone's positive answers kept for their TTL and shared by every pod, as CoreDNS' {@code cache} plugin
 * keeps them when the Corefile has it (kubeadm's: {@code cache 30}, the kubernetes plugin's {@code ttl 30}): a name
 * that answered once keeps answering with the same records, their TTLs counting down, until the TTL (at most the
 * {@code cache}'s) ran out — also when the record left the cluster meanwhile. This is what lets the Job
 * page "Job with Pod-to-Pod Communication" finish: a pod that completed leaves its headless Service at once, yet a
 * peer asking for it within the next seconds still gets the address another pod was given.
 *
 * <p>Decision: NXDOMAIN and NODATA are not kept (CoreDNS keeps them too, for the SOA's minimum): a Service or pod
 * that was asked for before it existed is found as soon as it exists, the quicker feedback for someone learning.
 * Forwarded answers are not kept either (the host's resolver caches them). At most {@link #CAPACITY} names, the
 * least recently asked dropped first. Used from the DNS verticle's event loop only.
 */
final class AnswerCache {

  /** CoreDNS' default capacity of a cache's success part. */
  static final int CAPACITY = 9984;

  private record Entry(Message reply, long storedNanos, long ttl) {
  }

  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > CAPACITY;
    }
  };
  private final LongSupplier nanos;

  AnswerCache(LongSupplier nanos) {
    this.nanos = nanos;
  }

  /** The kept answer to {@code query} with its id and TTLs as of now, or null. */
  Message lookup(Message query) {
    String key = key(query);
    Entry e = key == null ? null : entries.get(key);
    if (e == null) {
      return null;
    }
    long age = (nanos.getAsLong() - e.storedNanos()) / 1_000_000_000L;
    if (age >= e.ttl()) {
      entries.remove(key);
      return null;
    }
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    m.getHeader().setRcode(Rcode.NOERROR);
    m.addRecord(query.getQuestion(), Section.QUESTION);
    for (int section : List.of(Section.ANSWER, Section.AUTHORITY, Section.ADDITIONAL)) {
      for (Record r : e.reply().getSection(section)) {
        m.addRecord(Record.newRecord(r.getName(), r.getType(), r.getDClass(), r.getTTL() - age,
            r.rdataToWireCanonical()), section);
      }
    }
    return m;
  }

  /** Keeps {@code reply} to {@code query} when it is a positive answer, for its TTL but {@code atMost} seconds. */
  void store(Message query, Message reply, long atMost) {
    String key = key(query);
    List<Record> answer = reply.getSection(Section.ANSWER);
    if (key == null || reply.getRcode() != Rcode.NOERROR || answer.isEmpty()) {
      return;
    }
    long ttl = Math.min(atMost, answer.stream().mapToLong(Record::getTTL).min().orElse(0));
    if (ttl > 0) {
      entries.put(key, new Entry(reply, nanos.getAsLong(), ttl));
    }
  }

  int size() {
    return entries.size();
  }

  /** The name, type and class asked, or null for anything but a plain query of one question. */
  private static String key(Message query) {
    Record q = query.getQuestion();
    org.xbill.DNS.Header h = query.getHeader();
    boolean plain = q != null && !h.getFlag(Flags.QR) && h.getOpcode() == org.xbill.DNS.Opcode.QUERY
        && h.getCount(Section.QUESTION) == 1;
    return !plain ? null : q.getName().toString(true).toLowerCase(Locale.ROOT) + "/" + q.getType() + "/"
        + q.getDClass();
  }
}
