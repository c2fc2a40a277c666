package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nginx images' files, as a user of the official nginx:1.27 image looks at them: {@code kubectl exec POD -- cat
 * /etc/nginx/nginx.conf}, {@code nginx -T}, the entry point, the pages.
 */
class NginxImageFilesTest {

  private static final String OK = "\u0000nginx: the configuration file /etc/nginx/nginx.conf syntax is ok\n"
      + "nginx: configuration file /etc/nginx/nginx.conf test is successful\n";

  @TempDir
  Path dir;

  @Test
  void theConfigurationFilesAreThereAndNginxDashCapitalTPrintsThemAsTheyAreNow() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.12.4")) {
      t.start("web", new ContainerBuilder().withName("nginx").withImage("nginx:1.27").build(), Map.of());
      String conf = t.exec("cat", "/etc/nginx/nginx.conf");
      assertTrue(conf.contains("    include       /etc/nginx/mime.types;\n")
          && conf.contains("    include /etc/nginx/conf.d/*.conf;\n"), conf);
      assertTrue(t.exec("cat", "/etc/nginx/mime.types").contains("    text/html  "));
      assertTrue(t.exec("cat", "/etc/nginx/conf.d/default.conf").contains("error_page   500 502 503 504  /50x.html;"));
      assertTrue(t.exec("cat", "/usr/share/nginx/html/50x.html").contains("<h1>An error occurred.</h1>"));
      assertEquals("10-listen-on-ipv6-by-default.sh\n15-local-resolvers.envsh\n20-envsubst-on-templates.sh\n"
          + "30-tune-worker-processes.sh\n", t.exec("ls", "/docker-entrypoint.d"));
      assertTrue(t.exec("head", "-1", "/docker-entrypoint.sh").equals("#!/bin/sh\n"));
      assertEquals("access.log\nerror.log\n", t.exec("ls", "/var/log/nginx"));
      // the entry point runs its scripts in order, then becomes the command
      assertEquals("/docker-entrypoint.sh: Looking for shell scripts in /docker-entrypoint.d/\n"
          + "/docker-entrypoint.sh: Launching /docker-entrypoint.d/10-listen-on-ipv6-by-default.sh\n"
          + "/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh: info: IPv6 listen already enabled\n"
          + "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh\n"
          + "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh\n"
          + "/docker-entrypoint.sh: Launching /docker-entrypoint.d/30-tune-worker-processes.sh\n"
          + "/docker-entrypoint.sh: Configuration complete; ready for start up\n"
          + "\u0000nginx version: nginx/1.27\n", t.exec("/docker-entrypoint.sh", "nginx", "-v"));

      String dump = t.exec("nginx", "-T");
      assertEquals("# configuration file /etc/nginx/nginx.conf:\n" + NginxFiles.NGINX_CONF + "\n"
          + "# configuration file /etc/nginx/mime.types:\n" + NginxFiles.MIME_TYPES + "\n"
          + "# configuration file /etc/nginx/conf.d/default.conf:\n" + NginxFiles.DEFAULT_CONF + "\n" + OK, dump);
      // a server added beside default.conf (a ConfigMap, kubectl cp) is read, in the order of the names
      t.exec("sh", "-c", "printf 'server { listen 8080; }\\n' > /etc/nginx/conf.d/app.conf");
      String withApp = t.exec("nginx", "-T");
      assertTrue(withApp.contains("# configuration file /etc/nginx/mime.types:\n") && withApp.contains(
          "# configuration file /etc/nginx/conf.d/app.conf:\nserver { listen 8080; }\n\n"
          + "# configuration file /etc/nginx/conf.d/default.conf:\n"), withApp);
      t.exec("rm", "/etc/nginx/mime.types");
      assertEquals("\u0000nginx: [emerg] open() \"/etc/nginx/mime.types\" failed (2: No such file or directory) in "
          + "/etc/nginx/nginx.conf:15\nnginx: configuration file /etc/nginx/nginx.conf test failed\n",
          t.exec("nginx", "-t"));
      assertEquals(200, t.get(80, "/").statusCode(), "the server serves on");
    }
  }

  @Test
  void theLogsAreLinksToTheContainersOutputAndTheEntryPointScriptsArePrograms() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.41.6")) {
      t.start("web", new ContainerBuilder().withName("nginx").withImage("nginx:1.27").build(), Map.of());
      String logs = t.exec("ls", "-l", "/var/log/nginx");
      assertTrue(logs.matches("(?s).*lrwxrwxrwx +1 root +root +11 .* access\\.log -> /dev/stdout\n"
          + "lrwxrwxrwx +1 root +root +11 .* error\\.log -> /dev/stderr\n"), logs);
      assertEquals("/dev/stdout\n", t.exec("readlink", "/var/log/nginx/access.log"));
      for (String script : List.of("/docker-entrypoint.sh", "/docker-entrypoint.d/10-listen-on-ipv6-by-default.sh",
          "/docker-entrypoint.d/15-local-resolvers.envsh", "/docker-entrypoint.d/20-envsubst-on-templates.sh",
          "/docker-entrypoint.d/30-tune-worker-processes.sh")) {
        assertTrue(t.exec("ls", "-l", script).startsWith("-rwxr-xr-x "), script);
      }
      assertTrue(t.exec("ls", "-l", "/etc/nginx/nginx.conf").startsWith("-rw-r--r-- "));
      t.exec("rm", "/var/log/nginx/access.log");
      assertEquals("error.log\n", t.exec("ls", "/var/log/nginx"), "an image's link removed stays removed");
    }
  }

  @Test
  void nginxSlimHasTheSameFilesAndTypesComeFromMimeTypes() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.12.5")) {
      t.start("web-0", new ContainerBuilder().withName("nginx").withImage("registry.k8s.io/nginx-slim:0.21").build(),
          Map.of());
      assertEquals(OK, t.exec("nginx", "-t"));
      assertTrue(t.exec("cat", "/etc/nginx/nginx.conf").startsWith("\nuser  nginx;\n"));
    }
    assertEquals("image/svg+xml", NginxPages.contentType("/usr/share/nginx/html/logo.svg"));
    assertEquals("application/wasm", NginxPages.contentType("/a/b.WASM"));
    assertEquals("text/html", NginxPages.contentType("/index.htm"));
    assertEquals("application/octet-stream", NginxPages.contentType("/usr/share/nginx/html/README"));
  }
}
