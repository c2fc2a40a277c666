package io.dekube.ingress;

import io.fabric8.kubernetes.api.model.networking.v1.HTTPIngressPath;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBackend;
import io.fabric8.kubernetes.api.model.networking.v1.IngressClass;
import io.fabric8.kubernetes.api.model.networking.v1.IngressRule;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

import java.util.Objects;

/**
 * The routing table of the Ingresses this controller serves: which Ingresses are its own (by
 * {@code ingressClassName}, the legacy {@code kubernetes.io/ingress.class} annotation, or the
 * default IngressClass for those without a class), and for a request's host and path the backend
 * as the Ingress API defines matching: an exact host before a wildcard ({@code *.example.com}
 * matches one label) before a rule without host; an Exact path before the longest Prefix
 * (element-wise: {@code /foo} matches {@code /foo/bar}, not {@code /foobar}); the default backend
 * when nothing matches. ImplementationSpecific paths match as Prefix. A pure function of its
 * inputs; immutable.
 */
public final class IngressRoutes {

  /** The annotation that makes an IngressClass the default. */
  public static final String DEFAULT_CLASS_ANNOTATION = "ingressclass.kubernetes.io/is-default-class";

  /**
   * Where a request goes.
   *
   * @param namespace   the Ingress' namespace (the Service's too)
   * @param ingress     the Ingress' name
   * @param service     the backend Service's name (null for a resource backend)
   * @param portNumber  the backend port number (0 when named)
   * @param portName    the backend port name ("" when numbered)
   */
  public record Route(String namespace, String ingress, String service, int portNumber, String portName) {
  }

  private record Entry(int hostRank, String host, boolean exact, String path, Route route) {
  }

  private final List<Entry> entries;
  private final List<Route> defaults;

  private IngressRoutes(List<Entry> entries, List<Route> defaults) {
    this.entries = entries;
    this.defaults = defaults;
  }

  /** Whether this controller serves the Ingress. */
  public static boolean ours(Ingress ing, List<IngressClass> classes, String controller) {
    String cls = ing.getSpec().getIngressClassName();
    if (cls == null && ing.getMetadata().getAnnotations() != null) {
      cls = ing.getMetadata().getAnnotations().get("kubernetes.io/ingress.class");
    }
    if (cls != null) {
      String name = cls;
      return classes.stream().anyMatch(c -> c.getMetadata().getName().equals(name)
          && controller.equals(c.getSpec().getController()));
    }
    List<IngressClass> defaults = classes.stream().filter(c -> c.getMetadata().getAnnotations() != null
        && "true".equals(c.getMetadata().getAnnotations().get(DEFAULT_CLASS_ANNOTATION))).toList();
    return defaults.isEmpty() || defaults.stream().anyMatch(c -> controller.equals(c.getSpec().getController()));
  }

  /** The routes of the Ingresses this controller serves, oldest Ingress first on ties. */
  public static IngressRoutes of(List<Ingress> ingresses, List<IngressClass> classes, String controller) {
    List<Ingress> mine = new ArrayList<>(ingresses.stream().filter(i -> ours(i, classes, controller)).toList());
    mine.sort(Comparator.comparing((Ingress i) -> Objects.requireNonNullElse(i.getMetadata().getCreationTimestamp(), ""))
        .thenComparing(i -> i.getMetadata().getNamespace() + "/" + i.getMetadata().getName()));
    List<Entry> entries = new ArrayList<>();
    List<Route> defaults = new ArrayList<>();
    for (Ingress ing : mine) {
      if (ing.getSpec().getDefaultBackend() != null) {
        defaults.add(route(ing, ing.getSpec().getDefaultBackend()));
      }
      for (IngressRule rule : nonNull(ing.getSpec().getRules())) {
        String host = rule.getHost() == null ? "" : rule.getHost().toLowerCase(Locale.ROOT);
        int rank = host.isEmpty() ? 2 : host.startsWith("*.") ? 1 : 0;
        if (rule.getHttp() == null) {
          continue;
        }
        for (HTTPIngressPath p : nonNull(rule.getHttp().getPaths())) {
          String path = p.getPath() == null || p.getPath().isEmpty() ? "/" : p.getPath();
          boolean exact = "Exact".equals(p.getPathType());
          entries.add(new Entry(rank, host, exact, exact ? path : trimSlash(path), route(ing, p.getBackend())));
        }
      }
    }
    return new IngressRoutes(List.copyOf(entries), List.copyOf(defaults));
  }

  private static Route route(Ingress ing, IngressBackend b) {
    String ns = ing.getMetadata().getNamespace();
    String name = ing.getMetadata().getName();
    if (b == null || b.getService() == null) {
      return new Route(ns, name, null, 0, "");
    }
    var port = b.getService().getPort();
    int number = port == null || port.getNumber() == null ? 0 : port.getNumber();
    String portName = port == null || port.getName() == null ? "" : port.getName();
    return new Route(ns, name, b.getService().getName(), number, portName);
  }

  /** The route of a request, or null (404) when no rule and no default backend matches. */
  public Route match(String hostHeader, String path) {
    String host = stripPort(hostHeader == null ? "" : hostHeader.toLowerCase(Locale.ROOT));
    String p = path == null || path.isEmpty() ? "/" : path;
    for (int rank = 0; rank <= 2; rank++) {
      Entry best = null;
      for (Entry e : entries) {
        if (e.hostRank() != rank || !hostMatches(e, host) || !pathMatches(e, p)) {
          continue;
        }
        if (best == null || better(e, best)) {
          best = e;
        }
      }
      if (best != null) {
        return best.route();
      }
    }
    return defaults.isEmpty() ? null : defaults.get(0);
  }

  private static boolean better(Entry e, Entry best) {
    if (e.exact() != best.exact()) {
      return e.exact();
    }
    return e.path().length() > best.path().length();
  }

  private static boolean hostMatches(Entry e, String host) {
    return switch (e.hostRank()) {
      case 0 -> e.host().equals(host);
      case 1 -> {
        String suffix = e.host().substring(1);
        yield host.endsWith(suffix) && host.length() > suffix.length()
            && host.substring(0, host.length() - suffix.length()).indexOf('.') < 0;
      }
      default -> true;
    };
  }

  static boolean pathMatches(Entry e, String path) {
    if (e.exact()) {
      return e.path().equals(path);
    }
    String prefix = e.path();
    if (prefix.isEmpty()) {
      return true;
    }
    String p = trimSlash(path);
    return p.equals(prefix) || p.startsWith(prefix + "/");
  }

  private static String trimSlash(String path) {
    String p = path;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String stripPort(String host) {
    if (host.startsWith("[")) {
      return host;
    }
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  /** The hosts of every rule (for the Ingress status and logs). */
  public List<String> hosts() {
    return entries.stream().map(Entry::host).distinct().toList();
  }

  private static <T> List<T> nonNull(List<T> l) {
    return l == null ? List.of() : l;
  }

}
