package io.dekube.kubelet.images;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The files of the {@code nginx} images that a user of the official {@code nginx:1.27} (Debian) image looks at:
 * {@code /etc/nginx/nginx.conf} including {@code mime.types} and {@code conf.d/*.conf}, the two pages under
 * {@code /usr/share/nginx/html}, {@code /docker-entrypoint.sh} and its {@code /docker-entrypoint.d/} scripts. The
 * configuration is written in dekube's words with nginx's default directives, and the built-in server runs it
 * ({@link NginxProgram}) as it finds it in the container, a mounted ConfigMap's files included. The real image's
 * {@code /var/log/nginx/access.log} and {@code error.log} are symbolic links to {@code /dev/stdout} and
 * {@code /dev/stderr} ({@link #LINKS}), and nginx's lines go to the container's log, as through them; the entry
 * point and its scripts are programs ({@link #EXECUTABLES}). Pure.
 */
final class NginxFiles {

  static final String CONF = "/etc/nginx/nginx.conf";

  static final String NGINX_CONF = """

      user  nginx;
      worker_processes  auto;

      error_log  /var/log/nginx/error.log notice;
      pid        /var/run/nginx.pid;


      events {
          worker_connections  1024;
      }


      http {
          include       /etc/nginx/mime.types;
          default_type  application/octet-stream;

          # the access log's lines: nginx's combined format and the client's forwarded address
          log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                            '$status $body_bytes_sent "$http_referer" '
                            '"$http_user_agent" "$http_x_forwarded_for"';

          access_log  /var/log/nginx/access.log  main;

          sendfile        on;
          #tcp_nopush     on;

          keepalive_timeout  65;

          #gzip  on;

          # the servers: default.conf, and what a ConfigMap or kubectl cp puts beside it
          include /etc/nginx/conf.d/*.conf;
      }
      """;

  /** Types by file extension, as nginx's {@code types} block lists them; the built-in server answers with them. */
  static final String MIME_TYPES = """

      types {
          # text
          text/html                                        html htm shtml;
          text/css                                         css;
          text/xml                                         xml;
          text/plain                                       txt;
          text/mathml                                      mml;
          text/vnd.sun.j2me.app-descriptor                 jad;
          text/vnd.wap.wml                                 wml;
          text/x-component                                 htc;

          # images
          image/gif                                        gif;
          image/jpeg                                       jpeg jpg;
          image/png                                        png;
          image/avif                                       avif;
          image/webp                                       webp;
          image/svg+xml                                    svg svgz;
          image/tiff                                       tif tiff;
          image/vnd.wap.wbmp                               wbmp;
          image/x-icon                                     ico;
          image/x-jng                                      jng;
          image/x-ms-bmp                                   bmp;

          # fonts
          font/woff                                        woff;
          font/woff2                                       woff2;

          # applications
          application/javascript                           js;
          application/json                                 json;
          application/atom+xml                             atom;
          application/rss+xml                              rss;
          application/wasm                                 wasm;
          application/java-archive                         jar war ear;
          application/mac-binhex40                         hqx;
          application/msword                               doc;
          application/pdf                                  pdf;
          application/postscript                           ps eps ai;
          application/rtf                                  rtf;
          application/vnd.apple.mpegurl                    m3u8;
          application/vnd.google-earth.kml+xml             kml;
          application/vnd.google-earth.kmz                 kmz;
          application/vnd.ms-excel                         xls;
          application/vnd.ms-fontobject                    eot;
          application/vnd.ms-powerpoint                    ppt;
          application/vnd.oasis.opendocument.graphics      odg;
          application/vnd.oasis.opendocument.presentation  odp;
          application/vnd.oasis.opendocument.spreadsheet   ods;
          application/vnd.oasis.opendocument.text         odt;
          application/vnd.openxmlformats-officedocument.presentationml.presentation
                                                           pptx;
          application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
                                                           xlsx;
          application/vnd.openxmlformats-officedocument.wordprocessingml.document
                                                           docx;
          application/vnd.wap.wmlc                         wmlc;
          application/x-7z-compressed                      7z;
          application/x-cocoa                              cco;
          application/x-java-archive-diff                  jardiff;
          application/x-java-jnlp-file                     jnlp;
          application/x-makeself                           run;
          application/x-perl                               pl pm;
          application/x-pilot                              prc pdb;
          application/x-rar-compressed                     rar;
          application/x-redhat-package-manager             rpm;
          application/x-sea                                sea;
          application/x-shockwave-flash                    swf;
          application/x-stuffit                            sit;
          application/x-tcl                                tcl tk;
          application/x-x509-ca-cert                       der pem crt;
          application/x-xpinstall                          xpi;
          application/xhtml+xml                            xhtml;
          application/xspf+xml                             xspf;
          application/zip                                  zip;
          application/octet-stream                         bin exe dll;
          application/octet-stream                         deb;
          application/octet-stream                         dmg;
          application/octet-stream                         iso img;
          application/octet-stream                         msi msp msm;

          # audio
          audio/midi                                       mid midi kar;
          audio/mpeg                                       mp3;
          audio/ogg                                        ogg;
          audio/x-m4a                                      m4a;
          audio/x-realaudio                                ra;

          # video
          video/3gpp                                       3gpp 3gp;
          video/mp2t                                       ts;
          video/mp4                                        mp4;
          video/mpeg                                       mpeg mpg;
          video/quicktime                                  mov;
          video/webm                                       webm;
          video/x-flv                                      flv;
          video/x-m4v                                      m4v;
          video/x-mng                                      mng;
          video/x-ms-asf                                   asx asf;
          video/x-ms-wmv                                   wmv;
          video/x-msvideo                                  avi;
      }
      """;

  static final String DEFAULT_CONF = """
      server {
          listen       80;
          listen  [::]:80;
          server_name  localhost;

          #access_log  /var/log/nginx/host.access.log  main;

          location / {
              root   /usr/share/nginx/html;
              index  index.html index.htm;
          }

          #error_page  404              /404.html;

          # server errors get the static page /50x.html
          error_page   500 502 503 504  /50x.html;
          location = /50x.html {
              root   /usr/share/nginx/html;
          }
      }
      """;

  static final String ERROR_PAGE = """
      <!DOCTYPE html>
      <html>
      <head>
      <title>Error</title>
      <style>
      html { color-scheme: light dark; }
      body { width: 35em; margin: 0 auto;
      font-family: Tahoma, Verdana, Arial, sans-serif; }
      </style>
      </head>
      <body>
      <h1>An error occurred.</h1>
      <p>Sorry, the page you are looking for is currently unavailable.<br/>
      Please try again later.</p>
      <p>If you are the system administrator of this resource then you should check
      the error log for details.</p>
      <p><em>Faithfully yours, nginx.</em></p>
      </body>
      </html>
      """;

  static final String ENTRYPOINT = """
      #!/bin/sh
      # The image's entry point: when the command is nginx, the scripts of /docker-entrypoint.d prepare the
      # configuration first, in the order of their names (*.envsh sourced, so their variables stay; *.sh run;
      # anything else skipped); then the command replaces this shell. NGINX_ENTRYPOINT_QUIET_LOGS=1 silences it.
      set -e

      say() {
          if [ -z "${NGINX_ENTRYPOINT_QUIET_LOGS:-}" ]; then
              echo "$0: $*"
          fi
      }

      if [ "$1" = "nginx" ] || [ "$1" = "nginx-debug" ]; then
          say "Looking for shell scripts in /docker-entrypoint.d/"
          for name in $(ls /docker-entrypoint.d/); do
              script="/docker-entrypoint.d/$name"
              case "$name" in
                  *.envsh) say "Sourcing $script"; . "$script" ;;
                  *.sh) say "Launching $script"; sh "$script" ;;
                  *) say "Ignoring $script, not a shell script" ;;
              esac
          done
          say "Configuration complete; ready for start up"
      fi

      exec "$@"
      """;

  /** The scripts of {@code /docker-entrypoint.d/}, by name. */
  static final Map<String, String> ENTRYPOINT_SCRIPTS = scripts();

  private NginxFiles() {
  }

  private static Map<String, String> scripts() {
    Map<String, String> s = new LinkedHashMap<>();
    s.put("10-listen-on-ipv6-by-default.sh", """
        #!/bin/sh
        # Makes the image's default.conf listen on IPv6 too ("listen [::]:80;") unless it was changed or
        # already does; a default.conf of the user's own is left as it is.
        set -e
        conf=/etc/nginx/conf.d/default.conf
        if [ ! -f "$conf" ]; then
            echo "$0: info: $conf is not a file or does not exist"
            exit 0
        fi
        if grep -q '\\[::]:80;' "$conf"; then
            echo "$0: info: IPv6 listen already enabled"
            exit 0
        fi
        sed -i 's/^\\( *\\)listen       80;/&\\n\\1listen  [::]:80;/' "$conf"
        echo "$0: info: Enabled listen on IPv6 in $conf"
        """);
    s.put("15-local-resolvers.envsh", """
        #!/bin/sh
        # With NGINX_ENTRYPOINT_LOCAL_RESOLVERS set, exports the nameservers of /etc/resolv.conf as
        # NGINX_LOCAL_RESOLVERS, for templates that need a resolver directive.
        if [ -n "${NGINX_ENTRYPOINT_LOCAL_RESOLVERS:-}" ]; then
            NGINX_LOCAL_RESOLVERS=$(awk '$1 == "nameserver" { printf "%s ", $2 }' /etc/resolv.conf)
            export NGINX_LOCAL_RESOLVERS
        fi
        """);
    s.put("20-envsubst-on-templates.sh", """
        #!/bin/sh
        # Renders each /etc/nginx/templates/*.template into /etc/nginx/conf.d/ (without .template), its
        # ${VARIABLES} replaced from the environment. Nothing to do without templates.
        set -e
        dir=${NGINX_ENVSUBST_TEMPLATE_DIR:-/etc/nginx/templates}
        [ -d "$dir" ] || exit 0
        echo "$0: info: templates in $dir are not rendered by this image (no envsubst); copy them to conf.d"
        """);
    s.put("30-tune-worker-processes.sh", """
        #!/bin/sh
        # With NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE set, sets worker_processes to the CPUs the
        # container's cgroup allows; else the configuration's "auto" stays.
        [ -n "${NGINX_ENTRYPOINT_WORKER_PROCESSES_AUTOTUNE:-}" ] || exit 0
        echo "$0: info: worker_processes left as configured"
        """);
    return s;
  }

  /** The regular files, by absolute path. */
  static Map<String, String> files() {
    Map<String, String> f = new LinkedHashMap<>();
    f.put(CONF, NGINX_CONF);
    f.put("/etc/nginx/mime.types", MIME_TYPES);
    f.put("/etc/nginx/conf.d/default.conf", DEFAULT_CONF);
    f.put(NginxPages.ROOT + "/index.html", NginxPages.WELCOME);
    f.put(NginxPages.ROOT + "/50x.html", ERROR_PAGE);
    f.put("/docker-entrypoint.sh", ENTRYPOINT);
    ENTRYPOINT_SCRIPTS.forEach((name, text) -> f.put("/docker-entrypoint.d/" + name, text));
    return f;
  }

  /** The image's symbolic links: nginx's logs go to the container's stdout and stderr. */
  static final Map<String, String> LINKS = Map.of("/var/log/nginx/access.log", "/dev/stdout",
      "/var/log/nginx/error.log", "/dev/stderr");

  /** The files that are programs ({@code -rwxr-xr-x}): the entry point and its scripts. */
  static final List<String> EXECUTABLES = executables();

  private static List<String> executables() {
    List<String> x = new java.util.ArrayList<>(List.of("/docker-entrypoint.sh"));
    ENTRYPOINT_SCRIPTS.keySet().forEach(name -> x.add("/docker-entrypoint.d/" + name));
    return List.copyOf(x);
  }

  /**
   * {@code bprashanth/nginxhttps:1.0}'s default.conf, the one "Connecting Applications with Services" mounts from its
   * ConfigMap: the welcome page on 80 and, with the certificate and key of {@code /etc/nginx/ssl} (the Secret's
   * mount), on 443. Written in dekube's words with the example's directives.
   */
  static final String HTTPS_DEFAULT_CONF = """
      server {
              # plain HTTP, and HTTPS with the certificate of the Secret mounted at /etc/nginx/ssl
              listen 80 default_server;
              listen [::]:80 default_server ipv6only=on;

              listen 443 ssl;

              root /usr/share/nginx/html;
              index index.html;

              server_name localhost;
              ssl_certificate /etc/nginx/ssl/tls.crt;
              ssl_certificate_key /etc/nginx/ssl/tls.key;

              location / {
                      try_files $uri $uri/ =404;
              }
      }
      """;

  /** The page the example image adds beside the welcome page. */
  static final String INDEX2 = """
      <!DOCTYPE html>
      <html>
      <head>
      <title>nginxhttps</title>
      </head>
      <body>
      <h1>nginx serves this page over HTTP and HTTPS</h1>
      </body>
      </html>
      """;

  /** What {@code bprashanth/nginxhttps} adds to the nginx image's files, by absolute path. */
  static Map<String, String> httpsFiles() {
    return Map.of("/etc/nginx/conf.d/default.conf", HTTPS_DEFAULT_CONF, NginxPages.ROOT + "/index2.html", INDEX2);
  }

  /** The folders beside the files' own: the cache nginx writes to. */
  static final List<String> FOLDERS = List.of("/var/cache/nginx");
}
