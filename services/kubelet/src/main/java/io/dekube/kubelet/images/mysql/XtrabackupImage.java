package io.dekube.kubelet.images.mysql;

import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.PodDialer;

/**
 * The replicated-MySQL page's {@code gcr.io/google-samples/xtrabackup:1.0} (Debian, Percona XtraBackup 2.4, the MySQL
 * 5.7 client, ncat): its container runs its command in the runtime's shell (bash), with the image's programs
 * {@code xtrabackup} ({@link Xtrabackup}), {@code xbstream} ({@link Xbstream}), {@code ncat} ({@link Ncat}),
 * {@code mysql} and {@code mysqladmin}.
 */
public final class XtrabackupImage {

  private XtrabackupImage() {
  }

  /** Registers the image's programs in {@code c}; {@code admission} applies the pod's NetworkPolicies to ncat's port. */
  public static void commands(JvmContainer c, MysqlImage.Admission admission) {
    MysqlImage.commands(c, "5.7");
    MysqlClient.Dialer dialer = new PodDialer(c, 5)::connectPaused;
    c.command("xtrabackup", "/usr/bin/xtrabackup", (args, out, tty) -> Xtrabackup.start(c, dialer, args, out));
    c.command("xbstream", "/usr/bin/xbstream", (args, out, tty) -> Xbstream.extract(c, args, out));
    c.command("ncat", "/usr/bin/ncat", (args, out, tty) -> Ncat.start(c, admission, args, out));
  }
}
