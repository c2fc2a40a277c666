package io.dekube.scheduler.framework;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** kube-scheduler 1.32's {@code /configz} document: its defaults, a profile's merged plugins and defaulted args. */
class ComponentConfigTest {

  @TempDir
  Path dir;

  private static final String DEFAULT_PLUGIN_CONFIG = """
      {"Name":"DefaultPreemption","Args":{"MinCandidateNodesPercentage":10,"MinCandidateNodesAbsolute":100}},\
      {"Name":"InterPodAffinity","Args":{"HardPodAffinityWeight":1,"IgnorePreferredTermsOfExistingPods":false}},\
      {"Name":"NodeAffinity","Args":{"AddedAffinity":null}},\
      {"Name":"NodeResourcesBalancedAllocation","Args":{"Resources":[{"Name":"cpu","Weight":1},\
      {"Name":"memory","Weight":1}]}},\
      {"Name":"NodeResourcesFit","Args":{"IgnoredResources":null,"IgnoredResourceGroups":null,\
      "ScoringStrategy":{"Type":"LeastAllocated","Resources":[{"Name":"cpu","Weight":1},{"Name":"memory","Weight":1}],\
      "RequestedToCapacityRatio":null}}},\
      {"Name":"PodTopologySpread","Args":{"DefaultConstraints":null,"DefaultingType":"System"}},\
      {"Name":"VolumeBinding","Args":{"BindTimeoutSeconds":600,"Shape":null}}""";

  private static final String EMPTY = "{\"Enabled\":null,\"Disabled\":null}";

  private static String plugins(String multiPoint) {
    StringBuilder b = new StringBuilder("{");
    for (String p : List.of("PreEnqueue", "QueueSort", "PreFilter", "Filter", "PostFilter", "PreScore", "Score",
        "Reserve", "Permit", "PreBind", "Bind", "PostBind")) {
      b.append('"').append(p).append("\":").append(EMPTY).append(',');
    }
    return b.append("\"MultiPoint\":").append(multiPoint).append('}').toString();
  }

  private static final String DEFAULT_MULTI_POINT = """
      {"Enabled":[{"Name":"SchedulingGates","Weight":0},{"Name":"PrioritySort","Weight":0},\
      {"Name":"NodeUnschedulable","Weight":0},{"Name":"NodeName","Weight":0},{"Name":"TaintToleration","Weight":3},\
      {"Name":"NodeAffinity","Weight":2},{"Name":"NodePorts","Weight":0},{"Name":"NodeResourcesFit","Weight":1},\
      {"Name":"VolumeRestrictions","Weight":0},{"Name":"NodeVolumeLimits","Weight":0},\
      {"Name":"VolumeBinding","Weight":0},{"Name":"VolumeZone","Weight":0},{"Name":"PodTopologySpread","Weight":2},\
      {"Name":"InterPodAffinity","Weight":2},{"Name":"DefaultPreemption","Weight":0},\
      {"Name":"NodeResourcesBalancedAllocation","Weight":1},{"Name":"ImageLocality","Weight":1},\
      {"Name":"DefaultBinder","Weight":0}],"Disabled":null}""";

  @Test
  void theDefaultConfigurationAsKubeSchedulerServesIt() throws Exception {
    String want = """
        {"componentconfig":{"apiVersion":"kubescheduler.config.k8s.io/v1","Parallelism":16,\
        "LeaderElection":{"LeaderElect":true,"LeaseDuration":"15s","RenewDeadline":"10s","RetryPeriod":"2s",\
        "ResourceLock":"leases","ResourceName":"kube-scheduler","ResourceNamespace":"kube-system"},\
        "ClientConnection":{"Kubeconfig":"","AcceptContentTypes":"","ContentType":"application/vnd.kubernetes.protobuf",\
        "QPS":50,"Burst":100},"EnableProfiling":true,"EnableContentionProfiling":true,"PercentageOfNodesToScore":0,\
        "PodInitialBackoffSeconds":1,"PodMaxBackoffSeconds":10,\
        "Profiles":[{"SchedulerName":"default-scheduler","PercentageOfNodesToScore":null,"Plugins":""" + plugins(
        DEFAULT_MULTI_POINT) + ",\"PluginConfig\":[" + DEFAULT_PLUGIN_CONFIG + """
        ]}],"Extenders":null,"DelayCacheUntilActive":false}}""";
    assertEquals(want, SchedulerConfiguration.componentConfig(null, List.of(), true).toString());
  }

