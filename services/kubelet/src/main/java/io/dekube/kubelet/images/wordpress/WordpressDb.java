package io.dekube.kubelet.images.wordpress;

import io.dekube.kubelet.images.mysql.MysqlClient;
import io.vertx.core.Future;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * WordPress' database, spoken to as {@code wpdb} does: one MySQL connection per request to {@code DB_HOST} (its name
 * resolved by the pod's resolver, the cluster DNS), logged in as {@code DB_USER} with {@code DB_PASSWORD} into
 * {@code DB_NAME}; the site is installed when {@code wp_options} has its {@code siteurl}. The installation writes
 * WordPress' tables ({@code wp_options}, {@code wp_users}, {@code wp_usermeta}, {@code wp_posts}; the column names of
 * {@code wp-admin/includes/schema.php}, with plainer types — no {@code unsigned}, no zero dates —, without its
 * secondary keys and table options) and the rows
 * {@code wp_install} makes: so the site lives in the database, not in the WordPress pod. Thread-safe.
 */
final class WordpressDb {

  /** {@code $wp_db_version} of WordPress 6.2. */
  static final int DB_VERSION = 53496;
  private static final DateTimeFormatter MYSQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

  /** The site's options: {@code siteurl}, {@code blogname}, {@code blogdescription}. */
  record Site(String url, String name, String description) {
  }

  /** A published post. */
  record Post(long id, String title, String content, String date) {
  }

  /** A user of {@code wp_users}. */
  record User(long id, String login, String passwordHash) {
  }

  /** What the installer's form gave. */
  record Install(String title, String user, String password, String email, boolean isPublic) {
  }

  private final MysqlClient.Dialer dialer;
  private final WordpressConfig config;

  WordpressDb(MysqlClient.Dialer dialer, WordpressConfig config) {
    this.dialer = dialer;
    this.config = config;
  }

  WordpressConfig config() {
    return config;
  }

  /** Connects as {@code wpdb::db_connect} and {@code select_db} do; fails with the server's error or the dial's. */
  Future<MysqlClient> connect() {
    return MysqlClient.connect(dialer, config.host(), config.port(), config.user(), config.password(),
        config.database());
  }

  /** The installed site, or null: not installed ({@code wp_options} missing, or no {@code siteurl} in it). */
  Future<Site> site(MysqlClient db) {
    return db.query("SELECT option_name, option_value FROM " + config.table("options")
        + " WHERE option_name IN ('siteurl', 'blogname', 'blogdescription')").map(r -> {
          Map<String, String> options = new HashMap<>();
          r.rows().forEach(row -> options.put(row.get(0), row.get(1)));
          return options.containsKey("siteurl") ? new Site(options.get("siteurl"), options.getOrDefault("blogname", ""),
              options.getOrDefault("blogdescription", "")) : null;
        }).recover(e -> e instanceof MysqlClient.ServerError se && se.code == 1146 ? Future.succeededFuture(null)
            : Future.failedFuture(e));
  }

  /** The published posts, newest first (the front page's ten). */
  Future<List<Post>> posts(MysqlClient db) {
    return db.query("SELECT ID, post_title, post_content, post_date FROM " + config.table("posts")
        + " WHERE post_type = 'post' AND post_status = 'publish' ORDER BY post_date DESC, ID DESC LIMIT 10")
        .map(r -> r.rows().stream().map(row -> new Post(Long.parseLong(row.get(0)), row.get(1), row.get(2), row.get(3)))
            .toList());
  }

  /** The user whose login (or, with an {@code @}, email) is {@code name}, or null. */
  Future<User> user(MysqlClient db, String name) {
    String column = name.contains("@") ? "user_email" : "user_login";
    return db.query("SELECT ID, user_login, user_pass FROM " + config.table("users") + " WHERE " + column + " = '"
        + escape(name) + "'").map(r -> r.rows().isEmpty() ? null
            : new User(Long.parseLong(r.rows().get(0).get(0)), r.rows().get(0).get(1), r.rows().get(0).get(2)));
  }

  /** Whether the users table exists (the setup form then asks for no user). */
  Future<Boolean> hasUsers(MysqlClient db) {
    return db.query("SHOW TABLES LIKE '" + config.table("users") + "'").map(r -> !r.rows().isEmpty());
  }

