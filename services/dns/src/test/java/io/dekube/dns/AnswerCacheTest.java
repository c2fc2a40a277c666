package io.dekube.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class AnswerCacheTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000_000L);
  private final AnswerCache cache = new AnswerCache(now::get);

  /** A headless Service with the pod {@code example-job-0} behind it, or without it once the pod completed. */
  private static ClusterRecords records(boolean withPod) {
    return ClusterRecords.of(List.of(new ServiceBuilder().withNewMetadata().withNamespace("default")
            .withName("headless-svc").endMetadata().withNewSpec().withClusterIP("None").endSpec().build()),
        List.of(new ServicePort("default", "headless-svc", "", "TCP", 0, 0, "ClusterIP", List.of(), List.of(),
            List.of(), false, 0, false, false, withPod
            ? List.of(new Backend("127.147.2.2", 0, true, "n2", "example-job-0", "example-job-0-k7zt9"))
            : List.of())));
  }

  private static Message query(String name) throws Exception {
    return Message.newQuery(Record.newRecord(Name.fromString(name), Type.A, DClass.IN));
  }

  /** What the DNS verticle does with one query: the kept answer, else the records' one, kept when positive. */
  private Message ask(String name, ClusterRecords records) throws Exception {
    Message q = query(name);
    Message kept = cache.lookup(q);
    if (kept != null) {
      assertEquals(q.getHeader().getID(), kept.getHeader().getID(), "the kept answer carries the query's id");
      return kept;
    }
    Message reply = DnsAnswers.answer(q.toWire(), records).message();
    cache.store(q, reply, 30);
    return reply;
  }

  @Test
  void aCompletedPodsNameAnswersUntilItsTtlRanOut() throws Exception {
    String name = "example-job-0.headless-svc.default.svc.cluster.local.";
    Message first = ask(name, records(true));
    assertEquals("127.147.2.2", first.getSection(Section.ANSWER).get(0).rdataToString());
    assertEquals(DnsAnswers.TTL, first.getSection(Section.ANSWER).get(0).getTTL());

    now.addAndGet(2_500_000_000L);
    Message later = ask(name, records(false));
    assertEquals(Rcode.NOERROR, later.getRcode());
    assertEquals("127.147.2.2", later.getSection(Section.ANSWER).get(0).rdataToString());
    assertEquals(DnsAnswers.TTL - 2, later.getSection(Section.ANSWER).get(0).getTTL(), "the TTL counts down");

    now.addAndGet(2_500_000_000L);
    assertEquals(Rcode.NXDOMAIN, ask(name, records(false)).getRcode(), "gone once the TTL ran out");
    assertEquals(0, cache.size());
  }

  @Test
  void theCachesOwnTtlBoundsHowLongAnAnswerIsKept() throws Exception {
    Message q = query("example-job-0.headless-svc.default.svc.cluster.local.");
    cache.store(q, DnsAnswers.answer(q.toWire(), records(true), 30).message(), 2);
    now.addAndGet(1_500_000_000L);
    assertEquals(30 - 1, cache.lookup(q).getSection(Section.ANSWER).get(0).getTTL(), "the record's TTL counts down");
    now.addAndGet(1_000_000_000L);
    assertNull(cache.lookup(q), "kept no longer than cache's 2 s");
  }

  @Test
  void anUnknownNameIsFoundAsSoonAsItExists() throws Exception {
    String name = "example-job-0.headless-svc.default.svc.cluster.local.";
    assertEquals(Rcode.NXDOMAIN, ask(name, records(false)).getRcode());
    assertEquals(0, cache.size(), "NXDOMAIN is not kept");
    assertEquals("127.147.2.2", ask(name, records(true)).getSection(Section.ANSWER).get(0).rdataToString());
  }

  @Test
  void namesAreKeptWhateverTheirCaseAndNotForOtherTypes() throws Exception {
    ask("example-job-0.headless-svc.default.svc.cluster.local.", records(true));
    Message upper = cache.lookup(query("EXAMPLE-JOB-0.headless-svc.default.svc.cluster.local."));
    assertEquals("127.147.2.2", upper.getSection(Section.ANSWER).get(0).rdataToString());
    Message aaaa = Message.newQuery(Record.newRecord(
        Name.fromString("example-job-0.headless-svc.default.svc.cluster.local."), Type.AAAA, DClass.IN));
    assertNull(cache.lookup(aaaa));
  }
}