  @Test
  void aFilesProfilesAreMergedAndTheirArgsDefaulted() throws Exception {
    Path file = Files.writeString(dir.resolve("sched.yaml"), """
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        parallelism: 8
        percentageOfNodesToScore: 40
        leaderElection: {leaseDuration: 90s, retryPeriod: 1500ms}
        clientConnection: {kubeconfig: /etc/kubernetes/scheduler.conf, qps: 0}
        profiles:
        - schedulerName: packing
          percentageOfNodesToScore: 70
          plugins:
            multiPoint:
              enabled: [{name: NodeResourcesFit, weight: 5}, {name: ImageLocality, weight: 2}]
              disabled: [{name: ImageLocality}, {name: PodTopologySpread}]
            score:
              disabled: [{name: NodeResourcesBalancedAllocation}]
          pluginConfig:
          - name: NodeResourcesFit
            args:
              scoringStrategy:
                type: MostAllocated
                resources: [{name: cpu, weight: 0}, {name: example.com/dongle, weight: 3}]
          - name: DefaultPreemption
            args: {minCandidateNodesAbsolute: 50}
        - schedulerName: quiet
          plugins:
            multiPoint:
              disabled: [{name: '*'}]
              enabled: [{name: PrioritySort}, {name: NodeName}, {name: DefaultBinder}]
        """);
    JsonNode c = SchedulerConfiguration.componentConfig(file, List.of(), false).path("componentconfig");
    assertEquals(8, c.path("Parallelism").asInt());
    assertEquals(40, c.path("PercentageOfNodesToScore").asInt());
    assertEquals("{\"LeaderElect\":false,\"LeaseDuration\":\"1m30s\",\"RenewDeadline\":\"10s\",\"RetryPeriod\":\"1.5s\","
        + "\"ResourceLock\":\"leases\",\"ResourceName\":\"kube-scheduler\",\"ResourceNamespace\":\"kube-system\"}",
        c.path("LeaderElection").toString());
    assertEquals("{\"Kubeconfig\":\"/etc/kubernetes/scheduler.conf\",\"AcceptContentTypes\":\"\",\"ContentType\":"
        + "\"application/vnd.kubernetes.protobuf\",\"QPS\":50,\"Burst\":100}", c.path("ClientConnection").toString());

    JsonNode packing = c.path("Profiles").get(0);
    assertEquals("packing", packing.path("SchedulerName").asText());
    assertEquals(70, packing.path("PercentageOfNodesToScore").asInt());
    JsonNode multi = packing.path("Plugins").path("MultiPoint");
    // NodeResourcesFit re-weighted in place; ImageLocality disabled then enabled again goes last
    assertEquals("[{\"Name\":\"ImageLocality\",\"Weight\":0},{\"Name\":\"PodTopologySpread\",\"Weight\":0}]",
        multi.path("Disabled").toString());
    List<String> enabled = new java.util.ArrayList<>();
    multi.path("Enabled").forEach(e -> enabled.add(e.path("Name").asText() + "=" + e.path("Weight").asInt()));
    assertEquals(List.of("SchedulingGates=0", "PrioritySort=0", "NodeUnschedulable=0", "NodeName=0",
        "TaintToleration=3", "NodeAffinity=2", "NodePorts=0", "NodeResourcesFit=5", "VolumeRestrictions=0",
        "NodeVolumeLimits=0", "VolumeBinding=0", "VolumeZone=0", "InterPodAffinity=2", "DefaultPreemption=0",
        "NodeResourcesBalancedAllocation=1", "DefaultBinder=0", "ImageLocality=2"), enabled);
    assertEquals("{\"Enabled\":null,\"Disabled\":[{\"Name\":\"NodeResourcesBalancedAllocation\",\"Weight\":0}]}",
        packing.path("Plugins").path("Score").toString());
    // the profile's own args first, defaulted, then the other enabled plugins' defaults by name
    List<String> names = new java.util.ArrayList<>();
    packing.path("PluginConfig").forEach(e -> names.add(e.path("Name").asText()));
    assertEquals(List.of("NodeResourcesFit", "DefaultPreemption", "InterPodAffinity", "NodeAffinity",
        "NodeResourcesBalancedAllocation", "VolumeBinding"), names);
    assertEquals("{\"IgnoredResources\":null,\"IgnoredResourceGroups\":null,\"ScoringStrategy\":{\"Type\":"
        + "\"MostAllocated\",\"Resources\":[{\"Name\":\"cpu\",\"Weight\":1},{\"Name\":\"example.com/dongle\","
        + "\"Weight\":3}],\"RequestedToCapacityRatio\":null}}",
        packing.path("PluginConfig").get(0).path("Args").toString());
    assertEquals("{\"MinCandidateNodesPercentage\":10,\"MinCandidateNodesAbsolute\":50}",
        packing.path("PluginConfig").get(1).path("Args").toString());

    JsonNode quiet = c.path("Profiles").get(1);
    assertEquals("{\"Enabled\":[{\"Name\":\"PrioritySort\",\"Weight\":0},{\"Name\":\"NodeName\",\"Weight\":0},"
        + "{\"Name\":\"DefaultBinder\",\"Weight\":0}],\"Disabled\":[{\"Name\":\"*\",\"Weight\":0}]}",
        quiet.path("Plugins").path("MultiPoint").toString());
    assertEquals("[]", quiet.path("PluginConfig").toString());
  }

