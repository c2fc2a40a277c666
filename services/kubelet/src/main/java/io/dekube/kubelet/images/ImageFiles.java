package io.dekube.kubelet.images;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The files a built-in image brings: the read-only lower layer of a {@code jvm} container's root file
 * system. Every image has the folders of a small Linux image ({@code /bin}, {@code /etc}, {@code /home},
 * {@code /root}, {@code /tmp}, {@code /usr}, {@code /var}…, with {@code /dev}, {@code /proc} and
 * {@code /sys} empty) and {@code /etc/passwd}, {@code /etc/group}, {@code /etc/os-release}; {@code nginx}
 * adds the official image's files ({@link NginxFiles}: {@code /etc/nginx}, its pages under
 * {@code /usr/share/nginx/html}, {@code /docker-entrypoint.sh}), {@code httpd} its
 * {@code It works!} page under {@code /usr/local/apache2/htdocs}, {@code hpa-example} its {@code index.php},
 * {@code kubernetes-bootcamp} its {@code /server.js}, {@code hello-frontend} its nginx configuration, {@code mysql}
 * its data folder {@code /var/lib/mysql} and {@code /docker-entrypoint-initdb.d}. Entries are
 * root's, folders {@code 0755}, files {@code 0644} unless {@code modes} says otherwise (nginx's entry point scripts
 * are {@code 0755}); an image's symbolic links ({@code /var/log/nginx/access.log -> /dev/stdout}) are in
 * {@code links}. Absolute paths.
 * Immutable; pure.
 *
 * @param folders the folders, with all their parents
 * @param files   the regular files and their bytes
 * @param links   the symbolic links and what they name
 * @param modes   the permission bits of the entries whose bits are not the usual ones
 */
