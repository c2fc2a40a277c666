package io.dekube.dns;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedFlags;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The line CoreDNS' {@code log} plugin writes for a query, in its default format:
 * {@code 10.244.0.7:40290 - 16356 "A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106
 * 0.000169s} — the client, the query's id, type, class, name, protocol, size, DO bit and buffer size, then the
 * answer's code, flags, size and how long it took. Pure.
 */
final class QueryLog {

  private QueryLog() {
  }

  static String line(String client, int clientPort, boolean tcp, Message query, int querySize, Message reply,
                     int replySize, long nanos) {
    Record q = query.getQuestion();
    OPTRecord opt = query.getOPT();
    boolean dnssecOk = opt != null && (opt.getFlags() & ExtendedFlags.DO) != 0;
    int bufsize = opt == null ? 512 : opt.getPayloadSize();
    String question = q == null ? "- - - " : Type.string(q.getType()) + " " + DClass.string(q.getDClass()) + " "
        + q.getName() + " ";
    return client + ":" + clientPort + " - " + query.getHeader().getID() + " \"" + question + (tcp ? "tcp" : "udp")
        + " " + querySize + " " + dnssecOk + " " + bufsize + "\" " + Rcode.string(reply.getRcode()) + " "
        + flags(reply) + " " + replySize + " " + seconds(nanos);
  }

  /** The reply's header flags as CoreDNS lists them: qr,aa,tc,rd,ra,ad,cd, those set only. */
  private static String flags(Message reply) {
    List<String> set = new ArrayList<>();
    int[] bits = {Flags.QR, Flags.AA, Flags.TC, Flags.RD, Flags.RA, Flags.AD, Flags.CD};
    String[] names = {"qr", "aa", "tc", "rd", "ra", "ad", "cd"};
    for (int i = 0; i < bits.length; i++) {
      if (reply.getHeader().getFlag(bits[i])) {
        set.add(names[i]);
      }
    }
    return String.join(",", set);
  }

  /** Go's {@code strconv.FormatFloat(seconds, 'f', -1, 64)} and an {@code s}. */
  private static String seconds(long nanos) {
    BigDecimal s = BigDecimal.valueOf(nanos, 9).stripTrailingZeros();
    return (s.signum() == 0 ? "0" : s.toPlainString()) + "s";
  }
}
