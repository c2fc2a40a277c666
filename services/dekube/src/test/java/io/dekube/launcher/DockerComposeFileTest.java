package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The compose stack's files, checked without Docker (none runs where the tests run): each dekube
 * service's command is one the launcher runs, with flags it accepts (its own parsing: a misspelled
 * flag fails here); Prometheus scrapes every dekube service on the port that service serves its
 * /metrics on; the ports a client needs are published; Kafka is the version of the build; Grafana's
 * provisioning points at the dashboard. That the dashboard's metrics exist is checked against
 * running processes by {@link SplitProcessesE2E}.
 */
class DockerComposeFileTest {

  private static final Path ROOT = DekubeProcess.repoRoot();

  @SuppressWarnings("unchecked")
  private static Map<String, Object> yaml(String file) throws Exception {
    return (Map<String, Object>) new Yaml().load(Files.readString(ROOT.resolve(file)));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Map<String, Object>> services() throws Exception {
    return (Map<String, Map<String, Object>>) yaml("docker-compose.yml").get("services");
  }

  /** The services that run the dekube image, with their commands. */
  @SuppressWarnings("unchecked")
  private static Map<String, List<String>> dekubeCommands() throws Exception {
    Map<String, List<String>> commands = new TreeMap<>();
    services().forEach((name, s) -> {
      if ("dekube:dev".equals(s.get("image"))) {
        commands.put(name, ((List<Object>) s.get("command")).stream().map(String::valueOf).toList());
      }
    });
    return commands;
  }

  private static String flag(List<String> command, String name) {
    return LauncherCommands.flag(command, name);
  }

  @Test
  @SuppressWarnings("unchecked")
  void everyDekubeServiceRunsALauncherCommandWithFlagsItAccepts() throws Exception {
    Map<String, List<String>> commands = dekubeCommands();
    LauncherCommands.check(commands); // as ./dekube parses them; distinct ports and node IPs
    Map<String, Map<String, Object>> services = services();
    commands.forEach((name, command) -> {
      Map<String, Object> s = services.get(name);
      String kafka = flag(command, "--kafka");
      assertNotNull(kafka, name + " names the compose stack's Kafka");
      assertTrue(services.containsKey(kafka.substring(0, kafka.indexOf(':'))), name + ": --kafka " + kafka);
      assertEquals("0.0.0.0", flag(command, "--bind-address"), name + " is reachable from Prometheus and the host");
      String dataDir = flag(command, "--data-dir");
      assertTrue(((List<String>) s.get("volumes")).stream().anyMatch(v -> v.endsWith(":" + dataDir)),
          name + ": its --data-dir " + dataDir + " is the shared volume");
      assertEquals("service:net", s.get("network_mode"), name + " shares the stack's network namespace");
      String ops = flag(command, "--ops-port");
      assertNotNull(ops, name + " has an --ops-port");
      List<String> health = (List<String>) ((Map<String, Object>) s.get("healthcheck")).get("test");
      assertEquals("http://127.0.0.1:" + ops + "/readyz", health.get(health.size() - 1), name + "'s healthcheck");
    });
  }

  @Test
  @SuppressWarnings("unchecked")
  void prometheusScrapesEveryDekubeServiceOnItsOpsPort() throws Exception {
    Map<String, Map<String, Object>> services = services();
    Map<String, List<String>> commands = dekubeCommands();
    List<String> scraped = new ArrayList<>();
    for (Map<String, Object> job : (List<Map<String, Object>>) yaml("monitoring/prometheus.yml").get("scrape_configs")) {
      String name = (String) job.get("job_name");
      if (name.equals("prometheus")) {
        continue;
      }
      List<String> command = commands.get(name);
      assertNotNull(command, "Prometheus job " + name + " is a dekube service of docker-compose.yml");
      Object mode = services.get(name).get("network_mode");
      String host = mode instanceof String m && m.startsWith("service:") ? m.substring("service:".length()) : name;
      for (Map<String, Object> sc : (List<Map<String, Object>>) job.get("static_configs")) {
        for (String target : (List<String>) sc.get("targets")) {
          assertEquals(host + ":" + flag(command, "--ops-port"), target, "job " + name + " scrapes its ops port");
          assertTrue(services.containsKey(host), target);
        }
      }
      scraped.add(name);
    }
    assertEquals(Set.copyOf(commands.keySet()), Set.copyOf(scraped), "every dekube service is scraped");
    assertTrue(services.containsKey("prometheus") && services.containsKey("grafana"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void theApiserversAndTheIngressArePublishedAndKafkaIsTheBuildsVersion() throws Exception {
    Map<String, Map<String, Object>> services = services();
    List<String> published = ((List<Object>) services.get("net").get("ports")).stream().map(String::valueOf).toList();
    dekubeCommands().forEach((name, command) -> {
      for (String f : List.of("--api-port", "--ingress-http-port", "--ingress-https-port")) {
        String port = flag(command, f);
        if (port != null) {
          assertTrue(published.contains(port + ":" + port), name + "'s " + f + " " + port + " published: " + published);
        }
      }
    });
    Matcher v = Pattern.compile("<kafka.version>([^<]+)</kafka.version>").matcher(Files.readString(ROOT.resolve("pom.xml")));
    assertTrue(v.find());
    assertEquals("apache/kafka:" + v.group(1), services.get("kafka").get("image"));
  }

  @Test
  @SuppressWarnings("unchecked")
  void grafanaIsProvisionedWithTheDashboardAndItsDatasource() throws Exception {
    Map<String, Object> grafana = services().get("grafana");
    List<String> volumes = (List<String>) grafana.get("volumes");
    assertTrue(volumes.contains("./monitoring/grafana/dashboards:/var/lib/grafana/dashboards:ro"), volumes.toString());
    assertTrue(volumes.contains("./monitoring/grafana/provisioning:/etc/grafana/provisioning:ro"), volumes.toString());
    Map<String, Object> provider = ((List<Map<String, Object>>) yaml(
        "monitoring/grafana/provisioning/dashboards/dekube.yml").get("providers")).get(0);
    assertEquals("/var/lib/grafana/dashboards", ((Map<String, Object>) provider.get("options")).get("path"));
    Map<String, Object> datasource = ((List<Map<String, Object>>) yaml(
        "monitoring/grafana/provisioning/datasources/prometheus.yml").get("datasources")).get(0);
    assertEquals("http://prometheus:9090", datasource.get("url"));
    String dashboard = Files.readString(GrafanaDashboard.FILE);
    assertFalse(dashboard.contains("${DS_"), "no datasource left to choose at import");
    Matcher uids = Pattern.compile("\"uid\": \"([^\"]+)\"").matcher(dashboard);
    while (uids.find()) {
      assertTrue(uids.group(1).equals(datasource.get("uid")) || uids.group(1).equals("dekube"), uids.group());
    }
  }

  @Test
  void theDashboardsMetricNamesAreFoundInItsExpressions() throws Exception {
    assertEquals(Set.of("dekube_writer_latency_seconds_bucket"), GrafanaDashboard.metricNames(
        "histogram_quantile(0.99, sum by (le) (rate(dekube_writer_latency_seconds_bucket{job=~\"store\"}[1m])))"));
    assertEquals(Set.of("a_total", "b_count"), GrafanaDashboard.metricNames("sum(rate(a_total[1m])) / on (job) b_count"));
    Set<String> names = GrafanaDashboard.metricNames(GrafanaDashboard.FILE);
    assertTrue(names.contains("dekube_writer_requests_total") && names.contains("jvm_memory_used_bytes"), names.toString());
  }

  @Test
  void theImageRunsTheLauncherTheBuildMakes() throws Exception {
    String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
    String pom = Files.readString(ROOT.resolve("services/dekube/pom.xml"));
    assertTrue(pom.contains("<finalName>dekube</finalName>") && pom.contains("${project.build.directory}/lib<"),
        "the build makes target/dekube.jar and target/lib/");
    assertTrue(dockerfile.contains("COPY services/dekube/target/dekube.jar ")
        && dockerfile.contains("COPY services/dekube/target/lib/ "), dockerfile);
    Matcher main = Pattern.compile("io\\.dekube\\.[\\w.]+Main").matcher(dockerfile);
    assertTrue(main.find(), dockerfile);
    assertEquals(DekubeMain.class.getName(), main.group());
    String ignore = Files.readString(ROOT.resolve(".dockerignore"));
    assertTrue(ignore.contains("!services/dekube/target/dekube.jar") && ignore.contains("!services/dekube/target/lib/"),
        "the build context keeps what the Dockerfile copies: " + ignore);
    assertEquals("dekube:dev", services().get("store").get("image"));
  }
}
