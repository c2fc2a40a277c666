package io.dekube.kubelet.images.zookeeper;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.net.InetSocketAddress;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.WatchedEvent;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZKUtil;
import org.apache.zookeeper.ZooDefs;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.client.StaticHostProvider;
import org.apache.zookeeper.client.ZKClientConfig;
import org.apache.zookeeper.data.Stat;

/**
 * {@code zkCli.sh} of the kubernetes-zookeeper image (ZooKeeper 3.4.10's {@code ZooKeeperMain}) for
 * {@code kubectl exec}: {@code zkCli.sh [-server host:port,...] [-timeout ms] cmd args} connects with the real
 * ZooKeeper client — the hosts resolved as the pod resolves them, {@code localhost} being the pod —, prints what
 * 3.4 prints ({@code Connecting to localhost:2181}, the connection's {@code WATCHER::} event, then the command's
 * output: data and children on stdout, {@code Created /x} and the stat lines on stderr, KeeperException's words for
 * a failure) and exits 0, as 3.4 does after a command; 1 when the server cannot be reached. Commands: create
 * [-s] [-e], get, set, delete, rmr, ls, ls2, stat; without one, its shell ({@link ZkShell}). Runs on a worker
 * thread.
 */
final class ZkCli {

  private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("EEE MMM dd HH:mm:ss zzz yyyy",
      Locale.US).withZone(java.time.ZoneId.of("UTC"));

  private final ExecSession.Output out;
  private final boolean tty;

  private ZkCli(ExecSession.Output out, boolean tty) {
    this.out = out;
    this.tty = tty;
  }

