package io.dekube.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * The real {@code ./dekube up} script run from the repository root as a child process, as a
 * user runs it: stdout lines are collected, stderr goes to a log file in the data directory.
 */
final class DekubeProcess implements AutoCloseable {

  /** The ops port in the ready line of a single component ({@code ./dekube store}, {@code ./dekube kubelet --ops-port}). */
  private static final Pattern METRICS = Pattern.compile("metrics http://127\\.0\\.0\\.1:(\\d+)/metrics");
  private static final Pattern READY = Pattern.compile(
      "dekube ready: apiserver (\\S+), kafka (\\S+), metrics http://127\\.0\\.0\\.1:(\\d+)/metrics.*--kubeconfig (\\S+) ");

  private final Process process;
  private final List<String> stdout = new CopyOnWriteArrayList<>();
  private Path log;
  private long logStart;
  private String apiUrl;
  private String kafka;
  private int opsPort;
  private Path kubeconfig;
  private List<String> jvmArguments = List.of();

  private DekubeProcess(Process process) {
    this.process = process;
    Thread reader = new Thread(this::readStdout, "dekube-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** The repository root: this module is services/dekube. */
  static Path repoRoot() {
    return Path.of("").toAbsolutePath().getParent().getParent();
  }

  /**
   * Starts {@code ./dekube up} on random ports with the given data directory and waits for the ready
   * line. Nodes get random addresses ({@link #randomNodeAddresses()}) and kube-proxy a free metrics port, unless
   * {@code extraFlags} name one, so parallel runs never collide.
   */
  static DekubeProcess up(Path dataDir, String... extraFlags) throws IOException {
    List<String> args = new ArrayList<>(List.of("up", "--kafka-port", "0", "--api-port", "0",
        "--ops-port", "0", "--dns-port", "0", "--ingress-http-port", "0", "--ingress-https-port", "0"));
    args.addAll(randomNodeAddresses());
    if (!List.of(extraFlags).contains("--service-cidr")) {
      args.addAll(List.of("--service-cidr", serviceCidrOf(dataDir)));
    }
    if (!List.of(extraFlags).contains("--metrics-bind-address")) {
      // kube-proxy's 127.0.0.1:10249 is one per machine: two clusters at once (failsafe runs two classes) both bound it
      args.addAll(List.of("--metrics-bind-address", "127.0.0.1:" + freePort()));
    }
    args.addAll(List.of(extraFlags));
    return start(dataDir, dataDir.getFileName() + "-up.log", args.toArray(String[]::new));
  }

  /**
   * Starts {@code ./dekube <args> --data-dir <dataDir>} (stderr appended to {@code logName} next to the data
   * directory) and waits for its {@code dekube ready:} line.
   */
  static DekubeProcess start(Path dataDir, String logName, String... args) throws IOException {
    DekubeProcess p = launch(dataDir, logName, args);
    p.awaitReady(args[0]);
    p.jvmArguments = p.process.info().arguments().map(List::of).orElse(List.of()); // ./dekube exec'd java
    return p;
  }

  /** True when the JVM was started to write a class-data archive at its exit (the first up of a build). */
  boolean writesClassArchive() {
    return jvmArguments.stream().anyMatch(a -> a.startsWith("-XX:ArchiveClassesAtExit="));
  }

  /**
   * Starts several {@code ./dekube} commands side by side (each {@code logName, args...}) and waits for every
   * ready line: their JVMs start at once, as compose starts its containers. When one fails, all are stopped.
   */
  static Group startAll(Path dataDir, List<List<String>> commands) throws Exception {
    Group group = new Group();
    try {
      for (List<String> c : commands) {
        group.processes.add(launch(dataDir, c.get(0), c.subList(1, c.size()).toArray(String[]::new)));
      }
      for (int i = 0; i < commands.size(); i++) {
        group.processes.get(i).awaitReady(commands.get(i).get(1));
      }
      return group;
    } catch (Exception | Error e) {
      group.close();
      throw e;
    }
  }

  /** Processes started together, stopped together. */
  static final class Group implements AutoCloseable {
    private final List<DekubeProcess> processes = new ArrayList<>();

    DekubeProcess get(int i) {
      return processes.get(i);
    }

    @Override
    public void close() throws Exception {
      for (DekubeProcess p : processes) {
        p.close();
      }
    }
  }

  private static DekubeProcess launch(Path dataDir, String logName, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("./dekube"));
    cmd.addAll(List.of(args));
    cmd.addAll(List.of("--data-dir", dataDir.toString()));
    Path log = dataDir.resolveSibling(logName);
    long logStart = java.nio.file.Files.exists(log) ? java.nio.file.Files.size(log) : 0;
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(repoRoot().toFile())
        .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    DekubeProcess p = new DekubeProcess(pb.start());
    p.log = log;
    p.logStart = logStart;
    return p;
  }

  private void awaitReady(String command) {
    try {
      // -Ddekube.e2e.readyMinutes=N for a machine under heavy load
      Awaitility.await("the ready line of ./dekube " + command)
          .atMost(Duration.ofMinutes(Long.getLong("dekube.e2e.readyMinutes", 3)))
          .until(() -> ready() || !process.isAlive());
    } catch (RuntimeException e) {
      process.destroy(); // never leave a cluster behind (its shutdown hook stops the broker child)
      throw new IllegalStateException(e.getMessage() + "; stdout " + stdout + "\n" + logTail(80), e);
    }
    if (!ready()) {
      boolean exited = !process.isAlive();
      process.destroyForcibly();
      throw new IllegalStateException("./dekube " + command + (exited ? " exited " + process.exitValue()
          : " gave no ready line in 3 minutes") + " before ready; stdout " + stdout + "\n" + logTail(80));
    }
  }

  /**
   * The last {@code n} lines this run wrote to its log (stderr), for failure messages: the log lies in the
   * test's temporary directory, which is gone by the time anyone reads the report, and why a start failed is
   * said there.
   */
  String logTail(int n) {
    try {
      List<String> lines = logLines();
      return "the end of its log " + log + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - n),
          lines.size()));
    } catch (IOException | RuntimeException e) {
      return "<no log " + log + ": " + e + ">";
    }
  }

  /**
   * A service CIDR 127.<240-254>.<16 k>.0/20 of its own for a test cluster (240 of them), the same for
   * every start on one data directory (its Services keep their ClusterIPs): kube-proxy binds
   * ClusterIP:port, so a test on the default 127.96.0.0/16 would take the addresses of a user's {@code
   * ./dekube up} on the machine, and two test clusters of one range (ClusterIPs are given in order)
   * would answer each other's Services.
   */
  static String serviceCidrOf(Path dataDir) {
    int h = Math.floorMod(dataDir.toAbsolutePath().hashCode(), 15 * 16);
    return "127." + (240 + h % 15) + "." + (h / 15 * 16) + ".0/20";
  }

  /** Node IPs 127.<2-99>.<2-250>.n, a cluster CIDR 127.<100-239>.0.0/16 and free kubelet ports. */
  /** A port nothing listens on now. */
  static int freePort() throws IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static List<String> randomNodeAddresses() {
    java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
    return List.of("--node-ip-prefix", "127." + r.nextInt(2, 100) + "." + r.nextInt(2, 251) + ".",
        "--cluster-cidr", "127." + r.nextInt(100, 240) + ".0.0/16", "--kubelet-port", "0");
  }

  private boolean ready() {
    for (String line : stdout) {
      if (line.startsWith("dekube ready: kafka ") || line.startsWith("dekube kubelet ready: ")) {
        Matcher m = METRICS.matcher(line); // a component without the apiserver
        opsPort = m.find() ? Integer.parseInt(m.group(1)) : 0;
        return true;
      }
      Matcher m = READY.matcher(line);
      if (m.find()) {
        apiUrl = m.group(1);
        kafka = m.group(2).replaceAll(",$", "");
        opsPort = Integer.parseInt(m.group(3));
        kubeconfig = Path.of(m.group(4));
        return true;
      }
    }
    return false;
  }

  private void readStdout() {
    try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
      for (String line = r.readLine(); line != null; line = r.readLine()) {
        stdout.add(line);
      }
    } catch (IOException e) {
      stdout.add("<stdout closed: " + e + ">");
    }
  }

  String apiUrl() {
    return apiUrl;
  }

  String kafka() {
    return kafka;
  }

  int opsPort() {
    return opsPort;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  List<String> stdout() {
    return stdout;
  }

  /** What this run wrote to its log (stderr) so far. */
  List<String> logLines() throws IOException {
    byte[] all = java.nio.file.Files.readAllBytes(log);
    return List.of(new String(all, (int) logStart, all.length - (int) logStart, StandardCharsets.UTF_8).split("\n"));
  }

  /**
   * GETs a path of the ops port, bounded (10 s a try, 90 s in all), over HTTP/1.1 as curl and
   * Prometheus ask (not the JDK client's default h2c upgrade: an unbounded GET of /metrics once held
   * CI until its limit). When it never answers the test fails with the threads of {@code ./dekube up}.
   */
  String opsGet(String path) throws Exception {
    java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
        .version(java.net.http.HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    String[] body = new String[1];
    try {
      Awaitility.await(path + " of the ops port answers").atMost(Duration.ofSeconds(90)).ignoreExceptions()
          .until(() -> {
            body[0] = http.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + opsPort + path)).timeout(Duration.ofSeconds(10)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            return true;
          });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(path + " of the ops port did not answer; threads of ./dekube up:\n" + threadDump(), e);
    }
    return body[0];
  }

  /** The threads of the running {@code ./dekube} JVM ({@code jcmd PID Thread.print}), for failure messages. */
  String threadDump() {
    try {
      Kubectl.Result r = Kubectl.runBounded(new ProcessBuilder("jcmd", Long.toString(process.pid()), "Thread.print"),
          30);
      return r.out() + r.err();
    } catch (Throwable e) {
      return "<no thread dump: " + e + ">";
    }
  }

  /** SIGKILL, as a crash: no shutdown hook runs. Waits for the exit. */
  void kill() throws Exception {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroyForcibly();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("dekube did not die within 30 s of SIGKILL");
    }
    for (ProcessHandle child : children) { // the Kafka child stops by itself when its parent's pipe closes
      child.onExit().get(60, TimeUnit.SECONDS);
    }
  }

  /** Where the process's stderr (its log) goes. */
  Path stderrLog() {
    return log;
  }

  /** The pid of the embedded Kafka broker child (the current one: it changes when the broker is restarted). */
  long brokerPid() {
    // read /proc/<pid>/cmdline: ProcessHandle.Info drops the arguments of a command line as long
    // as the broker child's classpath
    return process.toHandle().descendants()
        .filter(h -> commandLine(h.pid()).contains("io.dekube.kafka.EmbeddedKafkaMain"))
        .filter(ProcessHandle::isAlive)
        .findFirst().orElseThrow(() -> new IllegalStateException("no Kafka child of " + process.pid())).pid();
  }

  private static String commandLine(long pid) {
    try {
      return new String(java.nio.file.Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
          StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }

  /** Whether {@code pid} ignores SIGINT (bit 2 of the SigIgn mask in /proc/PID/status). */
  static boolean ignoresSigint(long pid) {
    try {
      for (String line : java.nio.file.Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith("SigIgn:")) {
          return (Long.parseUnsignedLong(line.substring(7).trim(), 16) & (1L << (2 - 1))) != 0;
        }
      }
    } catch (IOException | RuntimeException e) {
      // not Linux, or gone: send SIGINT as asked
    }
    return false;
  }

  /** Whether ./dekube up still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code; the process must have exited. */
  int exitValue() {
    return process.exitValue();
  }

  /**
   * Sends SIGINT, what Ctrl-C sends, and waits for the exit code. A process started with SIGINT
   * ignored (the tests run as a background job of a shell without job control, e.g. {@code .ci/run &}
   * in a script) never sees it — the JVM installs no handler for an ignored signal — so it gets
   * SIGTERM, which runs the same shutdown.
   */
  int interrupt() throws Exception {
    String signal = ignoresSigint(process.pid()) ? "-TERM" : "-INT";
    new ProcessBuilder("kill", signal, Long.toString(process.pid())).inheritIO().start().waitFor();
    if (!awaitExit(60)) {
      throw new IllegalStateException("dekube did not stop within 60 s of SIG" + signal.substring(1)
          + "; its threads:\n" + threadDump() + "\n" + logTail(60));
    }
    return process.exitValue();
  }

  /**
   * Waits {@code seconds} for the process to stop. The first {@code up} of a build then has its JVM write the
   * class-data archive (seconds; minutes on a machine loaded by other work): once the clean stop is done and that
   * is announced, the archive gets three minutes more, so it is neither cut short nor taken for a hung stop.
   */
  private boolean awaitExit(int seconds) throws InterruptedException {
    return process.waitFor(seconds, TimeUnit.SECONDS)
        || stdout.contains("dekube stopped") && stdout.stream().anyMatch(l -> l.startsWith("dekube: saving the"))
        && process.waitFor(180, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      process.destroy();
      if (!awaitExit(30)) {
        process.destroyForcibly();
      }
    }
  }
}
