package io.dekube.kubelet.runtime;

import java.util.ArrayList;
import java.util.List;

/**
 * busybox's {@code ip}: what a pod's network namespace shows of itself — {@code lo} and {@code eth0} with the pod's
 * address in its node's /24 (dekube's pod addresses are loopback ones, {@code 127.244.N.x}: the node's pod CIDR),
 * the route through the subnet's first address as a bridge CNI sets it, and a MAC made of the address as kube's
 * bridge plugins make it ({@code 0a:58:} and the four octets). {@code addr}, {@code link} and {@code route} with
 * their abbreviations, {@code show}/{@code list}, {@code -4} and {@code -o}; changes are refused as in a container
 * without {@code NET_ADMIN}. Packet counters are not kept: {@code -s} is refused rather than answered with zeros.
 * Pure.
 */
final class IpCommand {

  private static final String LIFETIME = "       valid_lft forever preferred_lft forever";
  private static final String USAGE = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
      + "Usage: ip [OPTIONS] address|route|link|tunnel|neigh|rule [ARGS]\n\n"
      + "OPTIONS := -f[amily] inet|inet6|link | -o[neline]\n";

  private IpCommand() {
  }

  static AppletResult run(List<String> argv, String podIp) {
    boolean oneline = false;
    List<String> args = new ArrayList<>();
    for (String a : argv) {
      if (a.equals("-o") || a.equals("-oneline")) {
        oneline = true;
      } else if (a.equals("-s") || a.equals("-stats") || a.equals("-statistics")) {
        return new AppletResult("", "ip: statistics are not kept by dekube's jvm runtime\n", 1);
      } else if (!a.equals("-4") && !a.equals("-f") && !a.equals("inet")) {
        args.add(a);
      }
    }
    if (args.isEmpty()) {
      return new AppletResult("", USAGE, 1);
    }
    String object = args.get(0);
    String verb = args.size() > 1 ? args.get(1) : "show";
    if (!verb.equals("show") && !verb.equals("list") && !verb.equals("ls") && !verb.equals("lst")
        && !(verb.equals("dev") && args.size() > 2)) {
      return new AppletResult("", "ip: RTNETLINK answers: Operation not permitted\n", 2);
    }
    String dev = args.indexOf("dev") >= 0 && args.indexOf("dev") + 1 < args.size()
        ? args.get(args.indexOf("dev") + 1) : null;
    Iface iface = new Iface(podIp);
    if (prefix(object, "address", 1)) {
      return new AppletResult(iface.addresses(dev, oneline), "", 0);
    } else if (prefix(object, "link", 1)) {
      return new AppletResult(iface.links(dev), "", 0);
    } else if (prefix(object, "route", 1)) {
      return new AppletResult(iface.routes(), "", 0);
    }
    return new AppletResult("", USAGE, 1);
  }

  /** Whether {@code word} abbreviates {@code full} to at least {@code min} letters, as ip accepts. */
  private static boolean prefix(String word, String full, int min) {
    return word.length() >= min && full.startsWith(word);
  }

  /** The pod's interface: its address, subnet, broadcast, gateway and MAC. */
  private record Iface(String ip, String net, String broadcast, String gateway, String mac) {

    Iface(String ip) {
      this(ip, octets(ip, 0), octets(ip, 255), octets(ip, 1), mac(ip));
    }

    private static String octets(String ip, int last) {
      return ip.substring(0, ip.lastIndexOf('.') + 1) + last;
    }

    private static String mac(String ip) {
      StringBuilder b = new StringBuilder("0a:58");
      for (String o : ip.split("\\.")) {
        b.append(':').append(String.format("%02x", Integer.parseInt(o)));
      }
      return b.toString();
    }

    String links(String dev) {
      return interfaces(dev, false);
    }

    String addresses(String dev, boolean oneline) {
      if (!oneline) {
        return interfaces(dev, true);
      }
      StringBuilder b = new StringBuilder();
      if (shows(dev, "lo")) {
        b.append("1: lo    ").append(inet("lo")).append('\\').append(LIFETIME).append('\n');
      }
      if (shows(dev, "eth0")) {
        b.append("2: eth0    ").append(inet("eth0")).append('\\').append(LIFETIME).append('\n');
      }
      return b.toString();
    }

    /** Each interface {@code dev} names (all when null): its link, and its address when asked. */
    private String interfaces(String dev, boolean addresses) {
      StringBuilder b = new StringBuilder();
      if (shows(dev, "lo")) {
        b.append("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000\n")
            .append("    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n");
        if (addresses) {
          b.append("    ").append(inet("lo")).append('\n').append(LIFETIME).append('\n');
        }
      }
      if (shows(dev, "eth0")) {
        b.append("2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue\n")
            .append("    link/ether ").append(mac).append(" brd ff:ff:ff:ff:ff:ff\n");
        if (addresses) {
          b.append("    ").append(inet("eth0")).append('\n').append(LIFETIME).append('\n');
        }
      }
      return b.toString();
    }

    private static boolean shows(String dev, String name) {
      return dev == null || dev.equals(name);
    }

    /** The interface's IPv4 address as {@code ip} prints it. */
    private String inet(String name) {
      return name.equals("lo") ? "inet 127.0.0.1/8 scope host lo"
          : "inet " + ip + "/24 brd " + broadcast + " scope global eth0";
    }

    String routes() {
      return "default via " + gateway + " dev eth0 \n" + net + "/24 dev eth0 scope link  src " + ip + " \n";
    }
  }
}
