package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What nginx does with its configuration before it serves (at start, at {@code -s reload}, for {@code -t}): reads
 * {@code /etc/nginx/nginx.conf} and its includes from the container, parses them, reads the site, loads the
 * certificate and key files of its TLS servers and resolves the hosts of its {@code proxy_pass} and
 * {@code upstream} servers from the pod. A failure is a {@link NginxConfException} with nginx's {@code [emerg]}
 * text. Non-blocking.
 *
 * @param files     the configuration files read, in order, with their text ({@code nginx -T})
 * @param keyCerts  each certificate file's key and certificate, by certificate path
 * @param addresses each proxied host's address, by host name
 */
record NginxLoad(NginxSite site, Map<String, String> files, Map<String, KeyCert> keyCerts,
                 Map<String, String> addresses) {

  /** A server's certificate and key, as PEM bytes. */
  record KeyCert(String certPath, Buffer cert, String keyPath, Buffer key) {
  }

  /** Loads the configuration of {@code c}; {@code portOf80} as {@link NginxSiteReader} takes it. */
  static Future<NginxLoad> load(JvmContainer c, int portOf80) {
    return NginxConfReader.read(c, NginxFiles.CONF).compose(sources -> {
      NginxConfParser.Parsed parsed;
      NginxSite site;
      try {
        parsed = NginxConfParser.parse(NginxFiles.CONF, sources);
        site = NginxSiteReader.read(parsed.directives(), portOf80);
      } catch (NginxConfException e) {
        return Future.failedFuture(e);
      }
      return keyCerts(c, site).compose(certs -> addresses(c, site).map(addrs ->
          new NginxLoad(site, parsed.files(), certs, addrs)));
    });
  }

  private static Future<Map<String, KeyCert>> keyCerts(JvmContainer c, NginxSite site) {
    Map<String, KeyCert> out = new LinkedHashMap<>();
    Future<Void> next = Future.succeededFuture();
    for (NginxSite.Server s : site.servers()) {
      if (s.certificate() == null || out.containsKey(s.certificate())
          || s.listens().stream().noneMatch(l -> site.ports().get(l.port()))) {
        continue;
      }
      next = next.compose(v -> pem(c, s.certificate(), false)).compose(cert -> pem(c, s.certificateKey(), true)
          .map(key -> {
            out.put(s.certificate(), new KeyCert(s.certificate(), cert, s.certificateKey(), key));
            return null;
          }));
    }
    return next.map(v -> out);
  }

  /** A PEM file as nginx's OpenSSL loads it, or nginx's words for why it cannot. */
  private static Future<Buffer> pem(JvmContainer c, String path, boolean key) {
    String what = key ? "cannot load certificate key \"" + path + "\": " : "cannot load certificate \"" + path + "\": ";
    return c.file(path).compose(bytes -> {
      if (bytes == null) {
        return Future.failedFuture(new NginxConfException(what + "BIO_new_file() failed (SSL: error:80000002:system "
            + "library::No such file or directory:calling fopen(" + path + ", r) error:10000080:BIO routines::no "
            + "such file)"));
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      if (!key && !text.contains("-----BEGIN CERTIFICATE-----")) {
        return Future.failedFuture(new NginxConfException(what + "PEM_read_bio_X509_AUX() failed (SSL: "
            + "error:0480006C:PEM routines::no start line:Expecting: TRUSTED CERTIFICATE)"));
      }
      if (key && !text.matches("(?s).*-----BEGIN [A-Z ]*PRIVATE KEY-----.*")) {
        return Future.failedFuture(new NginxConfException(what + "PEM_read_bio_PrivateKey() failed (SSL: "
            + "error:1E08010C:DECODER routines::unsupported:No supported data to decode. Input type: PEM)"));
      }
      return Future.succeededFuture(Buffer.buffer(bytes));
    });
  }

  /** Resolves each proxied host that is not an upstream group, and each upstream server, as nginx does at start. */
  private static Future<Map<String, String>> addresses(JvmContainer c, NginxSite site) {
    Map<String, String> hosts = new LinkedHashMap<>();
    site.upstreams().values().forEach(peers -> peers.forEach(p -> hosts.putIfAbsent(p.host(), p.at())));
    for (NginxSite.Server s : site.servers()) {
      proxies(s.locations(), site, hosts);
    }
    Map<String, String> out = new LinkedHashMap<>();
    Future<Void> next = Future.succeededFuture();
    for (Map.Entry<String, String> h : hosts.entrySet()) {
      next = next.compose(v -> c.resolve(h.getKey()).<Void>map(ip -> {
        out.put(h.getKey(), ip);
        return null;
      }).recover(e -> Future.failedFuture(new NginxConfException("host not found in upstream \"" + h.getKey()
          + "\" in " + h.getValue()))));
    }
    return next.map(v -> out);
  }

  private static void proxies(List<NginxSite.Location> locations, NginxSite site, Map<String, String> hosts) {
    for (NginxSite.Location l : locations) {
      NginxSite.Proxy p = l.scope().proxy();
      if (p != null && !site.upstreams().containsKey(p.host())) {
        hosts.putIfAbsent(p.host(), p.at());
      }
      proxies(l.nested(), site, hosts);
    }
  }
}
