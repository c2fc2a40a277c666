package io.dekube.kubelet.runtime;

import io.dekube.kubelet.images.BuiltInImages;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * {@code nslookup NAME [SERVER]} as the container's image has it, asking the pod's DNS server ({@link PodNet}):
 * busybox's since 1.29 (and alpine's), busybox's before (the C library's lookup, with {@code /etc/hosts}, and a
 * reverse name for each address), or BIND's of Debian's dnsutils ({@code jessie-dnsutils}, and Debian's images).
 * The words of each are the pure {@link #server}, {@link #answer}, {@link #reverse} and {@link #failure}.
 */
final class Nslookup {

  /** The nslookups of the docs' images. */
  enum Style {
    /** busybox 1.29 and later: the server at {@code IP:53}, {@code Name:} and {@code Address:} of the name found. */
    BUSYBOX,
    /** busybox up to 1.28: {@code Address 1: IP NAME}, the name as asked, failures on stderr. */
    OLD_BUSYBOX,
    /** BIND 9's: the server at {@code IP#53}, a {@code Name:} per address, reverse names ending in a dot. */
    BIND;

    static Style of(String image) {
      if (BuiltInImages.shIsDash(image)) {
        return BIND;
      }
      return BuiltInImages.isOldBusybox(image) ? OLD_BUSYBOX : BUSYBOX;
    }
  }

  private final Vertx vertx;
  private final PodNet net;
  private final ExecSession.Output out;
  private final Style style;

  Nslookup(Vertx vertx, PodNet net, ExecSession.Output out, String image) {
    this.vertx = vertx;
    this.net = net;
    this.out = out;
    this.style = Style.of(image);
  }

  Future<Integer> run(List<String> args) {
    List<String> pos = args.stream().filter(a -> !a.startsWith("-")).toList();
    if (pos.isEmpty()) {
      stderr("Usage: nslookup [-type=QUERY_TYPE] [-debug] HOST [DNS_SERVER]\n");
      return Future.succeededFuture(1);
    }
    String name = pos.get(0);
    String given = pos.size() > 1 ? pos.get(1) : net.dnsServer();
    int port = net.portOf(given);
    int shown = 53; // the pod sees the cluster DNS on 53, whichever port the node's DNS listens on
    if (given.matches(".*:\\d+") && !given.startsWith("[")) {
      port = Integer.parseInt(given.substring(given.lastIndexOf(':') + 1));
      shown = port;
      given = given.substring(0, given.lastIndexOf(':'));
    }
    String server = given;
    int asked = port;
    int seen = shown;
    Future<String> serverName = style == Style.OLD_BUSYBOX ? ptr(server, server, asked)
        : Future.succeededFuture(null);
    Future<Integer> work = serverName.compose(sn -> {
      stdout(server(style, server, seen, sn));
      return PodNet.isIp(name) ? lookUpAddress(name, server, asked) : lookUpName(name, server, asked);
    });
    return net.interruptible(work, () -> { });
  }

  private Future<Integer> lookUpName(String name, String server, int port) {
    Future<PodNet.Resolved> found = style == Style.OLD_BUSYBOX ? net.resolve(name, server, port)
        : net.query(name, server, port);
    return found.compose(r -> names(r.addresses(), server, port).map(names -> {
      stdout(answer(style, name, r, names));
      return 0;
    })).recover(e -> Future.succeededFuture(failed(name, e)));
  }

  private Future<Integer> lookUpAddress(String ip, String server, int port) {
    if (style == Style.OLD_BUSYBOX) { // getaddrinfo takes the address as it is; its name comes from a reverse lookup
      return ptr(ip, server, port).map(n -> {
        stdout(answer(style, ip, new PodNet.Resolved(ip, List.of(ip)), Collections.singletonList(n)));
        return 0;
      });
    }
    String arpa = arpa(ip);
    DnsClient dns = vertx.createDnsClient(new DnsClientOptions().setHost(server).setPort(port).setQueryTimeout(5000));
    Future<String> answer = net.letsOut(server, port == net.portOf(server) ? 53 : port, "UDP").compose(ok -> ok
        ? dns.resolvePTR(arpa) : net.dropped(5, new java.util.concurrent.TimeoutException("DNS query timed out")));
    return answer.andThen(ar -> dns.close()).map(name -> {
      stdout(name == null ? "*** Can't find " + ip + ": No answer\n\n" : reverse(style, arpa, name));
      return name == null ? 1 : 0;
    }).recover(e -> Future.succeededFuture(failed(ip, e)));
  }

  /** The reverse name of each address, for busybox before 1.29; nulls for the others, which show none. */
  private Future<List<String>> names(List<String> addresses, String server, int port) {
    if (style != Style.OLD_BUSYBOX) {
      return Future.succeededFuture(Collections.nCopies(addresses.size(), null));
    }
    List<Future<String>> each = addresses.stream().map(a -> ptr(a, server, port)).toList();
    return Future.join(each).map(v -> each.stream().map(Future::result).toList());
  }

  /** The name a reverse lookup of {@code ip} gives, or null when none (or the server does not answer). */
  private Future<String> ptr(String ip, String server, int port) {
    if (!PodNet.isIp(ip) || ip.contains(":")) {
      return Future.succeededFuture(null);
    }
    DnsClient dns = vertx.createDnsClient(new DnsClientOptions().setHost(server).setPort(port).setQueryTimeout(5000));
    return net.letsOut(server, port == net.portOf(server) ? 53 : port, "UDP")
        .compose(ok -> ok ? dns.resolvePTR(arpa(ip)) : Future.<String>succeededFuture(null))
        .andThen(ar -> dns.close())
        .otherwise((String) null);
  }

  private int failed(String name, Throwable e) {
    String words = failure(style, name, e instanceof DnsException d ? d.code().name() : null);
    if (style == Style.OLD_BUSYBOX) {
      stderr(words);
    } else {
      stdout(words);
    }
    return 1;
  }

  /** What comes first: the server asked. {@code name} is its reverse name (busybox before 1.29 only), or null. */
  static String server(Style style, String server, int port, String name) {
    return switch (style) {
      case BUSYBOX -> "Server:\t\t" + server + "\nAddress:\t" + server + ":" + port + "\n\n";
      case BIND -> "Server:\t\t" + server + "\nAddress:\t" + server + "#" + port + "\n\n";
      case OLD_BUSYBOX -> header("Server:", server) + address(1, server, name) + "\n";
    };
  }

  /** The addresses of {@code asked}, found as {@code found}; {@code names} are their reverse names (or nulls). */
  static String answer(Style style, String asked, PodNet.Resolved found, List<String> names) {
    StringBuilder b = new StringBuilder();
    switch (style) {
      case BUSYBOX -> {
        b.append("Name:\t").append(found.name()).append('\n');
        found.addresses().forEach(a -> b.append("Address: ").append(a).append('\n'));
        b.append('\n');
      }
      case BIND -> {
        found.addresses().forEach(a -> b.append("Name:\t").append(found.name()).append("\nAddress: ").append(a)
            .append('\n'));
        b.append('\n');
      }
      case OLD_BUSYBOX -> {
        b.append(header("Name:", asked));
        for (int i = 0; i < found.addresses().size(); i++) {
          b.append(address(i + 1, found.addresses().get(i), i < names.size() ? names.get(i) : null));
        }
      }
    }
    return b.toString();
  }

  /** The name of a reverse lookup ({@code arpa} the question). */
  static String reverse(Style style, String arpa, String name) {
    return style == Style.BIND ? arpa + "\tname = " + name + ".\n\n" : arpa + "\tname = " + name + "\n\n";
  }

  /** The words of a failed lookup of {@code name}: {@code rcode} is the server's answer, null when none came. */
  static String failure(Style style, String name, String rcode) {
    if (style == Style.OLD_BUSYBOX) {
      return "nslookup: can't resolve '" + name + "'\n";
    }
    return rcode == null ? ";; connection timed out; no servers could be reached\n\n"
        : "** server can't find " + name + ": " + rcode + "\n\n";
  }

  /** busybox's {@code printf("%-10s %s\n", header, host)}. */
  private static String header(String header, String host) {
    return String.format(Locale.ROOT, "%-10s %s", header, host) + "\n";
  }

  private static String address(int n, String ip, String name) {
    return "Address " + n + ": " + ip + (name == null ? "" : " " + name) + "\n";
  }

  static String arpa(String ip) {
    List<String> parts = new ArrayList<>(Arrays.asList(ip.split("\\.")));
    Collections.reverse(parts);
    return String.join(".", parts) + ".in-addr.arpa";
  }

  private void stdout(String text) {
    out.stdout(Buffer.buffer(text));
  }

  private void stderr(String text) {
    out.stderr(Buffer.buffer(text));
  }
}
