package io.dekube.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * The answer to one DNS packet from the cluster's records: authoritative answers for
 * {@code cluster.local} and for the reverse names of service and endpoint IPs, NXDOMAIN (with the
 * zone's SOA) for unknown names, NODATA for known names without records of the asked type, FORMERR
 * for a packet that does not parse or asks no single question, NOTIMP for other opcodes, and
 * {@link Reply#forward()} for every other name (the server forwards it or answers REFUSED). Pure.
 */
public final class DnsAnswers {

  /** Record TTL, as CoreDNS' kubernetes plugin uses when its {@code ttl} is not set. */
  static final long TTL = 5;

  /** The reply: a message, or "forward this query elsewhere" (message then holds the parsed query). */
  public record Reply(Message message, boolean forward) {
  }

  private DnsAnswers() {
  }

  /** The reply to a raw packet, its records with the default {@link #TTL}. */
  public static Reply answer(byte[] packet, ClusterRecords records) {
    return answer(packet, records, TTL);
  }

  /** The reply to a raw packet, its records with {@code ttl} seconds (the Corefile's kubernetes {@code ttl}). */
  public static Reply answer(byte[] packet, ClusterRecords records, long ttl) {
    Message query;
    try {
      query = new Message(packet);
    } catch (IOException | RuntimeException e) {
      return new Reply(formErr(packet), false);
    }
    return answer(query, records, ttl);
  }

  /** The reply to a query already parsed, its records with {@code ttl} seconds. */
  public static Reply answer(Message query, ClusterRecords records, long ttl) {
    Header h = query.getHeader();
    if (h.getFlag(Flags.QR) || h.getCount(Section.QUESTION) != 1 || query.getQuestion() == null) {
      return new Reply(error(query, Rcode.FORMERR), false);
    }
    if (h.getOpcode() != Opcode.QUERY) {
      return new Reply(error(query, Rcode.NOTIMP), false);
    }
    Record q = query.getQuestion();
    String name = q.getName().toString(true).toLowerCase(Locale.ROOT);
    String zone = records.domain();
    try {
      if (name.equals(zone) || name.endsWith("." + zone)) {
        return new Reply(zoneAnswer(query, q, name, records, ttl), false);
      }
      if (name.endsWith(".in-addr.arpa") && q.getType() == Type.PTR) {
        String ip = reverseIp(name);
        String target = ip == null ? null : records.ptr(ip);
        if (target != null) {
          Message m = response(query, Rcode.NOERROR);
          m.addRecord(new PTRRecord(q.getName(), DClass.IN, ttl, absolute(target)), Section.ANSWER);
          return new Reply(m, false);
        }
      }
    } catch (TextParseException | UnknownHostException e) {
      return new Reply(error(query, Rcode.SERVFAIL), false);
    }
    return new Reply(query, true);
  }

  private static Message zoneAnswer(Message query, Record q, String name, ClusterRecords records, long ttl)
      throws TextParseException, UnknownHostException {
    int type = q.getType();
    Message m = response(query, Rcode.NOERROR);
    String cname = records.cname(name);
    if (cname != null) {
      m.addRecord(new CNAMERecord(q.getName(), DClass.IN, ttl, absolute(cname)), Section.ANSWER);
      return m;
    }
    List<String> ips = records.a(name);
    List<ClusterRecords.Srv> srvs = records.srv(name);
    if ((type == Type.A || type == Type.ANY) && !ips.isEmpty()) {
      for (String ip : ips) {
        m.addRecord(new ARecord(q.getName(), DClass.IN, ttl, InetAddress.getByName(ip)), Section.ANSWER);
      }
    } else if ((type == Type.SRV || type == Type.ANY) && !srvs.isEmpty()) {
      for (ClusterRecords.Srv s : srvs) {
        int weight = Math.max(1, 100 / srvs.size());
        m.addRecord(new SRVRecord(q.getName(), DClass.IN, ttl, 0, weight, s.port(), absolute(s.target())),
            Section.ANSWER);
        for (String ip : records.a(s.target())) {
          m.addRecord(new ARecord(absolute(s.target()), DClass.IN, ttl, InetAddress.getByName(ip)), Section.ADDITIONAL);
        }
      }
    } else if (type == Type.SOA && name.equals(records.domain())) {
      m.addRecord(soa(records.domain(), ttl), Section.ANSWER);
    } else {
      boolean exists = records.exists(name) || !ips.isEmpty() || !srvs.isEmpty();
      m.getHeader().setRcode(exists ? Rcode.NOERROR : Rcode.NXDOMAIN);
      m.addRecord(soa(records.domain(), ttl), Section.AUTHORITY);
    }
    return m;
  }

  static SOARecord soa(String zone, long ttl) throws TextParseException {
    Name z = absolute(zone);
    return new SOARecord(z, DClass.IN, ttl, absolute("ns.dns." + zone), absolute("hostmaster." + zone),
        1, 7200, 1800, 86400, ttl);
  }

  private static Message response(Message query, int rcode) {
    Message m = new Message(query.getHeader().getID());
    Header h = m.getHeader();
    h.setFlag(Flags.QR);
    h.setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      h.setFlag(Flags.RD);
    }
    h.setRcode(rcode);
    if (query.getQuestion() != null) {
      m.addRecord(query.getQuestion(), Section.QUESTION);
    }
    return m;
  }

  private static Message error(Message query, int rcode) {
    Message m = response(query, rcode);
    m.getHeader().unsetFlag(Flags.AA);
    return m;
  }

  /** FORMERR for bytes that are no DNS message: the id is kept when there are at least two bytes. */
  static Message formErr(byte[] packet) {
    Message m = new Message(packet.length >= 2 ? ((packet[0] & 0xff) << 8) | (packet[1] & 0xff) : 0);
    m.getHeader().setFlag(Flags.QR);
    m.getHeader().setRcode(Rcode.FORMERR);
    return m;
  }

  private static Name absolute(String name) throws TextParseException {
    return Name.fromString(name.endsWith(".") ? name : name + ".");
  }

  /** {@code d.c.b.a.in-addr.arpa} → {@code a.b.c.d}, or null. */
  static String reverseIp(String name) {
    String[] l = name.substring(0, name.length() - ".in-addr.arpa".length()).split("\\.");
    if (l.length != 4) {
      return null;
    }
    String ip = l[3] + "." + l[2] + "." + l[1] + "." + l[0];
    return io.dekube.core.net.Ipv4.isIpv4(ip) ? ip : null;
  }
}
