package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** nginx's configuration syntax, includes and refusals, as {@link NginxConfParser} reads them. */
class NginxConfParserTest {

  /** Files by path; folders listed from the paths. */
  static NginxConfParser.Sources files(Map<String, String> files) {
    return new NginxConfParser.Sources() {
      @Override
      public String read(String path) {
        return files.get(path);
      }

      @Override
      public List<String> list(String folder) {
        return new TreeMap<>(files).keySet().stream().filter(p -> p.startsWith(folder + "/"))
            .map(p -> p.substring(folder.length() + 1)).filter(n -> !n.contains("/")).toList();
      }
    };
  }

  @Test
  void theImagesNginxConfIncludesMimeTypesAndConfDsFilesInTheOrderOfTheirNames() {
    NginxConfParser.Parsed p = NginxConfParser.parse(NginxFiles.CONF, files(Map.of(NginxFiles.CONF,
        NginxFiles.NGINX_CONF, "/etc/nginx/mime.types", NginxFiles.MIME_TYPES, "/etc/nginx/conf.d/default.conf",
        NginxFiles.DEFAULT_CONF, "/etc/nginx/conf.d/b.conf", "server { listen 81; }",
        "/etc/nginx/conf.d/a.conf", "server { listen 82; }", "/etc/nginx/conf.d/c.txt", "not read")));
    assertEquals(List.of(NginxFiles.CONF, "/etc/nginx/mime.types", "/etc/nginx/conf.d/a.conf",
        "/etc/nginx/conf.d/b.conf", "/etc/nginx/conf.d/default.conf"), List.copyOf(p.files().keySet()));
    NginxDirective http = p.directives().stream().filter(d -> d.name().equals("http")).findFirst().orElseThrow();
    assertEquals(List.of("types", "default_type", "log_format", "access_log", "sendfile", "keepalive_timeout",
        "server", "server", "server"), http.block().stream().map(NginxDirective::name).toList());
    NginxDirective logFormat = http.block().get(2);
    assertEquals(List.of("main", "$remote_addr - $remote_user [$time_local] \"$request\" ",
        "$status $body_bytes_sent \"$http_referer\" ", "\"$http_user_agent\" \"$http_x_forwarded_for\""),
        logFormat.args());
    assertEquals("/etc/nginx/conf.d/a.conf:1", http.block().get(6).at());
  }

  @Test
  void quotesEscapesCommentsAndVariablesInBraces() {
    List<NginxDirective> d = NginxConfParser.parse("/c", files(Map.of("/c",
        "a \"x y\" 'it\\'s' b#c; # a comment\nreturn 200 \"${uri}\\n\";\n"))).directives();
    assertEquals(List.of("x y", "it's", "b#c"), d.get(0).args());
    assertEquals(List.of("200", "${uri}\n"), d.get(1).args());
    assertEquals(2, d.get(1).line());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', textBlock = """
      server { listen 80; }}                        | unexpected "}" in /c:1
      server { listen 80;                           | unexpected end of file, expecting "}" in /c:1
      events {} http { root /x                      | unexpected end of file, expecting ";" or "}" in /c:1
      ;                                             | unexpected ";" in /c:1
      server { root "/a"b; }                        | unexpected "b" in /c:1
      include missing.conf;                         | open() "/etc/nginx/missing.conf" failed (2: No such file or directory) in /c:1
      include a b;                                  | invalid number of arguments in "include" directive in /c:1
      """)
  void whatNginxRefusesToParseIsRefusedInItsWords(String text, String message) {
    NginxConfException e = assertThrows(NginxConfException.class,
        () -> NginxConfParser.parse("/c", files(Map.of("/c", text))));
    assertEquals(message, e.getMessage());
  }

  @Test
  void aMissingNginxConfIsOpensError() {
    assertEquals("open() \"/etc/nginx/nginx.conf\" failed (2: No such file or directory)",
        assertThrows(NginxConfException.class, () -> NginxConfParser.parse(NginxFiles.CONF, files(Map.of())))
            .getMessage());
  }
}
