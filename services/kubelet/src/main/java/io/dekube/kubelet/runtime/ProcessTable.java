package io.dekube.kubelet.runtime;

import io.dekube.kubelet.images.BuiltInImages;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EphemeralContainer;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What busybox's {@code ps} lists in a {@code jvm} container: the processes of its process namespace. Its own
 * main process is PID 1; with the pod's {@code shareProcessNamespace} the pod's sandbox ({@code /pause}) is
 * PID 1 and every container's processes follow, in the pod's order; an ephemeral container with a
 * {@code targetContainerName} (what {@code kubectl debug --target} makes) sees its target's processes before
 * its own. Each container's processes are its image's (nginx: a master and a worker, user 101; redis: its server as
 * user 999) or its command
 * line, as the user its securityContext names; the {@code ps} itself comes last. Pure.
 */
final class ProcessTable {

  /**
   * A process: its id, user and command line, the bounding capability set of its container, its terminal as
   * procps names it ({@code ?} or {@code pts/0}), whether it leads its session (a container's first process,
   * which the runtime starts with setsid: procps's {@code s}) and its container (null for the sandbox's).
   */
  record Process(int pid, long uid, String command, long capabilities, String tty, boolean leader,
                 Container container) {
    Process(int pid, long uid, String command) {
      this(pid, uid, command, Capabilities.DEFAULT, "?", true, null);
    }
  }

