package io.dekube.kubelet.images.wordpress;

import io.dekube.kubelet.images.mysql.MysqlClient;
import io.vertx.core.Future;
import java.security.SecureRandom;

/**
 * {@code wp-admin/install.php}'s steps on an uninstalled site: 0 the language chooser, 1 the form, 2 its checks
 * (in WordPress' order and words) and {@code wp_install}; an installed site gets "Already Installed".
 */
final class Installer {

  private static final String PASSWORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789!@#$%^&*()";
  private static final SecureRandom RANDOM = new SecureRandom();

  private Installer() {
  }

  static Future<Response> answer(WordpressDb wp, MysqlClient db, WordpressDb.Site site, Request req) {
    if (site != null) {
      return Future.succeededFuture(Response.noCache(200, InstallPages.alreadyInstalled(site.url() + "/wp-login.php")));
    }
    int step = leadingInt(req.query().getOrDefault("step", ""));
    String language = req.param("language").replaceAll("[^a-zA-Z0-9_]", "");
    if (step == 0 && language.isEmpty()) {
      return Future.succeededFuture(Response.noCache(200, InstallPages.languages()));
    }
    if (step != 2) {
      return wp.hasUsers(db).map(users -> Response.noCache(200, InstallPages.welcome(language, users, password(18, true))));
    }
    String error = check(req);
    if (error != null) {
      return wp.hasUsers(db).map(users -> Response.noCache(200, InstallPages.refused(error, req.form(), users,
          req.form().containsKey("admin_password") ? req.form().get("admin_password") : password(18, true))));
    }
    String chosen = req.form().getOrDefault("admin_password", "");
    String password = chosen.isEmpty() ? password(12, false) : chosen;
    WordpressDb.Install form = new WordpressDb.Install(req.form().getOrDefault("weblog_title", "").trim(),
        req.form().get("user_name").trim(), password, req.form().get("admin_email").trim(),
        !req.form().containsKey("blog_public") || !"0".equals(req.form().get("blog_public")));
    String generated = chosen.isEmpty() && req.form().getOrDefault("admin_password2", "").isEmpty() ? password : null;
    return wp.install(db, form, req.siteUrl()).map(v -> Response.noCache(200, InstallPages.success(form.user(),
        generated)));
  }

  /** Step 2's checks, in install.php's order: null when the form is good. */
  static String check(Request req) {
    String user = req.form().getOrDefault("user_name", "").trim();
    String email = req.form().getOrDefault("admin_email", "").trim();
    if (user.isEmpty()) {
      return "Please provide a valid username.";
    }
    if (!user.equals(sanitizeUser(user))) {
      return "The username you provided has invalid characters.";
    }
    if (!req.form().getOrDefault("admin_password", "").equals(req.form().getOrDefault("admin_password2", ""))) {
      return "Your passwords do not match. Please try again.";
    }
    if (email.isEmpty()) {
      return "You must provide an email address.";
    }
    if (!isEmail(email)) {
      return "Sorry, that isn&#8217;t a valid email address. Email addresses look like "
          + "<code>username@example.com</code>.";
    }
    return null;
  }

  /** {@code sanitize_user( $name, true )}: only letters, digits, blank, {@code _ . - @}; blanks collapsed. */
  static String sanitizeUser(String name) {
    return name.replaceAll("<[^>]*>", "").replaceAll("%[a-fA-F0-9]{2}", "").replaceAll("&.+?;", "")
        .replaceAll("[^a-zA-Z0-9 _.\\-@]", "").trim().replaceAll("\\s+", " ");
  }

  /** {@code is_email()}: local part of its characters, a domain of two or more dot-separated labels. */
  static boolean isEmail(String email) {
    int at = email.indexOf('@', 1);
    if (email.length() < 6 || at < 0 || at != email.lastIndexOf('@')) {
      return false;
    }
    String local = email.substring(0, at);
    String[] labels = email.substring(at + 1).split("\\.", -1);
    if (!local.matches("[a-zA-Z0-9!#$%&'*+/=?^_`{|}~.-]+") || labels.length < 2) {
      return false;
    }
    for (String label : labels) {
      if (!label.matches("[a-zA-Z0-9-]+") || label.startsWith("-") || label.endsWith("-")) {
        return false;
      }
    }
    return true;
  }

  /** {@code wp_generate_password( length, special )}. */
  static String password(int length, boolean special) {
    String chars = special ? PASSWORD_CHARS : PASSWORD_CHARS.substring(0, 62);
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < length; i++) {
      b.append(chars.charAt(RANDOM.nextInt(chars.length())));
    }
    return b.toString();
  }

  /** PHP's {@code (int)} of a string: its leading digits, else 0. */
  static int leadingInt(String s) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("^\\s*(\\d{1,9})").matcher(s);
    return m.find() ? Integer.parseInt(m.group(1)) : 0;
  }
}