public record ImageFiles(SortedSet<String> folders, SortedMap<String, byte[]> files, SortedMap<String, String> links,
                         Map<String, Integer> modes) {

  /** Folders and files only, with the usual modes. */
  public ImageFiles(SortedSet<String> folders, SortedMap<String, byte[]> files) {
    this(folders, files, Collections.emptySortedMap(), Map.of());
  }

  private static final String[] BASE = {"/bin", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/etc", "/home", "/lib", "/mnt", "/opt", "/proc", "/root",
      "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr/bin", "/usr/local/bin", "/usr/sbin", "/var/log", "/var/tmp",
      "/var/cache", "/var/lib"};

  /** The files of the image that runs {@code program} ({@link BuiltInImages.Resolved#program()}). */
  public static ImageFiles of(String program) {
    return of(program, "latest");
  }

  /** The files of {@code image}: its program's, and what differs by tag and by its base (Debian's users). */
  public static ImageFiles of(BuiltInImages.Resolved image) {
    return of(image.program(), image.tag(), BuiltInImages.shIsDash(image.repository() + ":" + image.tag()));
  }

  private static final String DEBIAN_PASSWD = "root:x:0:0:root:/root:/bin/bash\n"
      + "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\n"
      + "sys:x:3:3:sys:/dev:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\n"
      + "_apt:x:42:65534::/nonexistent:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n";
  private static final String DEBIAN_GROUP = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\ntty:x:5:\n"
      + "www-data:x:33:\nstaff:x:50:\nnogroup:x:65534:\n";

  private static ImageFiles of(String program, String tag) {
    return of(program, tag, false);
  }

  private static ImageFiles of(String program, String tag, boolean debian) {
    TreeSet<String> folders = new TreeSet<>();
    TreeMap<String, byte[]> files = new TreeMap<>();
    TreeMap<String, String> links = new TreeMap<>();
    Map<String, Integer> modes = new HashMap<>();
    for (String f : BASE) {
      folder(folders, f);
    }
    if (debian) { // Debian's base users, and the user the official image adds for its server
      file(folders, files, "/etc/passwd", DEBIAN_PASSWD + switch (program) {
        case "nginx", "nginxhttps" -> "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n";
        case "redis" -> "redis:x:999:999::/home/redis:/bin/sh\n";
        case "kubernetes-zookeeper" -> "zookeeper:x:1000:1000::/home/zookeeper:\n"; // useradd's, uid 1000
        default -> "";
      });
      file(folders, files, "/etc/group", DEBIAN_GROUP + switch (program) {
        case "nginx", "nginxhttps" -> "nginx:x:101:\n";
        case "redis" -> "redis:x:999:\n";
        case "kubernetes-zookeeper" -> "zookeeper:x:1000:\n";
        default -> "";
      });
    } else {
      file(folders, files, "/etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n");
      file(folders, files, "/etc/group", "root:x:0:\nwheel:x:10:root\nnobody:x:65534:\n");
    }
    file(folders, files, "/etc/os-release", "NAME=\"dekube " + program + "\"\nID=dekube\nPRETTY_NAME=\"dekube built-in "
        + "image " + program + "\"\n");
    if (program.equals("nginx") || program.equals("nginxhttps")) {
      NginxFiles.files().forEach((path, text) -> file(folders, files, path, text));
      NginxFiles.FOLDERS.forEach(f -> folder(folders, f));
      NginxFiles.LINKS.forEach((path, target) -> {
        folder(folders, path.substring(0, path.lastIndexOf('/')));
        links.put(path, target);
      });
      NginxFiles.EXECUTABLES.forEach(path -> modes.put(path, 0755));
    }
    if (program.equals("nginxhttps")) {
      NginxFiles.httpsFiles().forEach((path, text) -> file(folders, files, path, text));
    }
    if (program.equals("httpd")) {
      file(folders, files, Httpd.ROOT + "/index.html", Httpd.INDEX);
      folder(folders, "/usr/local/apache2/conf");
      folder(folders, "/usr/local/apache2/logs");
    }
    if (program.equals("hpa-example")) {
      file(folders, files, "/var/www/html/index.php", HpaExample.INDEX_PHP);
      folder(folders, "/var/log/apache2");
    }
    if (program.equals("hello-frontend")) {
      file(folders, files, HelloFrontend.CONF_FILE, HelloFrontend.CONF);
    }
    if (program.equals("mysql") || program.equals("xtrabackup")) {
      for (String f : new String[] {"/var/lib/mysql", "/var/run/mysqld", "/etc/mysql/conf.d"}) {
        folder(folders, f);
      }
      // the image's programs as files: moving one away makes it missing (the replication page's readiness step)
      List<String> programs = program.equals("mysql") ? List.of("/usr/bin/mysql", "/usr/bin/mysqladmin",
          "/usr/sbin/mysqld") : List.of("/usr/bin/mysql", "/usr/bin/mysqladmin", "/usr/bin/xtrabackup",
          "/usr/bin/xbstream", "/usr/bin/ncat");
      for (String p : programs) {
        file(folders, files, p, "\u007fELF (the jvm runtime's " + p.substring(p.lastIndexOf('/') + 1) + ")\n");
        modes.put(p, 0755);
      }
    }
    if (program.equals("mysql")) {
      folder(folders, "/docker-entrypoint-initdb.d");
    }
    if (program.equals("wordpress")) {
      folder(folders, "/var/www/html");
      io.dekube.kubelet.images.wordpress.WordpressImage.sourceFiles().forEach((path, text) -> file(folders, files,
          "/usr/src/wordpress/" + path, text));
    }
    if (program.equals("mongo")) {
      folder(folders, "/data/db");
      folder(folders, "/data/configdb");
      folder(folders, "/docker-entrypoint-initdb.d");
    }
    if (program.equals("fluentd")) {
      file(folders, files, Fluentd.CONF, Fluentd.ROOT_CONF);
      folder(folders, "/etc/fluent/config.d");
    }
    if (program.equals("kubernetes-bootcamp")) {
      file(folders, files, "/server.js", KubernetesBootcamp.serverJs(tag));
    }
    if (program.equals("cassandra")) {
      io.dekube.kubelet.images.cassandra.CassandraFiles.files().forEach((path, text) -> file(folders, files, path,
          text));
      io.dekube.kubelet.images.cassandra.CassandraFiles.FOLDERS.forEach(f -> folder(folders, f));
    }
    if (program.equals("kubernetes-zookeeper")) {
      io.dekube.kubelet.images.zookeeper.ZooKeeperFiles.files().forEach((path, text) -> file(folders, files, path,
          text));
      io.dekube.kubelet.images.zookeeper.ZooKeeperFiles.FOLDERS.forEach(f -> folder(folders, f));
    }
    return new ImageFiles(Collections.unmodifiableSortedSet(folders), Collections.unmodifiableSortedMap(files),
        Collections.unmodifiableSortedMap(links), Map.copyOf(modes));
  }

  private static void folder(TreeSet<String> folders, String path) {
    for (String p = path; p.length() > 1; p = p.substring(0, Math.max(1, p.lastIndexOf('/')))) {
      folders.add(p);
    }
    folders.add("/");
  }

  private static void file(TreeSet<String> folders, TreeMap<String, byte[]> files, String path, String text) {
    folder(folders, path.substring(0, path.lastIndexOf('/')));
    files.put(path, text.getBytes(StandardCharsets.UTF_8));
  }
}
