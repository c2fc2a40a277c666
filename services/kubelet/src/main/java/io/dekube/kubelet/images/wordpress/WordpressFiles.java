package io.dekube.kubelet.images.wordpress;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The image's {@code docker-entrypoint.sh} for {@code apache2*}: a {@code /var/www/html} (the container's layer, or
 * the volume mounted there) without WordPress ({@code index.php} and {@code wp-includes/version.php} both missing)
 * gets the files of {@code /usr/src/wordpress} — here a small stand-in set, not WordPress' 3,000 files: the
 * entry {@code index.php}, {@code wp-includes/version.php}, the image's {@code .htaccess} and
 * {@code wp-config-docker.php}, the {@code wp-content} folders —, an existing plugin or theme folder is kept
 * (with the script's warning); then, with {@code WORDPRESS_*} variables set and no {@code wp-config.php},
 * {@code wp-config-docker.php} is copied to {@code wp-config.php}, its "put your unique phrase here" keys made
 * random. Each step's line goes to stderr as the script writes it. Blocking: call from a worker thread.
 */
final class WordpressFiles {

  static final String ROOT = "/var/www/html";
  static final String VERSION = "6.2.1";
  private static final String UNIQUE = "put your unique phrase here";
  private static final SecureRandom RANDOM = new SecureRandom();

  private WordpressFiles() {
  }

  /** Runs the entrypoint's steps in {@code html} (the node folder behind {@code /var/www/html}). */
  static void prepare(Path html, Map<String, String> env, Consumer<String> stderr) throws IOException {
    if (!Files.exists(html.resolve("index.php")) && !Files.exists(html.resolve("wp-includes/version.php"))) {
      stderr.accept("WordPress not found in " + ROOT + " - copying now...");
      try (Stream<Path> names = Files.list(html)) {
        if (names.anyMatch(p -> !p.getFileName().toString().equals("wp-content"))) {
          stderr.accept("WARNING: " + ROOT + " is not empty! (copying anyhow)");
        }
      }
      java.util.Set<String> kept = new java.util.LinkedHashSet<>();
      for (String path : sources().keySet()) {
        String pluggable = pluggable(path);
        if (pluggable != null && Files.exists(html.resolve(pluggable)) && kept.add(pluggable)) {
          stderr.accept("WARNING: '" + ROOT + "/" + pluggable + "' exists! (not copying the WordPress version)");
        }
      }
      for (Map.Entry<String, String> f : sources().entrySet()) {
        if (!kept.contains(pluggable(f.getKey()))) {
          write(html.resolve(f.getKey()), f.getValue());
        }
      }
      stderr.accept("Complete! WordPress has been successfully copied to " + ROOT);
    }
    List<String> wpEnvs = env.keySet().stream().filter(k -> k.startsWith("WORDPRESS_")).sorted().toList();
    Path config = html.resolve("wp-config.php");
    Path docker = html.resolve("wp-config-docker.php");
    if ((!Files.exists(config) || Files.size(config) == 0) && !wpEnvs.isEmpty()) {
      String source = Files.exists(docker) && Files.size(docker) > 0 ? Files.readString(docker) : CONFIG_DOCKER;
      stderr.accept("No 'wp-config.php' found in " + ROOT + ", but 'WORDPRESS_...' variables supplied; copying '"
          + (Files.exists(docker) ? "wp-config-docker.php" : "/usr/src/wordpress/wp-config-docker.php") + "' ("
          + String.join(" ", wpEnvs) + ")");
      StringBuilder out = new StringBuilder();
      for (String line : source.split("\n", -1)) {
        out.append(line.contains(UNIQUE) ? line.replace(UNIQUE, randomSha1()) : line).append('\n');
      }
      write(config, out.substring(0, out.length() - 1));
    }
  }

  /** The plugin or theme folder ({@code wp-content/plugins/akismet}) or {@code .htaccess} a path belongs to. */
  private static String pluggable(String path) {
    if (path.equals(".htaccess")) {
      return path;
    }
    String[] parts = path.split("/");
    return parts.length > 3 && parts[0].equals("wp-content") ? parts[0] + "/" + parts[1] + "/" + parts[2] : null;
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static String randomSha1() {
    byte[] bytes = new byte[1024];
    RANDOM.nextBytes(bytes);
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The stand-in of {@code /usr/src/wordpress}: path to text. */
  static Map<String, String> sources() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put(".htaccess", "# BEGIN WordPress\n\nRewriteEngine On\nRewriteRule .* - [E=HTTP_AUTHORIZATION:%{HTTP:Authorization}]\n"
        + "RewriteBase /\nRewriteRule ^index\\.php$ - [L]\nRewriteCond %{REQUEST_FILENAME} !-f\n"
        + "RewriteCond %{REQUEST_FILENAME} !-d\nRewriteRule . /index.php [L]\n\n# END WordPress\n");
    files.put("index.php", "<?php\n/**\n * Front to the WordPress application. This file doesn't do anything, but loads\n"
        + " * wp-blog-header.php which does and tells WordPress to load the theme.\n *\n * @package WordPress\n */\n\n"
        + "/**\n * Tells WordPress to load the WordPress theme and output it.\n *\n * @var bool\n */\n"
        + "define( 'WP_USE_THEMES', true );\n\n/** Loads the WordPress Environment and Template */\n"
        + "require __DIR__ . '/wp-blog-header.php';\n");
    files.put("wp-config-docker.php", CONFIG_DOCKER);
    files.put("wp-includes/version.php", "<?php\n/**\n * WordPress Version\n *\n * Contains version information for the"
        + " current WordPress release.\n *\n * @package WordPress\n * @since 1.2.0\n */\n\n"
        + "$wp_version = '" + VERSION + "';\n\n$wp_db_version = " + WordpressDb.DB_VERSION + ";\n\n"
        + "$tinymce_version = '49110-20201110';\n\n$required_php_version = '5.6.20';\n\n"
        + "$required_mysql_version = '5.0';\n");
    String silence = "<?php\n// Silence is golden.\n";
    files.put("wp-content/index.php", silence);
    files.put("wp-content/plugins/index.php", silence);
    files.put("wp-content/plugins/akismet/index.php", silence);
    files.put("wp-content/themes/index.php", silence);
    for (String theme : List.of("twentytwentyone", "twentytwentytwo", "twentytwentythree")) {
      files.put("wp-content/themes/" + theme + "/index.php", silence);
    }
    return files;
  }

  /** The image's {@code wp-config-docker.php}, shortened: what it defines, each from its variable. */
  static final String CONFIG_DOCKER = """
      <?php
      /**
       * The base configuration for WordPress, read from environment variables for use in Docker.
       *
       * @package WordPress
       */

      // a helper function to lookup "env_FILE", "env", then fallback
      if (!function_exists('getenv_docker')) {
      \tfunction getenv_docker($env, $default) {
      \t\tif ($fileEnv = getenv($env . '_FILE')) {
      \t\t\treturn rtrim(file_get_contents($fileEnv), "\\r\\n");
      \t\t}
      \t\telse if (($val = getenv($env)) !== false) {
      \t\t\treturn $val;
      \t\t}
      \t\telse {
      \t\t\treturn $default;
      \t\t}
      \t}
      }

      define( 'DB_NAME', getenv_docker('WORDPRESS_DB_NAME', 'wordpress') );
      define( 'DB_USER', getenv_docker('WORDPRESS_DB_USER', 'example username') );
      define( 'DB_PASSWORD', getenv_docker('WORDPRESS_DB_PASSWORD', 'example password') );
      define( 'DB_HOST', getenv_docker('WORDPRESS_DB_HOST', 'mysql') );
      define( 'DB_CHARSET', getenv_docker('WORDPRESS_DB_CHARSET', 'utf8') );
      define( 'DB_COLLATE', getenv_docker('WORDPRESS_DB_COLLATE', '') );

      define( 'AUTH_KEY',         getenv_docker('WORDPRESS_AUTH_KEY',         'put your unique phrase here') );
      define( 'SECURE_AUTH_KEY',  getenv_docker('WORDPRESS_SECURE_AUTH_KEY',  'put your unique phrase here') );
      define( 'LOGGED_IN_KEY',    getenv_docker('WORDPRESS_LOGGED_IN_KEY',    'put your unique phrase here') );
      define( 'NONCE_KEY',        getenv_docker('WORDPRESS_NONCE_KEY',        'put your unique phrase here') );
      define( 'AUTH_SALT',        getenv_docker('WORDPRESS_AUTH_SALT',        'put your unique phrase here') );
      define( 'SECURE_AUTH_SALT', getenv_docker('WORDPRESS_SECURE_AUTH_SALT', 'put your unique phrase here') );
      define( 'LOGGED_IN_SALT',   getenv_docker('WORDPRESS_LOGGED_IN_SALT',   'put your unique phrase here') );
      define( 'NONCE_SALT',       getenv_docker('WORDPRESS_NONCE_SALT',       'put your unique phrase here') );

      $table_prefix = getenv_docker('WORDPRESS_TABLE_PREFIX', 'wp_');

      define( 'WP_DEBUG', !!getenv_docker('WORDPRESS_DEBUG', '') );

      /* That's all, stop editing! Happy publishing. */

      if ( ! defined( 'ABSPATH' ) ) {
      \tdefine( 'ABSPATH', __DIR__ . '/' );
      }

      require_once ABSPATH . 'wp-settings.php';
      """;
}
