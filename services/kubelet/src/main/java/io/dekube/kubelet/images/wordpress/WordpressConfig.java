package io.dekube.kubelet.images.wordpress;

import java.util.Map;

/**
 * What the image's {@code wp-config.php} (its {@code wp-config-docker.php}) defines, read as it reads them: each
 * {@code WORDPRESS_*} variable of the container, else the image's fallback ({@code DB_HOST} {@code mysql},
 * {@code DB_NAME} {@code wordpress}, {@code DB_USER} {@code example username}, {@code DB_PASSWORD}
 * {@code example password}, table prefix {@code wp_}). {@code DB_HOST} may name a port ({@code host:3307}); the
 * {@code _FILE} variants are not read. Pure.
 */
record WordpressConfig(String dbHost, String host, int port, String user, String password, String database,
                       String prefix) {

  static WordpressConfig of(Map<String, String> env) {
    String dbHost = env.getOrDefault("WORDPRESS_DB_HOST", "mysql");
    String host = dbHost;
    int port = 3306;
    int colon = dbHost.lastIndexOf(':');
    if (colon > 0 && dbHost.indexOf(':') == colon && dbHost.substring(colon + 1).matches("\\d{1,5}")) {
      host = dbHost.substring(0, colon);
      port = Integer.parseInt(dbHost.substring(colon + 1));
    }
    return new WordpressConfig(dbHost, host, port, env.getOrDefault("WORDPRESS_DB_USER", "example username"),
        env.getOrDefault("WORDPRESS_DB_PASSWORD", "example password"),
        env.getOrDefault("WORDPRESS_DB_NAME", "wordpress"), env.getOrDefault("WORDPRESS_TABLE_PREFIX", "wp_"));
  }

  /** A table's name with the prefix: {@code wp_options}. */
  String table(String name) {
    return prefix + name;
  }
}
