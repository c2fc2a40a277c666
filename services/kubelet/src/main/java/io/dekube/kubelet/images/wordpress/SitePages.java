package io.dekube.kubelet.images.wordpress;

import java.util.List;

/**
 * The pages a visitor of the site gets: {@code wp_die}'s error page ({@code dead_db}'s "Error establishing a
 * database connection", terse on the site, with {@code wpdb}'s explanation while installing), a front page in the
 * manner of Twenty Twenty-Three (the site title, the posts), its "Page not found", and {@code wp-login.php}'s form
 * with its errors. The themes' stylesheets, blocks and scripts are left out. Pure.
 */
final class SitePages {

  private SitePages() {
  }

  /** {@code dead_db()} on the site: the terse message, titled "Database Error". */
  static String deadDb() {
    return die("Database Error", "<h1>Error establishing a database connection</h1>");
  }

  /** {@code wpdb::db_connect}'s message, as the installer and the admin show it. */
  static String dbConnectFail(String dbHost) {
    return die("WordPress &rsaquo; Error", "<h1>Error establishing a database connection</h1>\n<p>This either means "
        + "that the username and password information in your <code>wp-config.php</code> file is incorrect or that "
        + "contact with the database server at <code>" + InstallPages.attr(dbHost) + "</code> could not be "
        + "established. This could mean your host&#8217;s database server is down.</p>\n<ul>\n<li>Are you sure you "
        + "have the correct username and password?</li>\n<li>Are you sure you have typed the correct hostname?</li>\n"
        + "<li>Are you sure the database server is running?</li>\n</ul>\n<p>If you are unsure what these terms mean "
        + "you should probably contact your host. If you still need help you can always visit the <a "
        + "href=\"https://wordpress.org/support/forums/\">WordPress support forums</a>.</p>\n");
  }

  /** {@code wpdb::select}'s message: the server took the login but has no such database. */
  static String cannotSelectDb(String database, String user) {
    return die("WordPress &rsaquo; Error", "<h1>Cannot select database</h1>\n<p>The database server could be connected "
        + "to (which means your username and password is okay) but the <code>" + InstallPages.html(database)
        + "</code> database could not be selected.</p>\n<ul>\n<li>Are you sure it exists?</li>\n<li>Does the user <code>"
        + InstallPages.html(user) + "</code> have permission to use the <code>" + InstallPages.html(database)
        + "</code> database?</li>\n<li>On some systems the name of your database is prefixed with your username, so it "
        + "would be like <code>" + InstallPages.html(user) + "_" + InstallPages.html(database) + "</code>. Could that "
        + "be the problem?</li>\n</ul>\n<p>If you do not know how to set up a database you should <strong>contact your "
        + "host</strong>. If all else fails you may find help at the <a href=\"https://wordpress.org/support/forums/\">"
        + "WordPress support forums</a>.</p>\n");
  }

  /** {@code _default_wp_die_handler}'s page. */
  static String die(String title, String message) {
    return "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n\t<meta http-equiv=\"Content-Type\" content=\"text/html; "
        + "charset=utf-8\" />\n\t<meta name=\"viewport\" content=\"width=device-width\">\n\t\t<meta name='robots' "
        + "content='max-image-preview:large, noindex, follow' />\n\t<title>" + title + "</title>\n"
        + "\t<style type=\"text/css\">\n\t\thtml {\n\t\t\tbackground: #f1f1f1;\n\t\t}\n\t\tbody {\n"
        + "\t\t\tbackground: #fff;\n\t\t\tborder: 1px solid #ccd0d4;\n\t\t\tcolor: #444;\n\t\t\tmargin: 2em auto;\n"
        + "\t\t\tpadding: 1em 2em;\n\t\t\tmax-width: 700px;\n\t\t}\n\t</style>\n</head>\n<body id=\"error-page\">\n"
        + "\t<div class=\"wp-die-message\">" + message + "</div></body>\n</html>\n\t";
  }

  /** The front page: the site title, then each post's title, date and content. */
  static String front(WordpressDb.Site site, List<WordpressDb.Post> posts) {
    StringBuilder b = new StringBuilder(head(site, site.description().isEmpty() ? site.name()
        : site.name() + " &#8211; " + site.description(), "home blog"));
    b.append("<main class=\"wp-block-query\">\n");
    for (WordpressDb.Post p : posts) {
      b.append("<li class=\"wp-block-post post-").append(p.id()).append(" post type-post status-publish\">\n")
          .append("<h2 class=\"wp-block-post-title\"><a href=\"").append(InstallPages.attr(site.url())).append("/?p=")
          .append(p.id()).append("\" target=\"_self\" >").append(p.title()).append("</a></h2>\n")
          .append("<div class=\"wp-block-post-content\">").append(p.content()).append("</div>\n")
          .append("<div class=\"wp-block-post-date\"><time datetime=\"").append(p.date().replace(' ', 'T'))
          .append("+00:00\">").append(p.date(), 0, Math.min(10, p.date().length())).append("</time></div>\n</li>\n");
    }
    return b.append("</main>\n").append(foot()).toString();
  }

  /** The theme's 404. */
  static String notFound(WordpressDb.Site site) {
    return head(site, "Page not found &#8211; " + site.name(), "error404") + "<main>\n<h1 class=\"wp-block-heading\">"
        + "Page not found</h1>\n<p>The page you are looking for does not exist, or it has been moved. Please try "
        + "searching using the form below.</p>\n</main>\n" + foot();
  }

