package io.dekube.kubelet.images.wordpress;

import java.util.Map;

/**
 * The pages of {@code wp-admin/install.php} (WordPress 6.2, English): the language chooser (step 0), the
 * "Welcome" form (step 1, and again with the error of a bad submission), "Success!" (step 2) and
 * "Already Installed"; their markup as the installer writes it, the stylesheets and scripts left out. The language
 * list is a short one of the translations WordPress' API offers (none is downloaded: the next steps stay English).
 * Pure.
 */
final class InstallPages {

  /** The translations the chooser lists: value, native name, its "Continue". */
  private static final String[][] LANGUAGES = {{"ar", "العربية", "المتابعة"}, {"de_DE", "Deutsch", "Weiter"},
      {"en_GB", "English (UK)", "Continue"}, {"es_ES", "Español", "Continuar"}, {"fr_FR", "Français", "Continuer"},
      {"it_IT", "Italiano", "Continua"}, {"ja", "日本語", "次へ"}, {"nl_NL", "Nederlands", "Doorgaan"},
      {"pl_PL", "Polski", "Kontynuuj"}, {"pt_BR", "Português do Brasil", "Continuar"}, {"ru_RU", "Русский", "Продолжить"},
      {"zh_CN", "简体中文", "继续"}};

  private InstallPages() {
  }

  /** {@code display_header()}: the page up to the logo. */
  static String header(String bodyClass) {
    return "<!DOCTYPE html>\n<html lang=\"en-US\" xml:lang=\"en-US\">\n<head>\n"
        + "\t<meta name=\"viewport\" content=\"width=device-width\" />\n"
        + "\t<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n"
        + "\t<meta name=\"robots\" content=\"noindex,nofollow\" />\n"
        + "\t<title>WordPress &rsaquo; Installation</title>\n"
        + "\t<link rel='stylesheet' id='install-css' href='/wp-admin/css/install.min.css?ver=" + WordpressFiles.VERSION
        + "' type='text/css' media='all' />\n</head>\n<body class=\"wp-core-ui" + (bodyClass.isEmpty() ? "" : " " + bodyClass)
        + "\">\n<p id=\"logo\">WordPress</p>\n\n";
  }

  /** Step 0: the language chooser, posting to {@code ?step=1}. */
  static String languages() {
    StringBuilder b = new StringBuilder(header("language-chooser"));
    b.append("<form id=\"setup\" method=\"post\" action=\"?step=1\">");
    b.append("<label class='screen-reader-text' for='language'>Select a default language</label>\n");
    b.append("<select size='14' name='language' id='language'>\n");
    b.append("<option value=\"\" lang=\"en\" selected=\"selected\" data-continue=\"Continue\" data-installed=\"1\">"
        + "English (United States)</option>\n");
    for (String[] l : LANGUAGES) {
      b.append("<option value=\"").append(l[0]).append("\" lang=\"").append(l[0].split("_")[0])
          .append("\" data-continue=\"").append(l[2]).append("\">").append(l[1]).append("</option>\n");
    }
    b.append("</select>\n<p class=\"step\"><span class=\"spinner\"></span><input id=\"language-continue\" "
        + "type=\"submit\" class=\"button button-primary button-large\" value=\"Continue\" /></p>");
    return b.append("</form>").append(footer()).toString();
  }

  /** Step 1: "Welcome" and the setup form. */
  static String welcome(String language, boolean userTable, String password) {
    return header("") + "<h1>Welcome</h1>\n<p>Welcome to the famous five-minute WordPress installation process! Just "
        + "fill in the information below and you&#8217;ll be on your way to using the most extendable and powerful "
        + "personal publishing platform in the world.</p>\n\n<h2>Information needed</h2>\n<p>Please provide the "
        + "following information. Don&#8217;t worry, you can always change these settings later.</p>\n\n"
        + form(null, Map.of("language", language), userTable, password) + footer();
  }

  /** Step 2 refused: the form again, with WordPress' message and what was typed. */
  static String refused(String error, Map<String, String> posted, boolean userTable, String password) {
    return header("") + form(error, posted, userTable, password) + footer();
  }