  /** Starts {@code argv} ({@code zkCli.sh ...}) in {@code c}; without a command, the shell ({@link ZkShell}). */
  static ExecSession start(JvmContainer c, List<String> argv, ExecSession.Output out, boolean tty) {
    ZkCli cli = new ZkCli(out, tty);
    String server = "localhost:2181";
    int timeout = 30000;
    List<String> command = new ArrayList<>();
    List<String> args = argv.subList(1, argv.size());
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (command.isEmpty() && a.equals("-server") && i + 1 < args.size()) {
        server = args.get(++i);
      } else if (command.isEmpty() && a.equals("-timeout") && i + 1 < args.size()
          && args.get(i + 1).matches("\\d{1,9}")) {
        timeout = Integer.parseInt(args.get(++i));
      } else if (!(command.isEmpty() && a.equals("-r"))) {
        command.add(a);
      }
    }
    cli.stdout("Connecting to " + server + "\n");
    String connect = server;
    int sessionTimeout = timeout;
    List<Future<InetSocketAddress>> hosts = new ArrayList<>();
    for (String hostPort : server.split(",")) {
      int colon = hostPort.lastIndexOf(':');
      String host = colon < 0 ? hostPort : hostPort.substring(0, colon);
      String p = colon < 0 ? "2181" : hostPort.substring(colon + 1);
      int port = p.matches("\\d{1,5}") ? Integer.parseInt(p) : 2181;
      hosts.add(c.resolve(host).map(ip -> new InetSocketAddress(ip, port)));
    }
    Future<List<InetSocketAddress>> found = Future.join(hosts).transform(ar -> Future.succeededFuture(
        hosts.stream().filter(Future::succeeded).map(Future::result).toList()));
    if (command.isEmpty()) {
      return ZkShell.start(c, cli, connect, found, sessionTimeout, tty);
    }
    Future<Integer> exit = found.compose(addresses -> c.vertx().executeBlocking(() -> cli.run(connect, addresses,
        sessionTimeout, command), false));
    return ExecSession.ending(exit);
  }

  private int run(String connect, List<InetSocketAddress> hosts, int timeout, List<String> command)
      throws InterruptedException {
    ZooKeeper zk = null;
    try {
      zk = connect(connect, hosts, timeout);
      return command(zk, command);
    } catch (KeeperException e) {
      stderr("Exception in thread \"main\" " + e.getClass().getName() + ": " + e.getMessage() + "\n");
      return 1;
    } catch (java.io.IOException | IllegalArgumentException e) {
      stderr("Exception in thread \"main\" " + e + "\n");
      return 1;
    } finally {
      if (zk != null) {
        zk.close();
      }
    }
  }

  /**
   * A client of {@code hosts}, once connected or after {@code timeout} ms; its watcher prints each event as 3.4's
   * does. Blocking.
   */
  ZooKeeper connect(String connect, List<InetSocketAddress> hosts, int timeout) throws java.io.IOException,
      InterruptedException {
    if (hosts.isEmpty()) {
      throw new IllegalArgumentException("A HostProvider may not be empty!");
    }
    ZooKeeperLog.install();
    CountDownLatch connected = new CountDownLatch(1);
    Watcher watcher = (WatchedEvent e) -> {
      if (e.getState() == Watcher.Event.KeeperState.Closed) {
        return; // 3.4's client had no such state: its close told the watcher nothing
      }
      stdout("\nWATCHER::\n\nWatchedEvent state:" + e.getState() + " type:" + e.getType() + " path:" + e.getPath()
          + "\n");
      if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
        connected.countDown();
      }
    };
    ZKClientConfig config = new ZKClientConfig();
    config.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
    ZooKeeper zk = new ZooKeeper(connect, timeout, watcher, false, new StaticHostProvider(hosts), config);
    connected.await(timeout, TimeUnit.MILLISECONDS);
    return zk;
  }

  /** One command of 3.4's {@code processZKCmd}; a KeeperException of the node is printed as 3.4's processCmd does. */
  int command(ZooKeeper zk, List<String> a) throws KeeperException, InterruptedException {
    String cmd = a.get(0);
    boolean watch = a.size() > 2;
    try {
      if (cmd.equals("create") && a.size() >= 3) {
        int first = 0;
        CreateMode mode = CreateMode.PERSISTENT;
        if (a.size() > 3 && (a.get(1).equals("-e") && a.get(2).equals("-s") || a.get(1).equals("-s")
            && a.get(2).equals("-e"))) {
          first = 2;
          mode = CreateMode.EPHEMERAL_SEQUENTIAL;
        } else if (a.get(1).equals("-e") || a.get(1).equals("-s")) {
          first = 1;
          mode = a.get(1).equals("-e") ? CreateMode.EPHEMERAL : CreateMode.PERSISTENT_SEQUENTIAL;
        }
        if (a.size() < first + 3) {
          usage();
          return 0;
        }
        String made = zk.create(a.get(first + 1), a.get(first + 2).getBytes(), ZooDefs.Ids.OPEN_ACL_UNSAFE, mode);
        stderr("Created " + made + "\n");
      } else if (cmd.equals("get") && a.size() >= 2) {
        Stat stat = new Stat();
        byte[] data = zk.getData(a.get(1), watch, stat);
        stdout((data == null ? "null" : new String(data)) + "\n");
        stat(stat);
      } else if (cmd.equals("set") && a.size() >= 3) {
        stat(zk.setData(a.get(1), a.get(2).getBytes(), a.size() > 3 ? Integer.parseInt(a.get(3)) : -1));
      } else if (cmd.equals("delete") && a.size() >= 2) {
        zk.delete(a.get(1), watch ? Integer.parseInt(a.get(2)) : -1);
      } else if (cmd.equals("rmr") && a.size() >= 2) {
        ZKUtil.deleteRecursive(zk, a.get(1));
      } else if ((cmd.equals("ls") || cmd.equals("ls2")) && a.size() >= 2) {
        Stat stat = new Stat();
        stdout(zk.getChildren(a.get(1), watch, stat) + "\n");
        if (cmd.equals("ls2")) {
          stat(stat);
        }
      } else if (cmd.equals("stat") && a.size() >= 2) {
        Stat stat = zk.exists(a.get(1), watch);
        if (stat == null) {
          throw new KeeperException.NoNodeException(a.get(1));
        }
        stat(stat);
      } else {
        usage();
      }
    } catch (KeeperException.NoNodeException e) {
      stderr("Node does not exist: " + e.getPath() + "\n");
    } catch (KeeperException.NodeExistsException e) {
      stderr("Node already exists: " + e.getPath() + "\n");
    } catch (KeeperException.NotEmptyException e) {
      stderr("Node not empty: " + e.getPath() + "\n");
    } catch (KeeperException.BadVersionException e) {
      stderr("version No is not valid : " + e.getPath() + "\n");
    } catch (IllegalArgumentException e) {
      stderr("Command failed: " + e + "\n");
    }
    return 0;
  }

  private void stat(Stat s) {
    stderr("cZxid = 0x" + Long.toHexString(s.getCzxid()) + "\n"
        + "ctime = " + DATE.format(Instant.ofEpochMilli(s.getCtime())) + "\n"
        + "mZxid = 0x" + Long.toHexString(s.getMzxid()) + "\n"
        + "mtime = " + DATE.format(Instant.ofEpochMilli(s.getMtime())) + "\n"
        + "pZxid = 0x" + Long.toHexString(s.getPzxid()) + "\n"
        + "cversion = " + s.getCversion() + "\n"
        + "dataVersion = " + s.getVersion() + "\n"
        + "aclVersion = " + s.getAversion() + "\n"
        + "ephemeralOwner = 0x" + Long.toHexString(s.getEphemeralOwner()) + "\n"
        + "dataLength = " + s.getDataLength() + "\n"
        + "numChildren = " + s.getNumChildren() + "\n");
  }

  void usage() {
    stderr("ZooKeeper -server host:port cmd args\n\tstat path [watch]\n\tset path data [version]\n\tls path [watch]\n"
        + "\tdelete path [version]\n\tls2 path [watch]\n\trmr path\n\tget path [watch]\n"
        + "\tcreate [-s] [-e] path data acl\n");
  }

  /** Where the command's output goes. */
  ExecSession.Output output() {
    return out;
  }

  void stdout(String s) {
    out.stdout(Buffer.buffer(tty ? s.replace("\n", "\r\n") : s));
  }

  void stderr(String s) {
    out.stderr(Buffer.buffer(tty ? s.replace("\n", "\r\n") : s));
  }
}