  private static String head(WordpressDb.Site site, String title, String bodyClass) {
    return "<!DOCTYPE html>\n<html lang=\"en-US\">\n<head>\n\t<meta charset=\"UTF-8\" />\n"
        + "\t<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\" />\n"
        + "<meta name='robots' content='max-image-preview:large' />\n<title>" + title + "</title>\n"
        + "<link rel=\"alternate\" type=\"application/rss+xml\" title=\"" + InstallPages.attr(site.name())
        + " &raquo; Feed\" href=\"" + InstallPages.attr(site.url()) + "/?feed=rss2\" />\n"
        + "<meta name=\"generator\" content=\"WordPress " + WordpressFiles.VERSION + "\" />\n</head>\n\n<body class=\""
        + bodyClass + " wp-embed-responsive\">\n\n<div class=\"wp-site-blocks\"><header class=\"wp-block-template-part\">"
        + "\n<p class=\"wp-block-site-title\"><a href=\"" + InstallPages.attr(site.url()) + "\" target=\"_self\" "
        + "rel=\"home\">" + site.name() + "</a></p>\n</header>\n\n";
  }

  private static String foot() {
    return "\n<footer class=\"wp-block-template-part\">\n<p class=\"has-text-align-right\">Proudly powered by <a "
        + "href=\"https://wordpress.org\" rel=\"nofollow\">WordPress</a></p>\n</footer></div>\n</body>\n</html>\n";
  }

  /** {@code wp-login.php}: the form, after the errors ({@code <div id="login_error">}) if any. */
  static String login(WordpressDb.Site site, String error, String user, String redirectTo) {
    String action = site.url() + "/wp-login.php";
    return "<!DOCTYPE html>\n<html lang=\"en-US\">\n\t<head>\n\t<meta http-equiv=\"Content-Type\" content=\"text/html; "
        + "charset=UTF-8\" />\n\t<title>Log In &lsaquo; " + site.name() + " &#8212; WordPress</title>\n"
        + "\t<meta name='robots' content='max-image-preview:large, noindex, noarchive' />\n"
        + "\t<meta name=\"viewport\" content=\"width=device-width\" />\n\t</head>\n"
        + "\t<body class=\"login no-js login-action-login wp-core-ui  locale-en-us\">\n"
        + "\t<div id=\"login\">\n\t\t<h1><a href=\"https://wordpress.org/\">Powered by WordPress</a></h1>\n\t"
        + (error == null ? "" : "<div id=\"login_error\">\t" + error + "<br />\n</div>\n")
        + "\n\t\t<form name=\"loginform\" id=\"loginform\" action=\"" + InstallPages.attr(action) + "\" method=\"post\">\n"
        + "\t\t\t<p>\n\t\t\t\t<label for=\"user_login\">Username or Email Address</label>\n"
        + "\t\t\t\t<input type=\"text\" name=\"log\" id=\"user_login\" class=\"input\" value=\"" + InstallPages.attr(user)
        + "\" size=\"20\" autocapitalize=\"off\" autocomplete=\"username\" />\n\t\t\t</p>\n\n"
        + "\t\t\t<div class=\"user-pass-wrap\">\n\t\t\t\t<label for=\"user_pass\">Password</label>\n"
        + "\t\t\t\t<div class=\"wp-pwd\">\n\t\t\t\t\t<input type=\"password\" name=\"pwd\" id=\"user_pass\" "
        + "class=\"input password-input\" value=\"\" size=\"20\" autocomplete=\"current-password\" spellcheck=\"false\" />"
        + "\n\t\t\t\t</div>\n\t\t\t</div>\n"
        + "\t\t\t\t\t\t<p class=\"forgetmenot\"><input name=\"rememberme\" type=\"checkbox\" id=\"rememberme\" "
        + "value=\"forever\"  /> <label for=\"rememberme\">Remember Me</label></p>\n"
        + "\t\t\t<p class=\"submit\">\n\t\t\t\t<input type=\"submit\" name=\"wp-submit\" id=\"wp-submit\" "
        + "class=\"button button-primary button-large\" value=\"Log In\" />\n"
        + "\t\t\t\t\t\t\t\t\t<input type=\"hidden\" name=\"redirect_to\" value=\"" + InstallPages.attr(redirectTo)
        + "\" />\n\t\t\t\t\t\t\t\t\t<input type=\"hidden\" name=\"testcookie\" value=\"1\" />\n\t\t\t</p>\n\t\t</form>\n"
        + "\n\t\t\t\t\t<p id=\"nav\">\n\t\t\t\t<a href=\"" + InstallPages.attr(site.url())
        + "/wp-login.php?action=lostpassword\">Lost your password?</a>\t\t\t</p>\n"
        + "\t\t\t\t\t<p id=\"backtoblog\">\n\t\t\t<a href=\"" + InstallPages.attr(site.url()) + "/\">&larr; Go to "
        + site.name() + "</a>\t\t</p>\n\t\t\t</div>\n\t</body>\n\t</html>\n\t";
  }

  /** The dashboard's greeting, once logged in: the admin screens themselves are not built. */
  static String dashboard(WordpressDb.Site site, String user) {
    return "<!DOCTYPE html>\n<html class=\"wp-toolbar\" lang=\"en-US\">\n<head>\n<meta http-equiv=\"Content-Type\" "
        + "content=\"text/html; charset=UTF-8\" />\n<title>Dashboard &lsaquo; " + site.name() + " &#8212; WordPress"
        + "</title>\n</head>\n<body class=\"wp-admin wp-core-ui index-php\">\n<div id=\"wpadminbar\"><a "
        + "class=\"ab-item\" href=\"" + InstallPages.attr(site.url()) + "/wp-admin/profile.php\">Howdy, <span "
        + "class=\"display-name\">" + InstallPages.html(user) + "</span></a></div>\n<div class=\"wrap\">\n<h1>Dashboard"
        + "</h1>\n<div class=\"welcome-panel-content\"><h2>Welcome to WordPress!</h2></div>\n</div>\n</body>\n</html>\n";
  }
}
