package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * busybox's {@code ping [-c COUNT] [-W SEC] [-w SEC] [-q] HOST}, as the Job page "Job with Pod-to-Pod Communication"
 * runs it ({@code ping -c 1 example-job-0.headless-svc}): the name resolves as the pod's resolver resolves it
 * ({@code ping: bad address 'x'}, exit 1, when it does not), then one echo a second, with busybox's lines and
 * statistics; the status is 0 when a reply came. The JVM sends no ICMP: an echo is a TCP connection attempt from the
 * pod IP to the address's port 7, and any answer — accepted or refused, as a host that is up answers — is its reply,
 * the time to it the round trip; no answer within {@code -W} seconds (1) is a lost packet. Without {@code -c} it
 * pings until stopped (Ctrl-C: the statistics, then 130 as the shell reports it).
 */
final class Ping {

  private final Vertx vertx;
  private final ExecSession.Output out;
  private final PodNet net;

  Ping(Vertx vertx, ExecSession.Output out, PodNet net) {
    this.vertx = vertx;
    this.out = out;
    this.net = net;
  }

  /** What the command line asks. */
  record Args(String host, long count, int replyWait, int deadline, boolean quiet) {

    static Args parse(List<String> args) {
      long count = -1;
      int replyWait = 1;
      int deadline = -1;
      boolean quiet = false;
      List<String> pos = new ArrayList<>();
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        if (List.of("-c", "-W", "-w", "-s", "-i", "-I", "-t").contains(a) && i + 1 < args.size()) {
          String v = args.get(++i);
          switch (a) {
            case "-c" -> count = number(v, "count");
            case "-W" -> replyWait = (int) Math.max(1, number(v, "timeout"));
            case "-w" -> deadline = (int) number(v, "deadline");
            default -> { } // packet size, interval, interface, ttl: accepted
          }
        } else if (a.startsWith("-c") && a.length() > 2) {
          count = number(a.substring(2), "count");
        } else if (a.equals("-q")) {
          quiet = true;
        } else if (a.startsWith("-") && a.length() > 1) {
          if (!a.matches("-[46]")) {
            throw new IllegalArgumentException("unrecognized option '" + a + "'");
          }
        } else {
          pos.add(a);
        }
      }
      if (pos.size() != 1) {
        throw new IllegalArgumentException("usage: ping [OPTIONS] HOST");
      }
      return new Args(pos.get(0), count, replyWait, deadline, quiet);
    }

    private static long number(String v, String what) {
      try {
        return Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("invalid number '" + v + "'");
      }
    }
  }

  Future<Integer> run(List<String> argv) {
    Args a;
    try {
      a = Args.parse(argv);
    } catch (IllegalArgumentException e) {
      err("ping: " + e.getMessage());
      return Future.succeededFuture(1);
    }
    Args args = a;
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(args.replyWait() * 1000)
        .setLocalAddress(net.localAddress()));
    Stats stats = new Stats();
    long[] timer = {-1};
    Future<Integer> work = net.resolve(args.host(), net.dnsServer(), net.dnsPort())
        .recover(e -> Future.failedFuture(new PodNet.WgetFailure("bad address '" + args.host() + "'")))
        .compose(r -> {
          String ip = net.loopbackToPod(r.addresses().get(0));
          stats.ip = ip;
          print("PING " + args.host() + " (" + ip + "): 56 data bytes");
          Promise<Integer> done = Promise.promise();
          long deadline = args.deadline() < 0 ? Long.MAX_VALUE : System.nanoTime() + args.deadline() * 1_000_000_000L;
          echo(client, args, stats, 0, deadline, done, timer);
          return done.future();
        })
        .recover(e -> {
          err("ping: " + e.getMessage());
          return Future.succeededFuture(1);
        })
        .andThen(ar -> client.close());
    return net.interruptible(work, () -> {
      vertx.cancelTimer(timer[0]);
      if (stats.ip != null) {
        summary(args, stats);
      }
      client.close();
    });
  }

  private void echo(NetClient client, Args args, Stats stats, long seq, long deadline, Promise<Integer> done,
                    long[] timer) {
    long start = System.nanoTime();
    stats.sent++;
    client.connect(7, stats.ip).compose(so -> so.close()).onComplete(ar -> {
      boolean answered = ar.succeeded() || ar.cause() instanceof ConnectException
          && String.valueOf(ar.cause().getMessage()).contains("refused");
      if (answered) {
        double ms = (System.nanoTime() - start) / 1_000_000.0;
        stats.reply(ms);
        if (!args.quiet()) {
          print("64 bytes from " + stats.ip + ": seq=" + seq + " ttl=64 time=" + String.format(Locale.ROOT, "%.3f", ms)
              + " ms");
        }
      }
      boolean last = args.count() > 0 && stats.sent >= args.count() || System.nanoTime() >= deadline;
      if (last || done.future().isComplete()) {
        summary(args, stats);
        done.tryComplete(stats.received > 0 ? 0 : 1);
        return;
      }
      long wait = Math.max(1, 1000 - (System.nanoTime() - start) / 1_000_000);
      timer[0] = vertx.setTimer(wait, t -> echo(client, args, stats, seq + 1, deadline, done, timer));
    });
  }

  private void summary(Args args, Stats s) {
    if (s.summarized) {
      return;
    }
    s.summarized = true;
    long loss = s.sent == 0 ? 0 : (s.sent - s.received) * 100 / s.sent;
    StringBuilder b = new StringBuilder("\n--- " + args.host() + " ping statistics ---\n" + s.sent
        + " packets transmitted, " + s.received + " packets received, " + loss + "% packet loss");
    if (s.received > 0) {
      b.append(String.format(Locale.ROOT, "\nround-trip min/avg/max = %.3f/%.3f/%.3f ms", s.min, s.sum / s.received,
          s.max));
    }
    print(b.toString());
  }

  private void print(String line) {
    out.stdout(Buffer.buffer(line + "\n"));
  }

  private void err(String line) {
    out.stderr(Buffer.buffer(line + "\n"));
  }

  /** The echoes so far. */
  private static final class Stats {
    String ip;
    long sent;
    long received;
    double min = Double.MAX_VALUE;
    double max;
    double sum;
    boolean summarized;

    void reply(double ms) {
      received++;
      min = Math.min(min, ms);
      max = Math.max(max, ms);
      sum += ms;
    }
  }
}
