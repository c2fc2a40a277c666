package io.dekube.kubelet.images.wordpress;

import io.dekube.kubelet.images.mysql.MysqlClient;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * {@code wp-login.php}: the form (with WordPress' test cookie), the checks of a submission in WordPress' order and
 * words (cookies blocked, empty fields, unknown user, wrong password) against {@code wp_users}' phpass hashes, and on
 * success the {@code wordpress_logged_in_} cookie and the redirect; {@link #loggedIn} reads that cookie back. The
 * cookie is signed with the user's stored hash, so it follows the database, as WordPress' does.
 */
final class Login {

  static final String TEST_COOKIE = "wordpress_test_cookie";
  private static final long TWO_DAYS = 2 * 24 * 3600;

  private Login() {
  }

  static Future<Response> answer(WordpressDb wp, MysqlClient db, WordpressDb.Site site, Request req) {
    String testCookie = TEST_COOKIE + "=WP%20Cookie%20check; path=/; HttpOnly";
    String redirectTo = req.param("redirect_to").isEmpty() ? site.url() + "/wp-admin/" : req.param("redirect_to");
    if (!req.method().equals("POST")) {
      return Future.succeededFuture(Response.noCache(200, SitePages.login(site, null, "", redirectTo),
          "Set-Cookie", testCookie));
    }
    String user = req.form().getOrDefault("log", "").trim();
    String password = req.form().getOrDefault("pwd", "");
    if (!req.cookies().containsKey(TEST_COOKIE)) {
      return failed(site, "<strong>Error:</strong> Cookies are blocked or not supported by your browser. You must "
          + "<a href=\"https://wordpress.org/documentation/article/cookies/\">enable cookies</a> to use WordPress.",
          user, redirectTo);
    }
    if (user.isEmpty() || password.isEmpty()) {
      String both = user.isEmpty() ? "<strong>Error:</strong> The username field is empty." : "";
      String pass = password.isEmpty() ? "<strong>Error:</strong> The password field is empty." : "";
      return failed(site, both + (both.isEmpty() || pass.isEmpty() ? "" : "<br />\n\t") + pass, user, redirectTo);
    }
    return wp.user(db, user).map(found -> {
      if (found == null) {
        return user.contains("@") ? failedPage(site, "<strong>Error:</strong> Unknown email address. Check again or "
            + "try your username.", user, redirectTo)
            : failedPage(site, "<strong>Error:</strong> The username <strong>" + InstallPages.html(user) + "</strong> is "
            + "not registered on this site. If you are unsure of your username, try your email address instead.",
            user, redirectTo);
      }
      if (!Phpass.check(password, found.passwordHash())) {
        return failedPage(site, "<strong>Error:</strong> The password you entered for the username <strong>"
            + InstallPages.html(found.login()) + "</strong> is incorrect. <a href=\"" + site.url()
            + "/wp-login.php?action=lostpassword\">Lost your password?</a>", user, redirectTo);
      }
      long expiration = System.currentTimeMillis() / 1000 + TWO_DAYS;
      String token = Installer.password(43, false);
      String value = found.login() + "|" + expiration + "|" + token + "|" + sign(found, expiration, token);
      return Response.redirect(redirectTo, "Set-Cookie", cookieName(site) + "="
          + value.replace("|", "%7C") + "; path=/; HttpOnly");
    });
  }

  private static Future<Response> failed(WordpressDb.Site site, String error, String user, String redirectTo) {
    return Future.succeededFuture(failedPage(site, error, user, redirectTo));
  }

  private static Response failedPage(WordpressDb.Site site, String error, String user, String redirectTo) {
    return Response.noCache(200, SitePages.login(site, error, user, redirectTo));
  }

  /** The logged-in user's login, or null: no cookie, a cookie expired or not signed by the user's stored hash. */
  static Future<String> loggedIn(WordpressDb wp, MysqlClient db, WordpressDb.Site site, Request req) {
    String cookie = req.cookies().get(cookieName(site));
    String[] parts = cookie == null ? new String[0] : cookie.split("\\|");
    if (parts.length != 4 || !parts[1].matches("\\d{1,12}")
        || Long.parseLong(parts[1]) < System.currentTimeMillis() / 1000) {
      return Future.succeededFuture(null);
    }
    return wp.user(db, parts[0]).map(u -> u != null && MessageDigest.isEqual(
        sign(u, Long.parseLong(parts[1]), parts[2]).getBytes(StandardCharsets.US_ASCII),
        parts[3].getBytes(StandardCharsets.US_ASCII)) ? u.login() : null);
  }

  /** {@code LOGGED_IN_COOKIE}: {@code wordpress_logged_in_} and the MD5 of the site URL. */
  static String cookieName(WordpressDb.Site site) {
    try {
      return "wordpress_logged_in_" + HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
          .digest(site.url().getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String sign(WordpressDb.User user, long expiration, String token) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(user.passwordHash().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((user.login() + "|" + expiration + "|" + token)
          .getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