  /**
   * How many processes each pod's {@code ps} runs have started, by pod UID: every run is a new process with the next
   * PID (6 on, as the table counts), as {@code ps ax} twice shows two PIDs. Pod-wide, as a shared namespace's PIDs
   * are; a decision: without sharing a container's PIDs advance with its pod's other containers' runs too (the numbers
   * stay new, only gaps differ), and the pods last seen are kept, the oldest forgotten past {@link #PODS_KEPT}.
   */
  private static final java.util.Map<String, java.util.concurrent.atomic.AtomicInteger> SPAWNED =
      java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, java.util.concurrent.atomic.AtomicInteger> e) {
          return size() > PODS_KEPT;
        }
      });
  private static final int PODS_KEPT = 4096;

  private ProcessTable() {
  }

  /** A new process in the pod of {@code spec}: how many its pod started before it (0 for the first). */
  static int spawn(ContainerSpec spec) {
    String pod = spec.podUid() == null ? "" : spec.podUid();
    return SPAWNED.computeIfAbsent(pod, k -> new java.util.concurrent.atomic.AtomicInteger()).getAndIncrement();
  }

  /**
   * The process id of the container's own program in its process namespace: 1, unless the pod shares one (the
   * pause process is 1) or an ephemeral container sees its target's first.
   */
  static int mainPid(ContainerSpec spec) {
    PodSpec pod = spec.podSpec();
    boolean shared = pod != null && Boolean.TRUE.equals(pod.getShareProcessNamespace());
    if (!shared && target(pod, spec.container()).isEmpty()) {
      return 1;
    }
    int pid = shared ? 8 : 1;
    List<Container> before = new ArrayList<>();
    if (shared) {
      for (Container c : pod.getInitContainers() == null ? List.<Container>of() : pod.getInitContainers()) {
        if ("Always".equals(c.getRestartPolicy())) {
          before.add(c);
        }
      }
      before.addAll(pod.getContainers() == null ? List.of() : pod.getContainers());
      before.addAll(ephemeral(pod).stream().map(ProcessTable::asContainer).toList());
    } else {
      target(pod, spec.container()).ifPresent(before::add);
    }
    for (Container c : before) {
      if (c.getName() != null && c.getName().equals(spec.container().getName())) {
        return pid;
      }
      pid += 6 * processes(c).size();
    }
    return pid;
  }

  /** The processes {@code ps} shows in the container of {@code spec}, {@code ps ARGS} last, run without a terminal. */
  static List<Process> of(ContainerSpec spec, String psArgs) {
    return of(spec, psArgs, false, 0);
  }

  /**
   * The processes {@code ps} shows in the container of {@code spec}, {@code ps ARGS} last. A container with
   * {@code tty: true} (what {@code kubectl debug -it} and {@code kubectl run -it} make) runs on the terminal the
   * runtime gave it, {@code pts/0}; the {@code ps} is on it too when its session has a terminal ({@code terminal}),
   * as {@code kubectl attach} and {@code exec -t} give it. A decision: an {@code exec -t} is on {@code pts/0} too,
   * where containerd would open the next terminal. The {@code ps} is the pod's {@code spawned}-th new process
   * ({@link #spawn}): its PID is as many steps past the first {@code ps}'s.
   */
  static List<Process> of(ContainerSpec spec, String psArgs, boolean terminal, int spawned) {
    List<Container> shown = new ArrayList<>();
    PodSpec pod = spec.podSpec();
    boolean shared = pod != null && Boolean.TRUE.equals(pod.getShareProcessNamespace());
    List<Process> all = new ArrayList<>();
    int pid = 1;
    if (shared) {
      all.add(new Process(1, 0, "/pause"));
      pid = 8;
      for (Container c : pod.getInitContainers() == null ? List.<Container>of() : pod.getInitContainers()) {
        if ("Always".equals(c.getRestartPolicy())) {
          shown.add(c);
        }
      }
      shown.addAll(pod.getContainers() == null ? List.of() : pod.getContainers());
      shown.addAll(ephemeral(pod).stream().map(ProcessTable::asContainer).toList());
    } else {
      target(pod, spec.container()).ifPresent(shown::add);
      shown.add(spec.container());
    }
    boolean self = shown.stream().anyMatch(c -> c.getName() != null && c.getName().equals(spec.container().getName()));
    if (!self) {
      shown.add(spec.container());
    }
    PodSecurityContext podSc = pod == null ? null : pod.getSecurityContext();
    for (Container c : shown) {
      long uid = uid(podSc, c);
      String tty = Boolean.TRUE.equals(c.getTty()) ? "pts/0" : "?";
      boolean first = true;
      for (String[] p : processes(c)) {
        all.add(new Process(pid, p[0] == null ? uid : Long.parseLong(p[0]), p[1],
            Capabilities.bounding(c.getSecurityContext()), tty, first, c));
        first = false;
        pid += 6;
      }
    }
    pid += 6 * spawned;
    all.add(new Process(pid, uid(podSc, spec.container()), psArgs.isEmpty() ? "ps" : "ps " + psArgs,
        Capabilities.bounding(spec.container().getSecurityContext()), terminal ? "pts/0" : "?", false,
        spec.container()));
    return all;
  }

  /** busybox's {@code ps} output, names of {@code user}'s image for the user ids. */
  static String render(List<Process> processes, ProcessUser user) {
    StringBuilder b = new StringBuilder("PID   USER     TIME  COMMAND\n");
    for (Process p : processes) {
      b.append(String.format(Locale.ROOT, "%5d %-8.8s  0:00 %s%n", p.pid(), user.user(p.uid()), p.command()));
    }
    return b.toString();
  }

  /**
   * procps's {@code ps} (Debian's and Ubuntu's): {@code ps aux} in BSD's user format, {@code ps ax} (BSD options
   * without {@code u}) in BSD's job format, {@code ps -ef} in the full format, else its default columns. A jvm container's processes have no memory of their own to show: VSZ and RSS
   * are 0, as {@code kubectl top} reports them; {@code now} is the START and STIME of them all.
   */
  static String renderProcps(List<Process> processes, ProcessUser user, List<String> args, java.time.LocalTime now) {
    String flags = String.join("", args).replace("-", "");
    String start = String.format(Locale.ROOT, "%02d:%02d", now.getHour(), now.getMinute());
    StringBuilder b = new StringBuilder();
    boolean bsd = !args.isEmpty() && !args.get(0).startsWith("-") && flags.contains("u");
    boolean bsdJobs = !args.isEmpty() && !args.get(0).startsWith("-") && !bsd;
    boolean full = args.stream().anyMatch(a -> a.startsWith("-")) && flags.contains("f");
    if (bsd) {
      b.append("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n");
    } else if (bsdJobs) {
      b.append("    PID TTY      STAT   TIME COMMAND\n");
    } else if (full) {
      b.append("UID          PID    PPID  C STIME TTY          TIME CMD\n");
    } else {
      b.append("    PID TTY          TIME CMD\n");
    }
    for (int i = 0; i < processes.size(); i++) {
      Process p = processes.get(i);
      boolean self = i == processes.size() - 1;
      String name = user.user(p.uid());
      name = name.length() > 8 ? name.substring(0, 7) + "+" : name; // procps: zookeeper is zookeep+
      // procps's STAT: R running (the ps), else S sleeping; s a session leader; + in its terminal's foreground
      String stat = self ? (p.tty().equals("?") ? "R" : "R+") : p.leader() ? "Ss" : "S";
      if (bsd) {
        b.append(String.format(Locale.ROOT, "%-8.8s %7d %4.1f %4.1f %6d %5d %-8s %-4s %5s %6s %s%n", name, p.pid(),
            0.0, 0.0, 0, 0, p.tty(), stat, start, "0:00", p.command()));
      } else if (bsdJobs) {
        b.append(String.format(Locale.ROOT, "%7d %-8s %-4s %6s %s%n", p.pid(), p.tty(), stat, "0:00", p.command()));
      } else if (full) {
        b.append(String.format(Locale.ROOT, "%-8.8s %7d %7d %2d %5s %-8s %8s %s%n", name, p.pid(),
            p.pid() == 1 ? 0 : 1, 0, start, p.tty(), "00:00:00", p.command()));
      } else {
        String comm = p.command().split("[ :]", 2)[0];
        b.append(String.format(Locale.ROOT, "%7d %-8s %8s %s%n", p.pid(), p.tty(), "00:00:00",
            comm.substring(comm.lastIndexOf('/') + 1)));
      }
    }
    return b.toString();
  }

  private static List<EphemeralContainer> ephemeral(PodSpec pod) {
    return pod == null || pod.getEphemeralContainers() == null ? List.of() : pod.getEphemeralContainers();
  }

  /** The container an ephemeral container targets, when {@code self} is one with a target. */
  private static Optional<Container> target(PodSpec pod, Container self) {
    Optional<String> name = ephemeral(pod).stream().filter(e -> e.getName() != null && e.getName().equals(self.getName()))
        .map(EphemeralContainer::getTargetContainerName).filter(t -> t != null && !t.isEmpty()).findFirst();
    return name.flatMap(n -> pod.getContainers().stream().filter(c -> n.equals(c.getName())).findFirst());
  }

  private static Container asContainer(EphemeralContainer e) {
    return new io.fabric8.kubernetes.api.model.ContainerBuilder().withName(e.getName()).withImage(e.getImage())
        .withCommand(e.getCommand()).withArgs(e.getArgs()).withSecurityContext(e.getSecurityContext()).build();
  }

  private static long uid(PodSecurityContext pod, Container c) {
    if (c.getSecurityContext() != null && c.getSecurityContext().getRunAsUser() != null) {
      return c.getSecurityContext().getRunAsUser();
    }
    return pod != null && pod.getRunAsUser() != null ? pod.getRunAsUser() : 0;
  }

  /** A container's processes: {user id or null for the container's user, command line}. */
  private static List<String[]> processes(Container c) {
    List<String> argv = new ArrayList<>();
    if (c.getCommand() != null) {
      argv.addAll(c.getCommand());
    }
    if (c.getArgs() != null) {
      argv.addAll(c.getArgs());
    }
    String program = BuiltInImages.resolve(c.getImage()).map(BuiltInImages.Resolved::program).orElse("");
    if (argv.isEmpty()) {
      return switch (program) {
        case "nginx", "nginxhttps" -> List.of(new String[] {null, "nginx: master process nginx -g daemon off;"},
            new String[] {"101", "nginx: worker process"});
        case "pause" -> List.<String[]>of(new String[] {null, "/pause"});
        case "busybox", "" -> List.<String[]>of(new String[] {null, BuiltInImages.cmdIsBash(c.getImage()) ? "bash"
            : "sh"});
        case "httpd" -> List.<String[]>of(new String[] {null, "httpd -DFOREGROUND"});
        case "redis" -> List.<String[]>of(new String[] {"999", "redis-server *:6379"}); // its entrypoint drops to redis
        case "mysql" -> List.<String[]>of(new String[] {"999", "mysqld"});
        case "mongo" -> List.<String[]>of(new String[] {"999", "mongod --bind_ip_all"});
        case "cassandra" -> io.dekube.kubelet.images.cassandra.CassandraFiles.processes(c).stream()
            .map(command -> new String[] {null, command}).toList();
        case "wordpress" -> List.of(new String[] {null, "apache2 -DFOREGROUND"}, new String[] {"33",
            "apache2 -DFOREGROUND"}); // Apache's parent as root, a worker as www-data
        default -> List.<String[]>of(new String[] {null, "/" + program});
      };
    }
    if (program.equals("kubernetes-zookeeper")) {
      return io.dekube.kubelet.images.zookeeper.ZooKeeperFiles.processes(argv).stream()
          .map(command -> new String[] {null, command}).toList();
    }
    if (argv.size() == 3 && argv.get(0).matches("(/bin/)?sh") && argv.get(1).equals("-c")
        && argv.get(2).matches("[\\w./=:, -]+")) {
      return List.<String[]>of(new String[] {null, argv.get(2).strip()}); // sh -c with one simple command execs it
    }
    return List.<String[]>of(new String[] {null, String.join(" ", argv)});
  }
}
