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
 * ({@code /etc/resolv.conf}: the node's resolver), {@code log} (a line per query), the kubernetes plugin's
 * {@code ttl} (the answers' TTL) and {@code cache [TTL]} (answers kept, {@link AnswerCache}). The other plugins of
 * CoreDNS are accepted and left to what dekube's DNS always does; a name CoreDNS does not know, or a value of these
 * it refuses, fails the parse with its words, as a CoreDNS pod refuses such a Corefile. Immutable, pure.
 */
record Corefile(List<ServerBlock> blocks) {

  /** One plugin line (its number in the Corefile), with the lines of its own block. */
  record Directive(String name, List<String> args, List<Directive> block, int line) {
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

    /** The TTL of the cluster's answers: the {@code kubernetes} plugin's {@code ttl}, else CoreDNS' default. */
    long ttl() {
      return directive("kubernetes").flatMap(k -> k.block().stream().filter(d -> d.name().equals("ttl")).findFirst())
          .map(d -> Long.parseLong(d.args().get(0))).orElse(DnsAnswers.TTL);
    }

    /**
     * How long {@code cache [TTL]} keeps an answer at most: its TTL, else CoreDNS' 3600 s; 0 when the block has no
     * {@code cache} (every answer is made afresh).
     */
    long cacheSeconds() {
      return directive("cache").map(d -> d.args().isEmpty() || !d.args().get(0).matches("-?\\d+") ? 3600L
          : Long.parseLong(d.args().get(0))).orElse(0L);
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

  /** The TTL of the cluster's answers to {@code qname} ({@link ServerBlock#ttl()}). */
  long ttl(String qname) {
    return blockFor(qname).map(ServerBlock::ttl).orElse(DnsAnswers.TTL);
  }

  /** How long an answer to {@code qname} may be kept ({@link ServerBlock#cacheSeconds()}); 0: not at all. */
  long cacheSeconds(String qname) {
    return blockFor(qname).map(ServerBlock::cacheSeconds).orElse(0L);
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
        Directive d = new Directive(name.text(), List.copyOf(args), block, name.line());
        if (plugins) {
          checkValues(d);
        }
        directives.add(d);
      }
    }

    /** The values dekube acts on, refused in the words of the CoreDNS plugin that reads them. */
    private static void checkValues(Directive d) {
      if (d.name().equals("kubernetes")) {
        for (Directive ttl : d.block()) {
          if (ttl.name().equals("ttl")) {
            long t = number("kubernetes", ttl.args().isEmpty() ? "" : ttl.args().get(0), ttl.line());
            if (t < 0 || t > 3600) {
              throw new IllegalArgumentException("plugin/kubernetes: " + error(ttl.line(),
                  "ttl must be in range [0, 3600]: " + t).getMessage());
            }
          }
        }
      } else if (d.name().equals("cache") && !d.args().isEmpty() && d.args().get(0).matches("-?\\d+")) {
        long t = number("cache", d.args().get(0), d.line());
        if (t <= 0) {
          throw new IllegalArgumentException("plugin/cache: cache TTL can not be zero or negative: " + t);
        }
      }
    }

    private static long number(String plugin, String text, int line) {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("plugin/" + plugin + ": " + error(line, "Wrong argument count or unexpected"
            + " line ending after 'ttl'").getMessage());
      }
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("plugin/" + plugin + ": strconv.Atoi: parsing \"" + text
            + "\": invalid syntax");
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
