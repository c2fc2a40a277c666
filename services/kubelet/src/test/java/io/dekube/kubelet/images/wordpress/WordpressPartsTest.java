package io.dekube.kubelet.images.wordpress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.images.BuiltInImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The image's pure parts: the entrypoint's copy on a volume that has content, the installer's checks, the tags. */
class WordpressPartsTest {

  @TempDir
  Path html;

  @Test
  void theEntrypointKeepsAPluginTheVolumeHasAndSaysSo() throws Exception {
    Files.createDirectories(html.resolve("wp-content/plugins/akismet"));
    Files.writeString(html.resolve("wp-content/plugins/akismet/mine.php"), "<?php // mine\n");
    Files.writeString(html.resolve("notes.txt"), "x");
    List<String> lines = new ArrayList<>();
    WordpressFiles.prepare(html, Map.of(), lines::add);
    assertEquals(List.of("WordPress not found in /var/www/html - copying now...",
        "WARNING: /var/www/html is not empty! (copying anyhow)",
        "WARNING: '/var/www/html/wp-content/plugins/akismet' exists! (not copying the WordPress version)",
        "Complete! WordPress has been successfully copied to /var/www/html"), lines);
    assertFalse(Files.exists(html.resolve("wp-content/plugins/akismet/index.php")));
    assertTrue(Files.exists(html.resolve("wp-content/themes/twentytwentythree/index.php")));
    assertFalse(Files.exists(html.resolve("wp-config.php")), "no WORDPRESS_ variables: no wp-config.php");

    lines.clear();
    WordpressFiles.prepare(html, Map.of("WORDPRESS_DB_USER", "u"), lines::add);
    assertEquals(List.of("No 'wp-config.php' found in /var/www/html, but 'WORDPRESS_...' variables supplied; copying "
        + "'wp-config-docker.php' (WORDPRESS_DB_USER)"), lines, "WordPress is there now: no copy");
    lines.clear();
    WordpressFiles.prepare(html, Map.of("WORDPRESS_DB_USER", "u"), lines::add);
    assertEquals(List.of(), lines);
  }

  @Test
  void theInstallersChecksComeInItsOrder() {
    assertEquals("Please provide a valid username.", Installer.check(form("", "a", "a", "me@example.com")));
    assertEquals("The username you provided has invalid characters.", Installer.check(form("a<b>c!", "a", "a", "")));
    assertEquals("Your passwords do not match. Please try again.", Installer.check(form("admin", "a", "b", "")));
    assertEquals("You must provide an email address.", Installer.check(form("admin", "a", "a", "")));
    assertTrue(Installer.check(form("admin", "a", "a", "me@localhost")).startsWith("Sorry, that isn&#8217;t a valid"));
    assertNull(Installer.check(form("jane doe", "", "", "jane@example.co.uk")));
    assertEquals(2, Installer.leadingInt("2abc"));
    assertEquals(0, Installer.leadingInt("x"));
  }

  private static Request form(String user, String p1, String p2, String email) {
    return new Request("POST", "/wp-admin/install.php", Map.of("step", "2"), Map.of("user_name", user,
        "admin_password", p1, "admin_password2", p2, "admin_email", email), Map.of(), "10.0.0.1");
  }

  @Test
  void theApacheTagsRunAndTheFpmAndCliTagsDoNot() {
    assertEquals("wordpress", BuiltInImages.resolve("wordpress:6.2.1-apache").orElseThrow().program());
    assertEquals("wordpress", BuiltInImages.resolve("docker.io/library/wordpress").orElseThrow().program());
    assertTrue(BuiltInImages.resolve("wordpress:6.2.1-fpm").isEmpty());
    assertTrue(BuiltInImages.resolve("wordpress:cli").isEmpty());
    assertEquals(new WordpressConfig("db:3307", "db", 3307, "example username", "example password", "wordpress",
        "wp_"), WordpressConfig.of(Map.of("WORDPRESS_DB_HOST", "db:3307")));
  }
}
