package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code dig} applet (of the DNS debugging page's {@code jessie-dnsutils} image, in every jvm container): one
 * real query over UDP from the pod to its DNS server (or {@code @SERVER}, {@code -p PORT}) for
 * {@code NAME [TYPE]} ({@code -t TYPE}, {@code -x ADDR} for a PTR), printed as BIND's dig prints it — header,
 * flags, question, answer and authority sections, query time, server, size — or only the answers' data with
 * {@code +short}. As dig, it does not use the pod's search path unless {@code +search}. A server that does not
 * answer: {@code ;; connection timed out; no servers could be reached}, exit 9. Non-blocking: a Vert.x socket.
 */
final class Dig {

  private static final String VERSION = "9.9.5-9+deb8u19-Debian";
  private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss 'UTC' yyyy",
      Locale.ROOT);

  private final Vertx vertx;
  private final ContainerSpec spec;
  private final ExecSession.Output out;
  private final PodNet net;

  Dig(Vertx vertx, ContainerSpec spec, ExecSession.Output out, PodNet net) {
    this.vertx = vertx;
    this.spec = spec;
    this.out = out;
    this.net = net;
  }

  /** What the command line asks. */
  private record Ask(String name, String type, String server, int port, boolean shortForm, boolean search,
      int seconds, int tries) {
  }

  Future<Integer> run(List<String> args) {
    Ask ask;
    try {
      ask = parse(args);
    } catch (IllegalArgumentException e) {
      out.stderr(Buffer.buffer(e.getMessage() + "\n"));
      return Future.succeededFuture(1);
    }
    List<String> names = ask.search() ? PodNet.candidates(ask.name(), net.searchPath(), net.ndots())
        : List.of(ask.name());
    int type = DnsMessage.typeCode(ask.type());
    long started = System.nanoTime();
    Future<Integer> work = net.letsOut(ask.server(), ask.port() == net.portOf(ask.server()) ? 53 : ask.port(), "UDP")
        .compose(ok -> ok ? first(ask, names, type, 0)
            : net.dropped(ask.seconds() * ask.tries(), new java.util.concurrent.TimeoutException()))
        .map(r -> {
          print(ask, args, r, (System.nanoTime() - started) / 1_000_000);
          return 0;
        })
        .recover(e -> {
          if (!ask.shortForm()) {
            out.stdout(Buffer.buffer(header(args)));
          }
          out.stdout(Buffer.buffer(";; connection timed out; no servers could be reached\n"));
          return Future.succeededFuture(9);
        });
    return net.interruptible(work, () -> { });
  }

  /** The port the pod sees its cluster DNS on: 53, whichever port the node's DNS listens on. */
  private int shownPort(Ask ask) {
    return ask.port() == net.portOf(ask.server()) ? 53 : ask.port();
  }

  private Ask parse(List<String> args) {
    String name = null;
    String type = null;
    String server = net.dnsServer();
    int port = net.dnsPort();
    boolean shortForm = false;
    boolean search = false;
    int seconds = 5;
    int tries = 3;
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.startsWith("@")) {
        server = a.substring(1);
        port = net.portOf(server);
      } else if (a.equals("+short")) {
        shortForm = true;
      } else if (a.equals("+search")) {
        search = true;
      } else if (a.startsWith("+time=")) {
        seconds = Math.max(1, number(a)); // BIND: a timeout under 1 s is taken as 1 s
      } else if (a.startsWith("+tries=")) {
        tries = Math.max(1, number(a)); // BIND: 0 or less is silently 1
      } else if (a.startsWith("+retry=")) {
        tries = Math.max(0, number(a)) + 1; // retries, not counting the first query
      } else if (a.startsWith("+")) {
        continue; // +noall, +answer and the like: the whole answer is printed
      } else if (a.equals("-p") && i + 1 < args.size()) {
        port = Integer.parseInt(args.get(++i));
      } else if (a.equals("-t") && i + 1 < args.size()) {
        type = args.get(++i).toUpperCase(Locale.ROOT);
      } else if (a.equals("-x") && i + 1 < args.size()) {
        List<String> octets = new ArrayList<>(Arrays.asList(args.get(++i).split("\\.")));
        java.util.Collections.reverse(octets);
        name = String.join(".", octets) + ".in-addr.arpa";
        type = "PTR";
      } else if (a.startsWith("-")) {
        throw new IllegalArgumentException("Invalid option: " + a + "\nUsage:  dig [@global-server] [domain] [q-type] "
            + "[q-class] {q-opt}");
      } else if (name != null && type == null && DnsMessage.typeCode(a) > 0) {
        type = a.toUpperCase(Locale.ROOT);
      } else if (name == null) {
        name = a;
      }
    }
    // dig without a name asks for the root's name servers
    return new Ask(name == null ? "." : name, type == null ? (name == null ? "NS" : "A") : type, server, port,
        shortForm, search, seconds, tries);
  }

  /** The number of {@code +time=N}, {@code +tries=N}, {@code +retry=N}; dig rejects one that is not a number. */
  private static int number(String option) {
    String value = option.substring(option.indexOf('=') + 1);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid option: " + option);
    }
  }

  /** Asks for each name in turn until one has answers (the search path), else gives the last response. */
  private Future<DnsMessage.Response> first(Ask ask, List<String> names, int type, int i) {
    return query(ask, names.get(i), type).compose(r -> r.answers().isEmpty() && i + 1 < names.size()
        ? first(ask, names, type, i + 1) : Future.succeededFuture(r));
  }

  /** One query, tried {@code +tries} times (3) {@code +time} seconds (5) apart as dig does, from the pod's address. */
  private Future<DnsMessage.Response> query(Ask ask, String name, int type) {
    int id = ThreadLocalRandom.current().nextInt(1, 65536);
    byte[] q = DnsMessage.query(id, name, type);
    DatagramSocket socket = vertx.createDatagramSocket();
    Promise<DnsMessage.Response> answer = Promise.promise();
    socket.handler(p -> {
      try {
        DnsMessage.Response r = DnsMessage.parse(p.data().getBytes());
        if (r.id() == id) {
          answer.tryComplete(r);
        }
      } catch (RuntimeException e) {
        // not a DNS answer: wait for the next one
      }
    });
    String local = net.localAddress();
    long[] timer = {-1};
    socket.listen(0, local == null ? "0.0.0.0" : local).onSuccess(s -> {
      Runnable send = () -> socket.send(Buffer.buffer(q), ask.port(), ask.server());
      send.run();
      int[] tries = {1};
      timer[0] = vertx.setPeriodic(ask.seconds() * 1000L, t -> {
        if (tries[0]++ >= ask.tries()) {
          answer.tryFail(new java.util.concurrent.TimeoutException());
        } else {
          send.run();
        }
      });
    }).onFailure(answer::tryFail);
    return answer.future().andThen(ar -> {
      vertx.cancelTimer(timer[0]);
      socket.close();
    });
  }

  private void print(Ask ask, List<String> args, DnsMessage.Response r, long millis) {
    StringBuilder b = new StringBuilder();
    if (ask.shortForm()) {
      r.answers().forEach(a -> b.append(a.data()).append('\n'));
      out.stdout(Buffer.buffer(b.toString()));
      return;
    }
    b.append(header(args)).append(";; Got answer:\n")
        .append(";; ->>HEADER<<- opcode: QUERY, status: ").append(DnsMessage.rcodeName(r.rcode()))
        .append(", id: ").append(r.id()).append('\n')
        .append(";; flags:").append(flags(r.flags())).append("; QUERY: 1, ANSWER: ").append(r.answers().size())
        .append(", AUTHORITY: ").append(r.authority().size()).append(", ADDITIONAL: ").append(r.additional())
        .append('\n');
    if ((r.flags() & 0x0100) != 0 && (r.flags() & 0x0080) == 0) {
      b.append(";; WARNING: recursion requested but not available\n");
    }
    b.append("\n;; QUESTION SECTION:\n;").append(r.question()).append("\t\t\tIN\t").append(r.questionType())
        .append('\n');
    section(b, "ANSWER", r.answers());
    section(b, "AUTHORITY", r.authority());
    b.append("\n;; Query time: ").append(millis).append(" msec\n")
        .append(";; SERVER: ").append(ask.server()).append('#').append(shownPort(ask)).append('(').append(ask.server())
        .append(")\n")
        .append(";; WHEN: ").append(ZonedDateTime.now(ZoneOffset.UTC).format(WHEN)).append('\n')
        .append(";; MSG SIZE  rcvd: ").append(r.size()).append("\n\n");
    out.stdout(Buffer.buffer(b.toString()));
  }

  private static void section(StringBuilder b, String title, List<DnsMessage.Record> records) {
    if (records.isEmpty()) {
      return;
    }
    b.append("\n;; ").append(title).append(" SECTION:\n");
    records.forEach(a -> b.append(a.name()).append('\t').append(a.ttl()).append("\tIN\t").append(a.type())
        .append('\t').append(a.data()).append('\n'));
  }

  private static String header(List<String> args) {
    return "\n; <<>> DiG " + VERSION + " <<>> " + String.join(" ", args) + "\n;; global options: +cmd\n";
  }

  private static String flags(int f) {
    StringBuilder b = new StringBuilder();
    String[] names = {"qr", "aa", "tc", "rd", "ra"};
    int[] bits = {0x8000, 0x0400, 0x0200, 0x0100, 0x0080};
    for (int i = 0; i < bits.length; i++) {
      if ((f & bits[i]) != 0) {
        b.append(' ').append(names[i]);
      }
    }
    return b.toString();
  }
}