  private static String form(String error, Map<String, String> posted, boolean userTable, String password) {
    StringBuilder b = new StringBuilder();
    if (error != null) {
      b.append("<h1>Welcome</h1>\n<p class=\"message\">").append(error).append("</p>\n");
    }
    b.append("<form id=\"setup\" method=\"post\" action=\"install.php?step=2\" novalidate=\"novalidate\">\n")
        .append("\t<table class=\"form-table\" role=\"presentation\">\n")
        .append(row("weblog_title", "Site Title", "<input name=\"weblog_title\" type=\"text\" id=\"weblog_title\" "
            + "size=\"25\" value=\"" + attr(posted.getOrDefault("weblog_title", "").trim()) + "\" />"));
    if (userTable) {
      b.append(row("user_login", "Username", "User(s) already exists.<input name=\"user_name\" type=\"hidden\" "
          + "value=\"admin\" />"));
    } else {
      b.append(row("user_login", "Username", "<input name=\"user_name\" type=\"text\" id=\"user_login\" size=\"25\" "
          + "value=\"" + attr(posted.getOrDefault("user_name", "").trim()) + "\" />\n\t\t\t\t<p>Usernames can have only "
          + "alphanumeric characters, spaces, underscores, hyphens, periods, and the @ symbol.</p>"));
      b.append(row("pass1", "Password", "<div class=\"wp-pwd\">\n\t\t\t\t\t<input type=\"password\" "
          + "name=\"admin_password\" id=\"pass1\" class=\"regular-text\" autocomplete=\"off\" data-reveal=\"1\" "
          + "data-pw=\"" + attr(password) + "\" aria-describedby=\"pass-strength-result\" />\n\t\t\t\t</div>\n"
          + "\t\t\t\t<p><span class=\"description important hide-if-no-js\">\n\t\t\t\t<strong>Important:</strong>\n"
          + "\t\t\t\tYou will need this password to log&nbsp;in. Please store it in a secure location.</span></p>"));
      b.append(row("pass2", "Repeat Password <span class=\"description\">(required)</span>",
          "<input name=\"admin_password2\" type=\"password\" id=\"pass2\" autocomplete=\"off\" />"));
      b.append("\t\t<tr class=\"pw-weak\">\n\t\t\t<th scope=\"row\">Confirm Password</th>\n\t\t\t<td>\n\t\t\t\t<label>\n"
          + "\t\t\t\t\t<input type=\"checkbox\" name=\"pw_weak\" class=\"pw-checkbox\" />\n"
          + "\t\t\t\t\tConfirm use of weak password\n\t\t\t\t</label>\n\t\t\t</td>\n\t\t</tr>\n");
    }
    b.append(row("admin_email", "Your Email", "<input name=\"admin_email\" type=\"email\" id=\"admin_email\" size=\"25\" "
        + "value=\"" + attr(posted.getOrDefault("admin_email", "").trim()) + "\" />\n\t\t\t<p>Double-check your email "
        + "address before continuing.</p>"));
    boolean discourage = posted.containsKey("weblog_title") && posted.containsKey("blog_public");
    b.append("\t\t<tr>\n\t\t\t<th scope=\"row\">Search engine visibility</th>\n\t\t\t<td>\n\t\t\t\t<fieldset>\n")
        .append("\t\t\t\t\t<label for=\"blog_public\"><input name=\"blog_public\" type=\"checkbox\" id=\"blog_public\" "
            + "value=\"0\" " + (discourage ? "checked='checked' " : "") + "/>\n")
        .append("\t\t\t\t\tDiscourage search engines from indexing this site</label>\n")
        .append("\t\t\t\t\t<p class=\"description\">It is up to search engines to honor this request.</p>\n")
        .append("\t\t\t\t</fieldset>\n\t\t\t</td>\n\t\t</tr>\n\t</table>\n")
        .append("\t<p class=\"step\"><input type=\"submit\" name=\"Submit\" id=\"submit\" class=\"button "
            + "button-large\" value=\"Install WordPress\"  /></p>\n")
        .append("\t<input type=\"hidden\" name=\"language\" value=\"" + attr(posted.getOrDefault("language", ""))
            + "\" />\n</form>\n");
    return b.toString();
  }

  private static String row(String id, String label, String field) {
    return "\t\t<tr>\n\t\t\t<th scope=\"row\"><label for=\"" + id + "\">" + label + "</label></th>\n\t\t\t<td>" + field
        + "</td>\n\t\t</tr>\n";
  }

  /** Step 2 done: "Success!", the user and what the password was. */
  static String success(String user, String generated) {
    String password = generated != null ? "<code>" + html(generated) + "</code><br />\n\t\t\t<p><strong><em>Note that "
        + "password</em></strong> carefully! It is a <em>random</em> password that was generated just for you.</p>"
        : "<p><em>Your chosen password.</em></p>";
    return header("") + "\n<h1>Success!</h1>\n\n<p>WordPress has been installed. Thank you, and enjoy!</p>\n\n"
        + "<table class=\"form-table install-success\">\n\t<tr>\n\t\t<th>Username</th>\n\t\t<td>" + html(user)
        + "</td>\n\t</tr>\n\t<tr>\n\t\t<th>Password</th>\n\t\t<td>\n\t\t\t" + password + "\n\t\t</td>\n\t</tr>\n"
        + "</table>\n\n<p class=\"step\"><a href=\"/wp-login.php\" class=\"button button-large\">Log In</a></p>\n\n"
        + footer();
  }

  /** An installed site's {@code install.php}. */
  static String alreadyInstalled(String loginUrl) {
    return header("") + "<h1>Already Installed</h1><p>You appear to have already installed WordPress. To reinstall "
        + "please clear your old database tables first.</p><p class=\"step\"><a href=\"" + attr(loginUrl)
        + "\" class=\"button button-large\">Log In</a></p></body></html>";
  }

  private static String footer() {
    return "<script type=\"text/javascript\">var t = document.getElementById('weblog_title'); if (t){ t.focus(); }"
        + "</script>\n</body>\n</html>\n";
  }

  /** {@code esc_attr}. */
  static String attr(String s) {
    return html(s).replace("'", "&#039;");
  }

  /** {@code esc_html}. */
  static String html(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
