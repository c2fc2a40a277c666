package io.dekube.kubelet.images.wordpress;

import io.dekube.kubelet.images.mysql.MysqlClient;
import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * One request to WordPress, as {@code wp-load.php} runs it: connect to the database (a failure is
 * {@code dead_db()}'s 500, verbose on the installer and the admin), then — not installed — every page but the
 * installer redirects there ({@code wp_not_installed}); installed, the front page, {@code wp-login.php}, the admin
 * (logged in: the dashboard's greeting; else a redirect to log in) and the theme's 404 for the rest (the
 * {@code .htaccess} rewrite sends every other path to {@code index.php}); WordPress' stylesheets, scripts and images
 * are not among the image's stand-in files, so they are Apache's 404.
 * One connection per request, closed after it.
 */
final class WordpressSite {

  private static final java.util.regex.Pattern STATIC = java.util.regex.Pattern.compile(
      "/wp-(admin|includes|content)/.*\\.(css|js|png|gif|jpe?g|svg|ico|woff2?|ttf|map|txt)");
  private final WordpressDb wp;

  WordpressSite(WordpressDb wp) {
    this.wp = wp;
  }

  Future<Response> answer(Request req) {
    String path = req.path();
    boolean installer = path.equals("/wp-admin/install.php");
    boolean admin = path.equals("/wp-admin") || path.startsWith("/wp-admin/");
    if (path.equals("/wp-admin")) { // mod_dir's trailing slash
      String to = req.siteUrl() + "/wp-admin/";
      return Future.succeededFuture(Response.apache(301, "Moved Permanently", "The document has moved <a href=\""
          + InstallPages.attr(to) + "\">here</a>.", req.host(), "Location", to));
    }
    if (STATIC.matcher(path).matches()) { // WordPress' stylesheets, scripts and images: not among the stand-in files
      return Future.succeededFuture(Response.apache(404, "Not Found", "The requested URL was not found on this server.",
          req.host()));
    }
    return wp.connect().transform(ar -> {
      if (ar.failed()) {
        return Future.succeededFuture(dbFailure(ar.cause(), installer || admin));
      }
      MysqlClient db = ar.result();
      return wp.site(db).compose(site -> {
        if (installer) {
          return Installer.answer(wp, db, site, req);
        }
        if (site == null) {
          return Future.succeededFuture(Response.redirect(req.siteUrl() + "/wp-admin/install.php"));
        }
        if (path.equals("/wp-login.php")) {
          return Login.answer(wp, db, site, req);
        }
        if (admin) {
          return admin(db, site, req);
        }
        if (path.equals("/") || path.equals("/index.php")) {
          return wp.posts(db).map(posts -> Response.page(200, SitePages.front(site, posts), "Link", "<" + site.url()
              + "/index.php?rest_route=/>; rel=\"https://api.w.org/\""));
        }
        return Future.succeededFuture(Response.noCache(404, SitePages.notFound(site)));
      }).eventually(() -> {
        db.quit();
        return Future.succeededFuture();
      }).recover(e -> Future.succeededFuture(Response.page(500, SitePages.die("WordPress &rsaquo; Error",
          "<p>WordPress database error: [" + InstallPages.html(String.valueOf(e.getMessage())) + "]</p>"))));
    });
  }

  private Future<Response> admin(MysqlClient db, WordpressDb.Site site, Request req) {
    return Login.loggedIn(wp, db, site, req).map(user -> {
      if (user == null) {
        return Response.redirect(site.url() + "/wp-login.php?redirect_to=" + encode(site.url() + req.path())
            + "&reauth=1");
      }
      return req.path().equals("/wp-admin/") || req.path().equals("/wp-admin/index.php")
          ? Response.noCache(200, SitePages.dashboard(site, user))
          : Response.noCache(404, SitePages.notFound(site));
    });
  }

  /** A failed connection's page: terse on the site, {@code wpdb}'s explanation on the installer and the admin. */
  private Response dbFailure(Throwable e, boolean verbose) {
    WordpressConfig config = wp.config();
    boolean noDatabase = e instanceof MysqlClient.ServerError se && se.code == 1049;
    return Response.page(500, !verbose ? SitePages.deadDb() : noDatabase
        ? SitePages.cannotSelectDb(config.database(), config.user()) : SitePages.dbConnectFail(config.dbHost()));
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
