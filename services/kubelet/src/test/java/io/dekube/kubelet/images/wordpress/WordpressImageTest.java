package io.dekube.kubelet.images.wordpress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.JvmRuntime;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WordPress tutorial's two images run by the real jvm runtime side by side: {@code mysql:8.0} with the
 * tutorial's variables, {@code wordpress:6.2.1-apache} reaching it by the Service's name; the entrypoint's copy,
 * Apache's lines, the database error page, the installer's steps, the installed site kept in MySQL's tables across a
 * new WordPress container on an empty volume, the login, and the access log.
 */
class WordpressImageTest {

  private static final AtomicInteger PODS = new AtomicInteger();
  private final int n = PODS.getAndIncrement();
  private final String dbIp = "127.31.17." + (10 + 2 * n);
  private final String wpIp = "127.31.17." + (11 + 2 * n);
  private static final Map<String, String> WP_ENV = Map.of("WORDPRESS_DB_HOST", "wordpress-mysql",
      "WORDPRESS_DB_USER", "wordpress", "WORDPRESS_DB_PASSWORD", "secret");

  @TempDir
  Path dir;
  private final Vertx vertx = Vertx.vertx();
  private final List<RunningContainer> running = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  @AfterEach
  void stop() throws Exception {
    for (RunningContainer c : running) {
      if (!c.exited().isComplete()) {
        c.stop(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private RunningContainer start(String pod, String ip, String image, Map<String, String> env, String mount,
                                 Path volume) throws Exception {
    var c = new ContainerBuilder().withName(pod).withImage(image).build();
    ContainerSpec spec = new ContainerSpec("default", pod, "uid-" + pod, "node-1", ip, c, env,
        dir.resolve(pod + "/0.log"), dir.resolve("work-" + pod), Map.of(mount, volume), pod,
        "127.0.0.1\tlocalhost\n" + dbIp + "\twordpress-mysql\n");
    RunningContainer r = new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    running.add(r);
    return r;
  }

  private RunningContainer mysql() throws Exception {
    RunningContainer r = start("mysql", dbIp, "mysql:8.0", Map.of("MYSQL_ROOT_PASSWORD", "secret",
        "MYSQL_DATABASE", "wordpress", "MYSQL_USER", "wordpress", "MYSQL_PASSWORD", "secret"), "/var/lib/mysql",
        Files.createDirectories(dir.resolve("mysql-pv")));
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> log("mysql").contains("ready for connections"));
    return r;
  }

  private RunningContainer wordpress(String pod, Map<String, String> env) throws Exception {
    return start(pod, wpIp, "wordpress:6.2.1-apache", env, "/var/www/html",
        Files.createDirectories(dir.resolve(pod + "-pv")));
  }

  private String log(String pod) throws Exception {
    Path f = dir.resolve(pod + "/0.log");
    return Files.exists(f) ? Files.readString(f) : "";
  }

  private HttpResponse<String> get(String path, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + wpIp + path)).timeout(Duration.ofSeconds(20));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> post(String path, String form, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + wpIp + path)).timeout(Duration.ofSeconds(20))
        .header("Content-Type", "application/x-www-form-urlencoded").POST(HttpRequest.BodyPublishers.ofString(form));
    for (int i = 0; i + 1 < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void startsAsTheImageLogsAndShowsTheDatabaseErrorWithoutMysql() throws Exception {
    wordpress("wordpress", WP_ENV);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log("wordpress").contains("resuming normal"));
    String log = log("wordpress");
    assertTrue(log.contains("stderr F WordPress not found in /var/www/html - copying now..."), log);
    assertTrue(log.contains("stderr F Complete! WordPress has been successfully copied to /var/www/html"), log);
    assertTrue(log.contains("stderr F No 'wp-config.php' found in /var/www/html, but 'WORDPRESS_...' variables "
        + "supplied; copying 'wp-config-docker.php' (WORDPRESS_DB_HOST WORDPRESS_DB_PASSWORD WORDPRESS_DB_USER)"), log);
    assertTrue(log.contains("AH00558: apache2: Could not reliably determine the server's fully qualified domain name, "
        + "using " + wpIp + ". Set the 'ServerName' directive globally to suppress this message"), log);
    assertTrue(log.contains("[mpm_prefork:notice] [pid 1] AH00163: Apache/2.4.56 (Debian) PHP/8.0.28 configured -- "
        + "resuming normal operations"), log);
    assertTrue(log.contains("[core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'"), log);
    Path html = dir.resolve("wordpress-pv");
    assertTrue(Files.readString(html.resolve("wp-includes/version.php")).contains("$wp_version = '6.2.1';"));
    String config = Files.readString(html.resolve("wp-config.php"));
    assertTrue(config.contains("getenv_docker('WORDPRESS_DB_HOST', 'mysql')"), config);
    assertFalse(config.contains("put your unique phrase here"), config);

    HttpResponse<String> front = get("/");
    assertEquals(500, front.statusCode());
    assertTrue(front.body().contains("<title>Database Error</title>"), front.body());
    assertTrue(front.body().contains("<h1>Error establishing a database connection</h1>"), front.body());
    HttpResponse<String> install = get("/wp-admin/install.php");
    assertEquals(500, install.statusCode());
    assertTrue(install.body().contains("contact with the database server at <code>wordpress-mysql</code> could not be "
        + "established"), install.body());
    assertTrue(log("wordpress").contains("\"GET / HTTP/1.1\" 500 "), log("wordpress"));
    HttpResponse<String> css = get("/wp-admin/css/install.min.css?ver=6.2.1");
    assertEquals(404, css.statusCode());
    assertTrue(css.body().contains("<address>Apache/2.4.56 (Debian) Server at " + wpIp + " Port 80</address>"),
        css.body());
    HttpResponse<String> admin = get("/wp-admin");
    assertEquals(301, admin.statusCode());
    assertEquals("http://" + wpIp + "/wp-admin/", admin.headers().firstValue("Location").orElseThrow());
  }

  @Test
  void installsIntoMysqlAndTheSiteOutlivesTheWordpressPod() throws Exception {
    mysql();
    wordpress("wordpress", WP_ENV);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log("wordpress").contains("resuming normal"));

    HttpResponse<String> front = get("/", "User-Agent", "curl/8.5.0");
    assertEquals(302, front.statusCode(), front.body());
    assertEquals("http://" + wpIp + "/wp-admin/install.php", front.headers().firstValue("Location").orElseThrow());
    assertEquals("WordPress", front.headers().firstValue("X-Redirect-By").orElseThrow());
    // Apache logs a request once its response is sent: the client may read the response first
    Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertTrue(log("wordpress").matches(
        "(?s).*stdout F [\\d.]+ - - \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d \\+0000] "
        + "\"GET / HTTP/1\\.1\" 302 \\d+ \"-\" \"curl/8\\.5\\.0\"\n.*"), log("wordpress")));

