package io.dekube.dns;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * CoreDNS' configuration, the {@code Corefile} of the {@code kube-system/coredns} ConfigMap, as far as dekube's DNS
 * acts on it: server blocks for zones ({@code .:53 { ... }}, a stub domain's {@code consul.local:53 { ... }}), each
 * with its plugins — {@code kubernetes ZONE...} (the cluster's names), {@code forward . UPSTREAM...}
 * ({@code /etc/resolv.conf}: the node's resolver) and {@code log} (a line per query). The other plugins of CoreDNS
 * are accepted and left to what dekube's DNS always does; a name CoreDNS does not know fails the parse with its
 * words, as a CoreDNS pod refuses such a Corefile. Immutable, pure.
 */
record Corefile(List<ServerBlock> blocks) {

  /** One plugin line, with the lines of its own block. */
  record Directive(String name, List<String> args, List<Directive> block) {
  }

  /** A server block: its zones (lower case, ending in a dot; {@code .} is the root) and its plugins. */
  record ServerBlock(List<String> zones, List<Directive> directives) {

    Optional<Directive> directive(String name) {
      return directives.stream().filter(d -> d.name().equals(name)).findFirst();
    }

    /** Whether queries of this block are logged ({@code log}). */
    boolean logs() {
      return directive("log").isPresent();
    }

    /** The upstreams of {@code forward . A B...}, or none. */
    List<String> upstreams() {
      return directive("forward").map(d -> d.args().size() > 1 ? d.args().subList(1, d.args().size())
          : List.<String>of()).orElse(List.of());
    }
  }

  /** The plugins of CoreDNS 1.11 (those a kubeadm cluster's image has compiled in). */
  private static final Set<String> PLUGINS = Set.of("acl", "any", "auto", "autopath", "azure", "bind", "bufsize",
      "cache", "cancel", "chaos", "clouddns", "debug", "dns64", "dnssec", "dnstap", "erratic", "errors", "etcd",
      "file", "forward", "geoip", "grpc", "header", "health", "hosts", "import", "k8s_external", "kubernetes",
      "loadbalance", "local", "log", "loop", "metadata", "minimal", "multisocket", "nsid", "pprof", "prometheus",
      "ready", "reload", "rewrite", "root", "route53", "secondary", "sign", "template", "timeouts", "tls", "trace",
      "transfer", "tsig", "view", "whoami");

  /** kubeadm's Corefile for a cluster whose domain is {@code cluster.local}. */
  static final String KUBEADM = """
      .:53 {
          errors
          health {
             lameduck 5s
          }
          ready
          kubernetes cluster.local in-addr.arpa ip6.arpa {
             pods insecure
             fallthrough in-addr.arpa ip6.arpa
             ttl 30
          }
          prometheus :9153
          forward . /etc/resolv.conf {
             max_concurrent 1000
          }
          cache 30
          loop
          reload
          loadbalance
      }
      """;

  /** The default configuration: kubeadm's. */
  static Corefile kubeadm() {
    return parse(KUBEADM);
  }

  /**
   * The server block that serves {@code qname} (any case, with or without its final dot): the one whose zone is
   * its longest suffix, as CoreDNS picks it; empty when no block's zone covers it.
   */
  Optional<ServerBlock> blockFor(String qname) {
    String name = fqdn(qname);
    ServerBlock best = null;
    int bestLength = -1;
    for (ServerBlock b : blocks) {
      for (String zone : b.zones()) {
        boolean covers = zone.equals(".") || name.equals(zone) || name.endsWith("." + zone);
        if (covers && zone.length() > bestLength) {
          best = b;
          bestLength = zone.length();
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /**
   * Where a query for {@code qname} that is not the cluster's goes: the first upstream of its block's
   * {@code forward}, {@code /etc/resolv.conf} meaning {@code nodeResolver}; "" when its block forwards nowhere or no
   * block serves it (the DNS then answers REFUSED).
   */
  String upstream(String qname, String nodeResolver) {
    return blockFor(qname).map(ServerBlock::upstreams).filter(u -> !u.isEmpty())
        .map(u -> u.get(0).equals("/etc/resolv.conf") ? nodeResolver : u.get(0).replaceFirst("^dns://", ""))
        .orElse("");
  }

  /** Whether a query for {@code qname} is logged: its block has {@code log}. */
  boolean logs(String qname) {
    return blockFor(qname).map(ServerBlock::logs).orElse(false);
  }

  /**
   * Parses a Corefile; an {@link IllegalArgumentException} says what is wrong in CoreDNS' words
   * ({@code Corefile:5 - Error during parsing: Unknown directive 'proxy'}).
   */
  static Corefile parse(String text) {
    return new Parser(tokens(text)).corefile();
  }

  private static String fqdn(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".") ? n : n + ".";
  }

  private record Token(String text, int line) {
  }

  private static List<Token> tokens(String text) {
    List<Token> tokens = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      int hash = line.indexOf('#');
      if (hash >= 0) {
        line = line.substring(0, hash);
      }
      for (String word : line.trim().split("[\\s]+")) {
        if (!word.isEmpty()) {
          tokens.add(new Token(word, i + 1));
        }
      }
    }
    return tokens;
  }

  /** A recursive descent over the tokens: keys, then {@code {}, directives (a line each, maybe a block), {@code }}. */
  private static final class Parser {
    private final List<Token> tokens;
    private int at;

    Parser(List<Token> tokens) {
      this.tokens = tokens;
    }

    Corefile corefile() {
      List<ServerBlock> blocks = new ArrayList<>();
      while (at < tokens.size()) {
        List<String> zones = new ArrayList<>();
        while (at < tokens.size() && !tokens.get(at).text().equals("{")) {
          for (String key : tokens.get(at++).text().split(",")) {
            if (!key.isEmpty()) {
              zones.add(zone(key));
            }
          }
        }
        if (at >= tokens.size()) {
          throw error(tokens.get(at - 1).line(), "Unexpected EOF");
        }
        int open = tokens.get(at++).line();
        if (zones.isEmpty()) {
          throw error(open, "Unexpected '{'");
        }
        blocks.add(new ServerBlock(List.copyOf(zones), body(open, true)));
      }
      return new Corefile(List.copyOf(blocks));
    }

    /** The directives up to the closing brace; {@code plugins}: whether their names must be CoreDNS plugins. */
    private List<Directive> body(int openLine, boolean plugins) {
      List<Directive> directives = new ArrayList<>();
      while (true) {
        if (at >= tokens.size()) {
          throw error(openLine, "Unexpected EOF");
        }
        Token name = tokens.get(at++);
        if (name.text().equals("}")) {
          return List.copyOf(directives);
        }
        if (plugins && !PLUGINS.contains(name.text())) {
          throw error(name.line(), "Unknown directive '" + name.text() + "'");
        }
        List<String> args = new ArrayList<>();
        List<Directive> block = List.of();
        while (at < tokens.size() && tokens.get(at).line() == name.line()) {
          String t = tokens.get(at++).text();
          if (t.equals("{")) {
            block = body(name.line(), false);
            break;
          }
          if (t.equals("}")) {
            at--;
            break;
          }
          args.add(t);
        }
        directives.add(new Directive(name.text(), List.copyOf(args), block));
      }
    }

    private static String zone(String key) {
      String z = key.toLowerCase(Locale.ROOT);
      for (String scheme : List.of("dns://", "tls://", "grpc://", "https://")) {
        if (z.startsWith(scheme)) {
          z = z.substring(scheme.length());
        }
      }
      int colon = z.lastIndexOf(':');
      if (colon >= 0) {
        z = z.substring(0, colon);
      }
      return z.isEmpty() || z.equals(".") ? "." : fqdn(z);
    }

    private static IllegalArgumentException error(int line, String what) {
      return new IllegalArgumentException("Corefile:" + line + " - Error during parsing: " + what);
    }
  }
}
