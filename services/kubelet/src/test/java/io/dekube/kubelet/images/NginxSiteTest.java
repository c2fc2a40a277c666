package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The site an nginx configuration describes: listens, servers by name, locations by URI, and what nginx refuses. */
class NginxSiteTest {

  /** The image's nginx.conf with {@code conf} as conf.d/default.conf. */
  static NginxSite site(String conf) {
    Map<String, String> files = new HashMap<>(Map.of(NginxFiles.CONF, NginxFiles.NGINX_CONF, "/etc/nginx/mime.types",
        NginxFiles.MIME_TYPES, "/etc/nginx/conf.d/default.conf", conf));
    return NginxSiteReader.read(NginxConfParser.parse(NginxFiles.CONF, NginxConfParserTest.files(files))
        .directives(), 80);
  }

  @Test
  void theTutorialsDefaultConfListensOn80AndOn443WithTlsAndItsCertificate() {
    NginxSite site = site(NginxFiles.HTTPS_DEFAULT_CONF);
    assertEquals(Map.of(80, false, 443, true), site.ports());
    NginxSite.Server s = site.server(443, "my-nginx");
    assertEquals("/etc/nginx/ssl/tls.crt", s.certificate());
    assertEquals("/etc/nginx/ssl/tls.key", s.certificateKey());
    assertEquals(List.of("$uri", "$uri/", "=404"), s.location("/index.html").scope().tryFiles());
    assertEquals("/usr/share/nginx/html", s.location("/").scope().root());
    assertEquals(List.of("index.html"), s.location("/").scope().index());
    assertEquals("text/html", site.contentType("/usr/share/nginx/html/index.html", null));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      /                 | prefix /
      /docs/a           | prefix /docs/
      /exact            | exact
      /exact/more       | prefix /
      /img/a.png        | regex png
      /static/a.png     | stop static
      /A.JPG            | regex jpg any case
      """)
  void locationsAreChosenAsNginxChoosesThem(String uri, String expected) {
    NginxSite site = site("""
        server {
          listen 80;
          location / { return 200 'prefix /'; }
          location /docs/ { return 200 'prefix /docs/'; }
          location = /exact { return 200 exact; }
          location ~ \\.png$ { return 200 'regex png'; }
          location ^~ /static/ { return 200 'stop static'; }
          location ~* \\.jpg$ { return 200 'regex jpg any case'; }
        }
        """);
    assertEquals(expected, site.server(80, "").location(uri).scope().ret().text());
  }

  @Test
  void serversAreChosenByNameElseTheDefaultServerOfThePort() {
    NginxSite site = site("""
        server { listen 80; server_name a.example; return 200 a; }
        server { listen 80 default_server; server_name b.example *.wild.example; return 200 b; }
        server { listen 80; server_name ~^api\\d+\\.example$; return 200 api; }
        server { listen 8080; return 200 other; }
        """);
    assertEquals("a", site.server(80, "a.example").scope().ret().text());
    assertEquals("b", site.server(80, "x.wild.example").scope().ret().text());
    assertEquals("api", site.server(80, "api7.example").scope().ret().text());
    assertEquals("b", site.server(80, "unknown").scope().ret().text());
    assertEquals("other", site.server(8080, "a.example").scope().ret().text());
    assertNull(site.server(81, "a.example"));
  }

  @Test
  void settingsInheritFromHttpToServerToLocationAsNginxMergesThem() {
    NginxSite site = site("""
        server {
          listen 80;
          root /srv;
          add_header X-Server yes;
          error_page 404 /404.html;
          location / { }
          location /own { add_header X-Own yes; root /own; }
          location /alias/ { alias /data/; }
        }
        """);
    NginxSite.Server s = site.server(80, "");
    assertEquals("application/octet-stream", s.location("/").scope().defaultType());
    assertEquals("/srv", s.location("/").scope().root());
    assertEquals(List.of("X-Server"), s.location("/").scope().headers().stream().map(NginxSite.Header::name).toList());
    assertEquals(List.of("X-Own"), s.location("/own").scope().headers().stream().map(NginxSite.Header::name).toList());
    assertEquals("/404.html", s.location("/own").scope().errorPages().get(404).uri());
    assertEquals("/data/", s.location("/alias/x").scope().alias());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      server { listen 443 ssl; }                                        | no "ssl_certificate" is defined for the "listen ... ssl" directive in /etc/nginx/conf.d/default.conf:1
      server { listen 80; foo bar; }                                     | unknown directive "foo" in /etc/nginx/conf.d/default.conf:1
      server { listen 80; location / { listen 81; } }                    | "listen" directive is not allowed here in /etc/nginx/conf.d/default.conf:1
      server { listen 80; root; }                                        | invalid number of arguments in "root" directive in /etc/nginx/conf.d/default.conf:1
      server { listen 80000; }                                           | invalid port in "80000" of the "listen" directive in /etc/nginx/conf.d/default.conf:1
      server { listen 8o; }                                              | host not found in "8o" of the "listen" directive in /etc/nginx/conf.d/default.conf:1
      server { listen 80; location / {} location / {} }                  | duplicate location "/" in /etc/nginx/conf.d/default.conf:1
      server { listen 80; location / ; }                                 | directive "location" has no opening "{" in /etc/nginx/conf.d/default.conf:1
      server { listen 80 default_server; } server { listen 80 default; } | a duplicate default server for 0.0.0.0:80 in /etc/nginx/conf.d/default.conf:1
      server { listen 80; location / { proxy_pass ftp://x; } }           | invalid URL prefix in /etc/nginx/conf.d/default.conf:1
      """)
  void whatNginxRefusesAtStartIsRefusedInItsWords(String conf, String message) {
    assertEquals(message, assertThrows(NginxConfException.class, () -> site(conf)).getMessage());
  }

  @Test
  void directivesNginxKnowsButTheBuiltInServerDoesNotActOnAreTaken() {
    NginxSite site = site("""
        server {
          listen 80;
          gzip on;
          client_max_body_size 10m;
          location / { expires 1h; proxy_read_timeout 30s; return 204; }
        }
        """);
    assertEquals(204, site.server(80, "").location("/").scope().ret().code());
  }

  @Test
  void withoutAnEventsSectionNginxDoesNotStart() {
    NginxConfParser.Sources src = NginxConfParserTest.files(Map.of("/c", "http { }"));
    assertEquals("no \"events\" section in configuration", assertThrows(NginxConfException.class,
        () -> NginxSiteReader.read(NginxConfParser.parse("/c", src).directives(), 80)).getMessage());
  }
}