  @Test
  void aJarsProfileComesAfterTheFilesAndAnUnknownPluginsArgsStayAsGiven() throws Exception {
    Map<String, Object> jar = SchedulerConfiguration.parse("""
        apiVersion: kubescheduler.config.k8s.io/v1
        kind: KubeSchedulerConfiguration
        profiles:
        - schedulerName: packing-scheduler
          plugins:
            score:
              enabled: [{name: NodePacking, weight: 10}]
          pluginConfig:
          - name: NodePacking
            args: {targetUtilization: 80}
        """);
    JsonNode c = SchedulerConfiguration.componentConfig(null, List.of(new PluginJars.ProfileFile("x.jar!/p.yaml",
        jar)), true).path("componentconfig");
    assertEquals("default-scheduler", c.path("Profiles").get(0).path("SchedulerName").asText());
    JsonNode packing = c.path("Profiles").get(1);
    assertEquals("{\"Enabled\":[{\"Name\":\"NodePacking\",\"Weight\":10}],\"Disabled\":null}",
        packing.path("Plugins").path("Score").toString());
    assertEquals("{\"Name\":\"NodePacking\",\"Args\":{\"targetUtilization\":80}}",
        packing.path("PluginConfig").get(0).toString());
    assertEquals(8, packing.path("PluginConfig").size());
  }

  @Test
  void aFieldDekubeDoesNotReadIsShownAsGivenWhenItIsNoNumber() throws Exception {
    Path file = Files.writeString(dir.resolve("odd.yaml"), "apiVersion: kubescheduler.config.k8s.io/v1\n"
        + "kind: KubeSchedulerConfiguration\nparallelism: many\npodMaxBackoffSeconds: \"20\"\n");
    JsonNode c = SchedulerConfiguration.componentConfig(file, List.of(), true).path("componentconfig");
    assertEquals("\"many\"", c.path("Parallelism").toString());
    assertEquals("20", c.path("PodMaxBackoffSeconds").toString());
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({"15s, 15s", "90s, 1m30s", "1h, 1h0m0s", "1.5h, 1h30m0s", "1500ms, 1.5s", "500ms, 500ms", "0, 0s",
      "2m0.5s, 2m0.5s", "250us, 250µs", "-3s, -3s"})
  void durationsAsGoPrintsThem(String given, String want) {
    assertEquals(want, ComponentConfig.duration(given, null));
  }
}