  /** {@code wp_install}: the tables, the options, the first user, the first post and page. */
  Future<Void> install(MysqlClient db, Install form, String url) {
    String now = MYSQL_TIME.format(LocalDateTime.now(ZoneOffset.UTC));
    List<String> statements = new java.util.ArrayList<>(schema());
    String options = config.table("options");
    String[][] values = {{"siteurl", url}, {"home", url}, {"blogname", form.title()}, {"blogdescription", ""},
        {"users_can_register", "0"}, {"admin_email", form.email()}, {"blog_public", form.isPublic() ? "1" : "0"},
        {"template", "twentytwentythree"}, {"stylesheet", "twentytwentythree"}, {"db_version", "" + DB_VERSION},
        {"fresh_site", "1"}, {"WPLANG", ""}};
    for (String[] v : values) {
      statements.add("INSERT INTO " + options + " (option_name, option_value, autoload) VALUES ('" + v[0] + "', '"
          + escape(v[1]) + "', 'yes')");
    }
    statements.add("INSERT INTO " + config.table("users") + " (ID, user_login, user_pass, user_nicename, user_email,"
        + " user_url, user_registered, user_activation_key, user_status, display_name) VALUES (1, '" + escape(form.user())
        + "', '" + Phpass.hash(form.password()) + "', '" + escape(nicename(form.user())) + "', '" + escape(form.email())
        + "', '" + escape(url) + "', '" + now + "', '', 0, '" + escape(form.user()) + "')");
    String meta = config.table("usermeta");
    statements.add("INSERT INTO " + meta + " (user_id, meta_key, meta_value) VALUES (1, 'nickname', '"
        + escape(form.user()) + "')");
    statements.add("INSERT INTO " + meta + " (user_id, meta_key, meta_value) VALUES (1, '" + config.table("capabilities")
        + "', 'a:1:{s:13:\"administrator\";b:1;}')");
    statements.add("INSERT INTO " + meta + " (user_id, meta_key, meta_value) VALUES (1, '" + config.table("user_level")
        + "', '10')");
    statements.add(post(1, now, "Hello world!", "hello-world", "post", url + "/?p=1",
        "<!-- wp:paragraph -->\n<p>Welcome to WordPress. This is your first post. Edit or delete it, then start "
            + "writing!</p>\n<!-- /wp:paragraph -->"));
    statements.add(post(2, now, "Sample Page", "sample-page", "page", url + "/?page_id=2",
        "<!-- wp:paragraph -->\n<p>This is an example page. It's different from a blog post because it will stay in "
            + "one place and will show up in your site navigation (in most themes).</p>\n<!-- /wp:paragraph -->"));
    Future<Void> chain = Future.succeededFuture();
    for (String sql : statements) {
      chain = chain.compose(v -> db.query(sql).mapEmpty());
    }
    return chain;
  }

  private String post(int id, String now, String title, String name, String type, String guid, String content) {
    return "INSERT INTO " + config.table("posts") + " (ID, post_author, post_date, post_date_gmt, post_content,"
        + " post_title, post_excerpt, post_status, comment_status, ping_status, post_name, post_modified,"
        + " post_modified_gmt, post_parent, guid, post_type, comment_count) VALUES (" + id + ", 1, '" + now + "', '"
        + now + "', '" + escape(content) + "', '" + escape(title) + "', '', 'publish', '"
        + (type.equals("post") ? "open" : "closed") + "', 'open', '" + name + "', '" + now + "', '" + now + "', 0, '"
        + escape(guid) + "', '" + type + "', 0)";
  }

  private List<String> schema() {
    return List.of("CREATE TABLE " + config.table("options") + " (option_id bigint NOT NULL auto_increment,"
            + " option_name varchar(191) NOT NULL default '', option_value longtext NOT NULL,"
            + " autoload varchar(20) NOT NULL default 'yes', PRIMARY KEY (option_id), UNIQUE (option_name))",
        "CREATE TABLE " + config.table("users") + " (ID bigint NOT NULL auto_increment,"
            + " user_login varchar(60) NOT NULL default '', user_pass varchar(255) NOT NULL default '',"
            + " user_nicename varchar(50) NOT NULL default '', user_email varchar(100) NOT NULL default '',"
            + " user_url varchar(100) NOT NULL default '', user_registered datetime NOT NULL,"
            + " user_activation_key varchar(255) NOT NULL default '', user_status int NOT NULL default 0,"
            + " display_name varchar(250) NOT NULL default '', PRIMARY KEY (ID))",
        "CREATE TABLE " + config.table("usermeta") + " (umeta_id bigint NOT NULL auto_increment,"
            + " user_id bigint NOT NULL default 0, meta_key varchar(255) default NULL, meta_value longtext,"
            + " PRIMARY KEY (umeta_id))",
        "CREATE TABLE " + config.table("posts") + " (ID bigint NOT NULL auto_increment,"
            + " post_author bigint NOT NULL default 0, post_date datetime NOT NULL, post_date_gmt datetime NOT NULL,"
            + " post_content longtext NOT NULL, post_title text NOT NULL, post_excerpt text NOT NULL,"
            + " post_status varchar(20) NOT NULL default 'publish', comment_status varchar(20) NOT NULL default 'open',"
            + " ping_status varchar(20) NOT NULL default 'open', post_name varchar(200) NOT NULL default '',"
            + " post_modified datetime NOT NULL, post_modified_gmt datetime NOT NULL,"
            + " post_parent bigint NOT NULL default 0, guid varchar(255) NOT NULL default '',"
            + " post_type varchar(20) NOT NULL default 'post', comment_count bigint NOT NULL default 0,"
            + " PRIMARY KEY (ID))");
  }

  /** {@code sanitize_title} of a login, as {@code user_nicename}: lower case, blanks to hyphens. */
  static String nicename(String login) {
    return login.toLowerCase(java.util.Locale.ROOT).replaceAll("[^a-z0-9_\\-@.]+", "-");
  }

  /** {@code mysqli::real_escape_string}. */
  static String escape(String s) {
    StringBuilder b = new StringBuilder();
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '\\' -> b.append("\\\\");
        case '\'' -> b.append("\\'");
        case '"' -> b.append("\\\"");
        case '\0' -> b.append("\\0");
        case '\n' -> b.append("\\n");
        case '\r' -> b.append("\\r");
        case '\u001a' -> b.append("\\Z");
        default -> b.append(ch);
      }
    }
    return b.toString();
  }
}
