package io.dekube.kubelet.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code apt-get} and {@code apt} of the Debian- and Ubuntu-based images, for the docs' pages that install a tool
 * before using it ("Get a Shell to a Running Container": {@code apt-get update}, {@code apt-get install -y procps};
 * "Communicate Between Containers in the Same Pod": {@code apt-get install curl procps}). dekube's jvm containers
 * run built-in commands, not packages: a package whose commands the built-in shell has installs (its lines as apt
 * prints them, nothing downloaded), one it has not is refused with apt's {@code E: Unable to locate package} and a
 * note that says why. As in the images, whose package lists are removed, {@code install} before {@code update}
 * finds nothing; {@code update} writes the list under {@code /var/lib/apt/lists}; only root may do either.
 * Runs on a worker thread (it reads and writes the container's files).
 */
final class AptGet {

  /** A package the built-in shell provides the commands of: its version and download size. */
  private record Package(String version, String size, boolean preinstalled) {
  }

  private static final Map<String, Package> PACKAGES = new LinkedHashMap<>();

  static {
    PACKAGES.put("procps", new Package("2:4.0.2-3", "709 kB", false));
    PACKAGES.put("curl", new Package("7.88.1-10+deb12u8", "315 kB", false));
    PACKAGES.put("wget", new Package("1.21.3-1+b2", "984 kB", false));
    PACKAGES.put("dnsutils", new Package("1:9.18.28-1~deb12u2", "155 kB", false));
    PACKAGES.put("bind9-dnsutils", new Package("1:9.18.28-1~deb12u2", "155 kB", false));
    PACKAGES.put("iputils-ping", new Package("3:20221126-1", "47.1 kB", false));
    PACKAGES.put("netcat-openbsd", new Package("1.219-1", "41.5 kB", false));
    PACKAGES.put("netcat-traditional", new Package("1.10-47", "67.1 kB", false));
    PACKAGES.put("iproute2", new Package("6.1.0-3", "1046 kB", false));
    PACKAGES.put("gawk", new Package("1:5.2.1-2", "673 kB", false));
    PACKAGES.put("ca-certificates", new Package("20230311", "153 kB", false));
    PACKAGES.put("bash", new Package("5.2.15-2+b7", "1491 kB", true));
    PACKAGES.put("coreutils", new Package("9.1-1", "2898 kB", true));
    PACKAGES.put("grep", new Package("3.8-5", "294 kB", true));
    PACKAGES.put("sed", new Package("4.9-1", "317 kB", true));
    PACKAGES.put("tar", new Package("1.34+dfsg-1.2+deb12u1", "835 kB", true));
    PACKAGES.put("findutils", new Package("4.9.0-4", "719 kB", true));
  }

  private static final String LISTS = "/var/lib/apt/lists";

  private final ContainerFs fs;
  private final boolean ubuntu;
  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();

  private AptGet(ContainerFs fs, String image) {
    this.fs = fs;
    this.ubuntu = image.startsWith("ubuntu") || image.contains("/ubuntu");
  }

  /** Runs {@code apt-get ARGS} (or {@code apt ARGS} when {@code name} is {@code apt}) in the container of {@code fs}. */
  static AppletResult run(String name, List<String> argv, ContainerFs fs, String image, long uid) {
    return new AptGet(fs, image).command(name, argv, uid);
  }

  private AppletResult command(String name, List<String> argv, long uid) {
    List<String> words = new ArrayList<>();
    for (String a : argv) {
      if (!a.startsWith("-")) {
        words.add(a);
      }
    }
    if (name.equals("apt")) {
      err.append("\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n");
    }
    if (words.isEmpty()) {
      return fail(name.equals("apt") ? "E: Invalid operation" : "E: No operation given", 1);
    }
    String op = words.get(0);
    List<String> packages = words.subList(1, words.size());
    if (!List.of("update", "install", "upgrade", "clean", "autoremove", "remove", "purge").contains(op)) {
      return fail("E: Invalid operation " + op, 100);
    }
    if (uid != 0) {
      return fail("E: Could not open lock file " + (op.equals("update") ? LISTS + "/lock"
          : "/var/lib/dpkg/lock-frontend") + " - open (13: Permission denied)\nE: Unable to acquire the dpkg"
          + " frontend lock (/var/lib/dpkg/lock-frontend), are you root?", 100);
    }
    return switch (op) {
      case "update" -> update();
      case "install" -> install(packages);
      case "upgrade" -> done(readingLists() + "Calculating upgrade... Done\n"
          + "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
      default -> done(op.equals("clean") ? "" : readingLists() + "0 upgraded, 0 newly installed, 0 to remove and 0"
          + " not upgraded.\n");
    };
  }

  private AppletResult update() {
    List<String> sources = ubuntu
        ? List.of("http://archive.ubuntu.com/ubuntu noble InRelease [256 kB]",
            "http://archive.ubuntu.com/ubuntu noble-updates InRelease [126 kB]",
            "http://security.ubuntu.com/ubuntu noble-security InRelease [126 kB]",
            "http://archive.ubuntu.com/ubuntu noble/main amd64 Packages [1808 kB]")
        : List.of("http://deb.debian.org/debian bookworm InRelease [151 kB]",
            "http://deb.debian.org/debian bookworm-updates InRelease [55.4 kB]",
            "http://deb.debian.org/debian-security bookworm-security InRelease [48.0 kB]",
            "http://deb.debian.org/debian bookworm/main amd64 Packages [8792 kB]");
    for (int i = 0; i < sources.size(); i++) {
      out.append("Get:").append(i + 1).append(' ').append(sources.get(i)).append('\n');
    }
    out.append(ubuntu ? "Fetched 2316 kB in 1s (2316 kB/s)\n" : "Fetched 9046 kB in 1s (9046 kB/s)\n");
    try {
      fs.mkdirs(LISTS);
      fs.write(LISTS + "/" + listName(), ("Origin: " + (ubuntu ? "Ubuntu" : "Debian") + "\n")
          .getBytes(StandardCharsets.UTF_8), false);
    } catch (IOException e) {
      return fail("E: Could not open file " + LISTS + "/" + listName() + " - " + FileCommands.reason(e), 100);
    }
    return done("Reading package lists... Done\n");
  }

  private String listName() {
    return ubuntu ? "archive.ubuntu.com_ubuntu_dists_noble_InRelease" : "deb.debian.org_debian_dists_bookworm_InRelease";
  }

  private boolean listsRead() {
    try {
      ContainerFs.Entry e = fs.stat(LISTS + "/" + listName());
      return e != null;
    } catch (IOException e) {
      return false;
    }
  }

  private AppletResult install(List<String> packages) {
    out.append(readingLists());
    if (packages.isEmpty()) {
      return done("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
    }
    List<String> missing = new ArrayList<>();
    for (String p : packages) {
      if (!listsRead() || !PACKAGES.containsKey(p.replaceFirst("=.*", ""))) {
        missing.add(p);
      }
    }
    if (!missing.isEmpty()) {
      StringBuilder e = new StringBuilder();
      for (String p : missing) {
        e.append(e.length() == 0 ? "" : "\n").append("E: Unable to locate package ").append(p);
      }
      if (listsRead()) {
        e.append("\nN: dekube's jvm containers run dekube's built-in commands, not packages; the packages of those"
            + " are ").append(String.join(", ", PACKAGES.keySet()));
      }
      return fail(e.toString(), 100);
    }
    List<String> fresh = new ArrayList<>();
    for (String p : packages) {
      String name = p.replaceFirst("=.*", "");
      Package pkg = PACKAGES.get(name);
      if (pkg.preinstalled() || installed(name)) {
        out.append(name).append(" is already the newest version (").append(pkg.version()).append(").\n");
      } else if (!fresh.contains(name)) {
        fresh.add(name);
      }
    }
    if (fresh.isEmpty()) {
      return done("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n");
    }
    out.append("The following NEW packages will be installed:\n  ").append(String.join(" ", fresh)).append('\n');
    out.append("0 upgraded, ").append(fresh.size()).append(" newly installed, 0 to remove and 0 not upgraded.\n");
    String mirror = ubuntu ? "http://archive.ubuntu.com/ubuntu noble/main" : "http://deb.debian.org/debian bookworm/main";
    for (int i = 0; i < fresh.size(); i++) {
      Package pkg = PACKAGES.get(fresh.get(i));
      out.append("Get:").append(i + 1).append(' ').append(mirror).append(" amd64 ").append(fresh.get(i))
          .append(" amd64 ").append(pkg.version()).append(" [").append(pkg.size()).append("]\n");
    }
    out.append("debconf: delaying package configuration, since apt-utils is not installed\n");
    for (String name : fresh) {
      String version = PACKAGES.get(name).version();
      String deb = name + "_" + version.replaceFirst("^\\d+:", "") + "_amd64.deb";
      out.append("Selecting previously unselected package ").append(name).append(".\n")
          .append("Preparing to unpack .../").append(deb).append(" ...\n")
          .append("Unpacking ").append(name).append(" (").append(version).append(") ...\n");
    }
    for (String name : fresh) {
      out.append("Setting up ").append(name).append(" (").append(PACKAGES.get(name).version()).append(") ...\n");
      record(name);
    }
    return done("");
  }

  private static String readingLists() {
    return "Reading package lists... Done\nBuilding dependency tree... Done\nReading state information... Done\n";
  }

  private static final String STATUS = "/var/lib/dpkg/status";

  /** Whether an earlier install in this container set {@code name} up (dpkg's status file). */
  private boolean installed(String name) {
    try {
      return fs.stat(STATUS) != null && new String(fs.read(STATUS), StandardCharsets.UTF_8)
          .contains("Package: " + name + "\n");
    } catch (IOException e) {
      return false;
    }
  }

  private void record(String name) {
    try {
      fs.mkdirs("/var/lib/dpkg");
      fs.write(STATUS, ("Package: " + name + "\nStatus: install ok installed\nVersion: "
          + PACKAGES.get(name).version() + "\n\n").getBytes(StandardCharsets.UTF_8), true);
    } catch (IOException e) {
      // the package's commands are the shell's own: a status file that cannot be written changes nothing else
    }
  }

  private AppletResult done(String text) {
    out.append(text);
    return new AppletResult(out.toString(), err.toString(), 0);
  }

  private AppletResult fail(String message, int code) {
    err.append(message).append('\n');
    return new AppletResult(out.toString(), err.toString(), code);
  }
}
