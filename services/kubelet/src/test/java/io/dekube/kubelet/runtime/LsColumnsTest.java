package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class LsColumnsTest {

  /** The root of Debian's nginx image, as "Get a Shell to a Running Container" lists it with {@code ls /}. */
  private static final List<String> NGINX_ROOT = List.of("bin", "boot", "dev", "docker-entrypoint.d",
      "docker-entrypoint.sh", "etc", "home", "lib", "lib64", "media", "mnt", "opt", "proc", "root", "run", "sbin",
      "srv", "sys", "tmp", "usr", "var");

  @Test
  void gnuFillsTheMostColumnsThatFitDownFirst() {
    assertEquals("""
        bin   docker-entrypoint.d   home   media  proc  sbin  tmp
        boot  docker-entrypoint.sh  lib    mnt    root  srv   usr
        dev   etc                   lib64  opt    run   sys   var
        """, LsColumns.gnu(NGINX_ROOT, 80, false));
    assertEquals("password  username\n", LsColumns.gnu(List.of("password", "username"), 80, false),
        "\"Distribute Credentials Securely Using Secrets\": ls /etc/secret-volume");
  }

  @Test
  void gnuAcrossFillsRowsFirstWithItsOwnColumnWidths() {
    assertEquals("""
        bin    boot   dev  docker-entrypoint.d  docker-entrypoint.sh  etc   home  lib
        lib64  media  mnt  opt                  proc                  root  run   sbin
        srv    sys    tmp  usr                  var
        """, LsColumns.gnu(NGINX_ROOT, 80, true));
  }

  /** Four columns of 22, 7, 6 and 3 make 38, under 40; five would not fit. */
  @Test
  void gnuNarrowsTheColumnsToTheLine() {
    assertEquals("""
        bin                   home   proc  tmp
        boot                  lib    root  usr
        dev                   lib64  run   var
        docker-entrypoint.d   media  sbin
        docker-entrypoint.sh  mnt    srv
        etc                   opt    sys
        """, LsColumns.gnu(NGINX_ROOT, 40, false));
    assertEquals("docker-entrypoint.sh\nvar\n", LsColumns.gnu(List.of("docker-entrypoint.sh", "var"), 10, false),
        "a name wider than the line: one column");
  }

  @Test
  void busyboxGivesEveryColumnTheLongestNamesWidth() {
    List<String> root = List.of("bin", "dev", "etc", "home", "lib", "mnt", "opt", "proc", "root", "run", "sbin", "srv",
        "sys", "tmp", "usr", "var");
    assertEquals("""
        bin   etc   lib   opt   root  sbin  sys   usr
        dev   home  mnt   proc  run   srv   tmp   var
        """, LsColumns.busybox(root, 80, false));
    assertEquals("""
        bin   dev   etc   home  lib   mnt   opt   proc  root  run   sbin  srv   sys
        tmp   usr   var
        """, LsColumns.busybox(root, 80, true));
    assertEquals("a\nbb\n", LsColumns.busybox(List.of("a", "bb"), 5, false), "79 / 4 is one column: one per line");
    assertEquals("", LsColumns.busybox(List.of(), 80, false));
  }
}