    HttpResponse<String> chooser = get("/wp-admin/install.php");
    assertEquals(200, chooser.statusCode());
    assertTrue(chooser.body().contains("<title>WordPress &rsaquo; Installation</title>"), chooser.body());
    assertTrue(chooser.body().contains("English (United States)"), chooser.body());
    HttpResponse<String> welcome = post("/wp-admin/install.php?step=1", "language=");
    assertTrue(welcome.body().contains("<h1>Welcome</h1>"), welcome.body());
    assertTrue(welcome.body().contains("action=\"install.php?step=2\""), welcome.body());

    HttpResponse<String> mismatch = post("/wp-admin/install.php?step=2", "weblog_title=Kube+Blog&user_name=admin"
        + "&admin_password=pw1&admin_password2=pw2&admin_email=admin%40example.com");
    assertTrue(mismatch.body().contains("<p class=\"message\">Your passwords do not match. Please try again.</p>"),
        mismatch.body());
    HttpResponse<String> success = post("/wp-admin/install.php?step=2", "weblog_title=Kube+Blog&user_name=admin"
        + "&admin_password=s3cret%21&admin_password2=s3cret%21&admin_email=admin%40example.com&language=");
    assertEquals(200, success.statusCode());
    assertTrue(success.body().contains("<h1>Success!</h1>"), success.body());
    assertTrue(success.body().contains("<td>admin</td>"), success.body());

    try (Connection c = DriverManager.getConnection("jdbc:mysql://" + dbIp + ":3306/wordpress", "wordpress", "secret");
         ResultSet rs = c.createStatement().executeQuery(
             "SELECT option_value FROM wp_options WHERE option_name = 'blogname'")) {
      assertTrue(rs.next());
      assertEquals("Kube Blog", rs.getString(1));
      ResultSet user = c.createStatement().executeQuery("SELECT user_pass FROM wp_users WHERE user_login = 'admin'");
      assertTrue(user.next());
      assertTrue(Phpass.check("s3cret!", user.getString(1)), user.getString(1));
    }

    // the WordPress pod goes; a new one on an empty volume finds the site in the database
    running.get(1).stop(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    wordpress("wordpress2", WP_ENV);
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> log("wordpress2").contains("resuming normal"));
    HttpResponse<String> home = get("/");
    assertEquals(200, home.statusCode(), home.body());
    assertTrue(home.body().contains("<title>Kube Blog</title>"), home.body());
    assertTrue(home.body().contains(">Hello world!</a></h2>"), home.body());
    assertTrue(get("/wp-admin/install.php").body().contains("<h1>Already Installed</h1>"));

    HttpResponse<String> admin = get("/wp-admin/");
    assertEquals(302, admin.statusCode());
    assertEquals("http://" + wpIp + "/wp-login.php?redirect_to=http%3A%2F%2F" + wpIp + "%2Fwp-admin%2F&reauth=1",
        admin.headers().firstValue("Location").orElseThrow());
    HttpResponse<String> loginPage = get("/wp-login.php");
    assertTrue(loginPage.body().contains("<title>Log In &lsaquo; Kube Blog &#8212; WordPress</title>"));
    String cookie = "wordpress_test_cookie=WP%20Cookie%20check";
    HttpResponse<String> wrong = post("/wp-login.php", "log=admin&pwd=nope", "Cookie", cookie);
    assertTrue(wrong.body().contains("<strong>Error:</strong> The password you entered for the username <strong>admin"
        + "</strong> is incorrect."), wrong.body());
    HttpResponse<String> right = post("/wp-login.php", "log=admin&pwd=s3cret%21&redirect_to=%2Fwp-admin%2F",
        "Cookie", cookie);
    assertEquals(302, right.statusCode(), right.body());
    String auth = right.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    HttpResponse<String> dashboard = get("/wp-admin/", "Cookie", auth);
    assertEquals(200, dashboard.statusCode(), dashboard.body());
    assertTrue(dashboard.body().contains("Howdy, <span class=\"display-name\">admin</span>"), dashboard.body());
  }

  @Test
  void phpassMatchesPhpsPortableHashes() {
    assertTrue(Phpass.check("test12345", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"));
    assertFalse(Phpass.check("test12346", "$P$9IQRaTwmfeRo7ud9Fh4E2PdI0S3r.L0"));
    String h = Phpass.hash("pw");
    assertTrue(h.startsWith("$P$B") && h.length() == 34 && Phpass.check("pw", h), h);
  }
}
