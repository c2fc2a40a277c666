package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.ADMISSION;
import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The fields of features kube 1.32 keeps off by default, dropped as kube's strategies drop them: on a create, from
 * pods and from every kind's pod template; on an update unless the stored object already used the feature, then kept.
 */
class DisabledFieldsTest {

  /** A feature off in 1.32: how a pod spec uses it, where that shows, and what is left there once dropped. */
  record Feature(String gate, Consumer<ObjectNode> use, Function<JsonNode, JsonNode> find, String dropped) {

    Feature(String gate, Consumer<ObjectNode> use, String pointer, String dropped) {
      this(gate, use, spec -> spec.at(pointer), dropped);
    }

    @Override
    public String toString() {
      return gate;
    }
  }

  static final List<Feature> POD_FEATURES = List.of(
      new Feature("InPlacePodVerticalScaling", spec -> container(spec).set("resizePolicy",
          node("- {resourceName: cpu, restartPolicy: NotRequired}")), "/containers/0/resizePolicy", null),
      new Feature("UserNamespacesSupport", spec -> spec.put("hostUsers", false), "/hostUsers", null),
      new Feature("SupplementalGroupsPolicy", spec -> spec.with("securityContext").put("supplementalGroupsPolicy",
          "Strict"), "/securityContext/supplementalGroupsPolicy", null),
      new Feature("SELinuxChangePolicy", spec -> spec.with("securityContext").put("seLinuxChangePolicy",
          "MountOption"), "/securityContext/seLinuxChangePolicy", null),
      new Feature("PodLevelResources", spec -> spec.set("resources", yaml("{requests: {cpu: '1'}, limits: {cpu: '1'}}")),
          "/resources", null),
      new Feature("ProcMountType", spec -> container(spec).with("securityContext").put("procMount", "Unmasked"),
          "/containers/0/securityContext/procMount", "\"Default\""),
      new Feature("DynamicResourceAllocation", spec -> spec.set("resourceClaims",
          node("- {name: gpu, resourceClaimName: gpu-claim}")), "/resourceClaims", null),
      new Feature("DynamicResourceAllocation (a container's claims)", spec -> {
        spec.set("resourceClaims", node("- {name: gpu, resourceClaimName: gpu-claim}"));
        container(spec).with("resources").set("claims", node("- {name: gpu}"));
      }, "/containers/0/resources/claims", null),
      new Feature("ClusterTrustBundleProjection", spec -> spec.withArray("volumes").add(yaml(
          "{name: ctb, projected: {defaultMode: 420, sources: [{clusterTrustBundle: {name: example, path: ca.pem}}]}}")),
          "/volumes/0/projected/sources/0/clusterTrustBundle", null),
      new Feature("ImageVolume", spec -> {
        spec.withArray("volumes").add(yaml("{name: artifact, image: {reference: 'quay.io/crio/artifact:v1',"
            + " pullPolicy: IfNotPresent}}"));
        container(spec).withArray("volumeMounts").add(yaml("{name: artifact, mountPath: /volume}"));
      }, spec -> named(spec.path("volumes"), "artifact"), null),
      new Feature("ImageVolume (its mounts)", spec -> {
        spec.withArray("volumes").add(yaml("{name: artifact, image: {reference: 'quay.io/crio/artifact:v1'}}"));
        container(spec).withArray("volumeMounts").add(yaml("{name: artifact, mountPath: /volume}"));
      }, spec -> named(spec.at("/containers/0/volumeMounts"), "artifact"), null));

  /** The kinds with a pod spec: resource, a valid object, and where its pod spec is. */
  record Holder(String resource, String yaml, String specPointer) {
    @Override
    public String toString() {
      return resource;
    }
  }

  static final String CONTAINERS = "containers: [{name: c, image: 'busybox:1.36', command: [sleep, '3600']}]";
  static final String LABELED = "metadata: {labels: {app: a}}\n";

  static final List<Holder> HOLDERS = List.of(
      new Holder("pods", "kind: Pod\nmetadata: {name: p, namespace: d}\nspec: {" + CONTAINERS + "}", "/spec"),
      new Holder("deployments.apps", "kind: Deployment\nmetadata: {name: w, namespace: d}\nspec:\n"
          + "  selector: {matchLabels: {app: a}}\n  template:\n    " + LABELED + "    spec: {" + CONTAINERS + "}",
          "/spec/template/spec"),
      new Holder("replicasets.apps", "kind: ReplicaSet\nmetadata: {name: w, namespace: d}\nspec:\n"
          + "  selector: {matchLabels: {app: a}}\n  template:\n    " + LABELED + "    spec: {" + CONTAINERS + "}",
          "/spec/template/spec"),
      new Holder("daemonsets.apps", "kind: DaemonSet\nmetadata: {name: w, namespace: d}\nspec:\n"
          + "  selector: {matchLabels: {app: a}}\n  template:\n    " + LABELED + "    spec: {" + CONTAINERS + "}",
          "/spec/template/spec"),
      new Holder("statefulsets.apps", "kind: StatefulSet\nmetadata: {name: w, namespace: d}\nspec:\n"
          + "  serviceName: w\n  selector: {matchLabels: {app: a}}\n  template:\n    " + LABELED
          + "    spec: {" + CONTAINERS + "}", "/spec/template/spec"),
      new Holder("jobs.batch", "kind: Job\nmetadata: {name: w, namespace: d, uid: u1}\nspec:\n  suspend: true\n  template:\n"
          + "    spec: {restartPolicy: Never, " + CONTAINERS + "}", "/spec/template/spec"),
      new Holder("cronjobs.batch", "kind: CronJob\nmetadata: {name: w, namespace: d}\nspec:\n  schedule: '*/1 * * * *'\n"
          + "  jobTemplate:\n    spec:\n      template:\n        spec: {restartPolicy: OnFailure, " + CONTAINERS + "}",
          "/spec/jobTemplate/spec/template/spec"),
      new Holder("replicationcontrollers", "kind: ReplicationController\nmetadata: {name: w, namespace: d}\nspec:\n"
          + "  template:\n    " + LABELED + "    spec: {" + CONTAINERS + "}", "/spec/template/spec"),
      new Holder("podtemplates", "kind: PodTemplate\nmetadata: {name: w, namespace: d}\ntemplate:\n  " + LABELED
          + "  spec: {" + CONTAINERS + "}", "/template/spec"));

  static Stream<Arguments> cases() {
    List<Arguments> all = new ArrayList<>();
    for (Holder h : HOLDERS) {
      for (Feature f : POD_FEATURES) {
        all.add(Arguments.of(h, f));
      }
    }
    return all.stream();
  }

  static JsonNode node(String yaml) {
    try {
      return io.dekube.core.model.Json.YAML.readTree(yaml);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static ObjectNode container(ObjectNode spec) {
    return (ObjectNode) spec.withArray("containers").get(0);
  }

  static ObjectNode spec(ObjectNode obj, Holder h) {
    return (ObjectNode) obj.at(JsonPointer.compile(h.specPointer()));
  }

  static JsonNode at(ObjectNode obj, Holder h, Feature f) {
    return f.find().apply(spec(obj, h));
  }

  /** The feature's field is gone from {@code obj}'s pod spec, or left as kube leaves it. */
  static void assertDropped(ObjectNode obj, Holder h, Feature f) {
    JsonNode left = at(obj, h, f);
    if (f.dropped() == null) {
      assertTrue(left.isMissingNode(), obj.toPrettyString());
    } else {
      assertEquals(f.dropped(), left.toString());
    }
  }

  /** The element of a list named {@code name}, else missing. */
  static JsonNode named(JsonNode list, String name) {
    for (JsonNode e : list) {
      if (name.equals(e.path("name").asText())) {
        return e;
      }
    }
    return MissingNode.getInstance();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void aNewObjectHasTheFieldDropped(Holder h, Feature f) {
    ObjectNode obj = yaml(h.yaml());
    f.use().accept(spec(obj, h));
    ObjectNode created = ADMISSION.admit(type(h.resource()), Verb.CREATE, obj, null);
    assertDropped(created, h, f);
    assertEquals("c", spec(created, h).at("/containers/0/name").asText(), "the rest of the spec stays");
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void anUpdateKeepsTheFieldTheStoredObjectUses(Holder h, Feature f) {
    ObjectNode stored = ADMISSION.admit(type(h.resource()), Verb.CREATE, yaml(h.yaml()), null);
    f.use().accept(spec(stored, h)); // as a cluster with the gate on stored it
    JsonNode used = at(stored, h, f).deepCopy();
    ObjectNode updated = ADMISSION.admit(type(h.resource()), Verb.UPDATE, stored.deepCopy(), stored);
    assertEquals(used, at(updated, h, f), updated.toPrettyString());
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("cases")
  void anUpdateDropsTheFieldTheStoredObjectDoesNotUse(Holder h, Feature f) {
    assumeFalse(h.resource().equals("pods"), "a pod's spec does not change: aPodUpdateDropsWhatTheStoredPodDoesNotUse");
    ObjectNode stored = ADMISSION.admit(type(h.resource()), Verb.CREATE, yaml(h.yaml()), null);
    ObjectNode changed = stored.deepCopy();
    f.use().accept(spec(changed, h));
    ObjectNode updated = ADMISSION.admit(type(h.resource()), Verb.UPDATE, changed, stored);
    assertDropped(updated, h, f);
  }

  /**
   * A pod update that adds a disabled feature's field finds it dropped, so the spec is the stored one; one whose drop
   * leaves a trace (a procMount made Default, a projected volume without its source) changes the spec, which a pod
   * update may not, as on kube.
   */
  @Test
  void aPodUpdateDropsWhatTheStoredPodDoesNotUse() {
    Holder pods = HOLDERS.get(0);
    ObjectNode stored = ADMISSION.admit(type("pods"), Verb.CREATE, yaml(pods.yaml()), null);
    ObjectNode changed = stored.deepCopy();
    for (Feature f : POD_FEATURES) {
      if (f.dropped() == null && !f.gate().startsWith("ClusterTrustBundle")) {
        f.use().accept(spec(changed, pods));
      }
    }
    ObjectNode updated = ADMISSION.admit(type("pods"), Verb.UPDATE, changed, stored);
    assertEquals(stored.get("spec"), updated.get("spec"));
    ObjectNode procMount = stored.deepCopy();
    container(spec(procMount, pods)).with("securityContext").put("procMount", "Unmasked");
    StatusException e = assertThrows(StatusException.class,
        () -> ADMISSION.admit(type("pods"), Verb.UPDATE, procMount, stored));
    assertTrue(e.getMessage().contains("spec: Forbidden: pod updates may not change fields"), e.getMessage());
  }

  /** Fields of gates on in 1.32 stay: a sidecar's restartPolicy, recursiveReadOnly, sleep, matchLabelKeys. */
  @Test
  void fieldsOfFeaturesOnIn132Stay() {
    ObjectNode pod = ADMISSION.admit(type("pods"), Verb.CREATE, yaml("""
        kind: Pod
        metadata: {name: p, namespace: d, labels: {app: a}}
        spec:
          initContainers:
          - {name: sidecar, image: busybox, restartPolicy: Always}
          containers:
          - name: c
            image: busybox
            lifecycle: {preStop: {sleep: {seconds: 5}}}
            volumeMounts: [{name: v, mountPath: /v, readOnly: true, recursiveReadOnly: Enabled}]
          volumes: [{name: v, emptyDir: {}}]
          topologySpreadConstraints:
          - {maxSkew: 1, topologyKey: zone, whenUnsatisfiable: DoNotSchedule, labelSelector: {matchLabels: {app: a}},
             matchLabelKeys: [pod-template-hash], nodeTaintsPolicy: Honor, nodeAffinityPolicy: Ignore}
        """), null);
    assertEquals("Always", pod.at("/spec/initContainers/0/restartPolicy").asText());
    assertEquals("Enabled", pod.at("/spec/containers/0/volumeMounts/0/recursiveReadOnly").asText());
    assertEquals(5, pod.at("/spec/containers/0/lifecycle/preStop/sleep/seconds").asInt());
    assertEquals("pod-template-hash", pod.at("/spec/topologySpreadConstraints/0/matchLabelKeys/0").asText());
    assertEquals("Honor", pod.at("/spec/topologySpreadConstraints/0/nodeTaintsPolicy").asText());
  }

  /** RelaxedEnvironmentVariableValidation is beta and on in 1.32: any printable ASCII but '=' names a variable. */
  @Test
  void environmentVariableNamesAreCheckedAsRelaxedOn132() {
    String pod = "kind: Pod\nmetadata: {name: p, namespace: d}\nspec: {containers: [{name: c, image: busybox, "
        + "env: [{name: NAME, value: x}]}]}";
    ObjectNode relaxed = ADMISSION.admit(type("pods"), Verb.CREATE, yaml(pod.replace("name: NAME", "name: '1st var.x'")),
        null);
    assertEquals("1st var.x", relaxed.at("/spec/containers/0/env/0/name").asText());
    StatusException e = assertThrows(StatusException.class,
        () -> ADMISSION.admit(type("pods"), Verb.CREATE, yaml(pod.replace("name: NAME", "name: 'A=B'")), null));
    assertEquals("Pod \"p\" is invalid: spec.containers[0].env[0].name: Invalid value: \"A=B\": a valid environment "
        + "variable name must consist only of printable ASCII characters other than '='", e.getMessage());
  }

  /** A status write drops the containers' resize, health and user fields and the claim statuses, as kube 1.32. */
  @Test
  void aPodStatusWriteDropsTheDisabledFields() {
    ObjectNode pod = ADMISSION.admit(type("pods"), Verb.CREATE,
        yaml("kind: Pod\nmetadata: {name: p, namespace: d}\nspec: {" + CONTAINERS + "}"), null);
    ObjectNode written = pod.deepCopy();
    written.set("status", yaml("""
        phase: Running
        containerStatuses:
        - name: c
          ready: true
          resources: {requests: {cpu: 100m}}
          allocatedResources: {cpu: 100m}
          allocatedResourcesStatus: [{name: claim:gpu, resources: []}]
          user: {linux: {uid: 0, gid: 0}}
          volumeMounts: [{name: v, mountPath: /v}]
        resourceClaimStatuses: [{name: gpu, resourceClaimName: gpu-claim}]
        """));
    ObjectNode out = ADMISSION.admit(type("pods"), Verb.UPDATE_STATUS, written, pod);
    JsonNode c = out.at("/status/containerStatuses/0");
    for (String f : List.of("resources", "allocatedResources", "allocatedResourcesStatus", "user")) {
      assertTrue(c.path(f).isMissingNode(), f + " in " + c);
    }
    assertTrue(out.at("/status/resourceClaimStatuses").isMissingNode(), out.toPrettyString());
    assertEquals("/v", c.at("/volumeMounts/0/mountPath").asText(), "RecursiveReadOnlyMounts is on");
    assertTrue(c.path("ready").asBoolean());
  }

  /** A pod stored with a resizePolicy, a supplementalGroupsPolicy and claims keeps those status fields. */
  @Test
  void aPodStatusWriteKeepsTheFieldsTheStoredSpecUses() {
    ObjectNode pod = ADMISSION.admit(type("pods"), Verb.CREATE,
        yaml("kind: Pod\nmetadata: {name: p, namespace: d}\nspec: {" + CONTAINERS + "}"), null);
    for (Feature f : POD_FEATURES) {
      if (List.of("InPlacePodVerticalScaling", "SupplementalGroupsPolicy", "DynamicResourceAllocation")
          .contains(f.gate())) {
        f.use().accept((ObjectNode) pod.get("spec"));
      }
    }
    ObjectNode written = pod.deepCopy();
    written.set("status", yaml("""
        containerStatuses:
        - {name: c, resources: {requests: {cpu: 100m}}, allocatedResources: {cpu: 100m}, user: {linux: {uid: 0, gid: 0}}}
        resourceClaimStatuses: [{name: gpu, resourceClaimName: gpu-claim}]
        """));
    ObjectNode out = ADMISSION.admit(type("pods"), Verb.UPDATE_STATUS, written, pod);
    JsonNode c = out.at("/status/containerStatuses/0");
    assertEquals("100m", c.at("/resources/requests/cpu").asText(), out.toPrettyString());
    assertEquals("100m", c.at("/allocatedResources/cpu").asText());
    assertEquals(0, c.at("/user/linux/uid").asInt(-1));
    assertEquals("gpu-claim", out.at("/status/resourceClaimStatuses/0/resourceClaimName").asText());
  }

  static final String CLAIM = """
      kind: PersistentVolumeClaim
      metadata: {name: c, namespace: d}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, storageClassName: standard}
      """;

  @Test
  void aClaimDropsItsVolumeAttributesClassUnlessItHadOne() {
    ObjectNode claim = yaml(CLAIM);
    claim.with("spec").put("volumeAttributesClassName", "gold");
    ObjectNode created = ADMISSION.admit(type("persistentvolumeclaims"), Verb.CREATE, claim, null);
    assertTrue(created.at("/spec/volumeAttributesClassName").isMissingNode(), created.toPrettyString());

    ObjectNode changed = created.deepCopy();
    changed.with("spec").put("volumeAttributesClassName", "gold");
    ObjectNode updated = ADMISSION.admit(type("persistentvolumeclaims"), Verb.UPDATE, changed, created);
    assertTrue(updated.at("/spec/volumeAttributesClassName").isMissingNode(), updated.toPrettyString());

    ObjectNode stored = created.deepCopy();
    stored.with("spec").put("volumeAttributesClassName", "silver");
    assertEquals("silver", ADMISSION.admit(type("persistentvolumeclaims"), Verb.UPDATE, stored.deepCopy(), stored)
        .at("/spec/volumeAttributesClassName").asText());
    ObjectNode next = stored.deepCopy();
    next.with("spec").put("volumeAttributesClassName", "gold");
    StatusException e = assertThrows(StatusException.class,
        () -> ADMISSION.admit(type("persistentvolumeclaims"), Verb.UPDATE, next, stored));
    assertEquals("PersistentVolumeClaim \"c\" is invalid: spec.volumeAttributesClassName: Forbidden: update is "
        + "forbidden when the VolumeAttributesClass feature gate is disabled", e.getMessage());
  }

  @Test
  void aClaimStatusWriteDropsTheVolumeAttributesClassFieldsUnlessItHadThem() {
    ObjectNode stored = ADMISSION.admit(type("persistentvolumeclaims"), Verb.CREATE, yaml(CLAIM), null);
    ObjectNode written = stored.deepCopy();
    written.with("status").put("phase", "Bound").put("currentVolumeAttributesClassName", "gold")
        .set("modifyVolumeStatus", yaml("{targetVolumeAttributesClassName: gold, status: InProgress}"));
    ObjectNode had = written.deepCopy();
    ObjectNode out = ADMISSION.admit(type("persistentvolumeclaims"), Verb.UPDATE_STATUS, written, stored);
    assertTrue(out.at("/status/currentVolumeAttributesClassName").isMissingNode(), out.toPrettyString());
    assertTrue(out.at("/status/modifyVolumeStatus").isMissingNode(), out.toPrettyString());
    assertEquals("Bound", out.at("/status/phase").asText());

    ObjectNode again = ADMISSION.admit(type("persistentvolumeclaims"), Verb.UPDATE_STATUS, had.deepCopy(), had);
    assertEquals("gold", again.at("/status/currentVolumeAttributesClassName").asText());
    assertEquals("InProgress", again.at("/status/modifyVolumeStatus/status").asText());
  }

  @Test
  void aClaimDropsADataSourceRefInAnotherNamespace() {
    ObjectNode claim = yaml(CLAIM);
    claim.with("spec").set("dataSourceRef",
        yaml("{apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap, namespace: other}"));
    ObjectNode created = ADMISSION.admit(type("persistentvolumeclaims"), Verb.CREATE, claim, null);
    assertTrue(created.at("/spec/dataSourceRef").isMissingNode(), created.toPrettyString());

    ObjectNode local = yaml(CLAIM);
    local.with("spec").set("dataSourceRef", yaml("{apiGroup: snapshot.storage.k8s.io, kind: VolumeSnapshot, name: snap}"));
    assertEquals("snap", ADMISSION.admit(type("persistentvolumeclaims"), Verb.CREATE, local, null)
        .at("/spec/dataSourceRef/name").asText(), "AnyVolumeDataSource is on");
  }

  /** KEP 1495 as kube's claim strategy applies it: each data source filled from the other, garbage dropped. */
  @Test
  void aClaimsDataSourcesAreNormalized() {
    ObjectNode fromSource = yaml(CLAIM);
    fromSource.with("spec").set("dataSource", yaml("{kind: PersistentVolumeClaim, name: src}"));
    ObjectNode created = ADMISSION.admit(type("persistentvolumeclaims"), Verb.CREATE, fromSource, null);
    assertEquals(yaml("{kind: PersistentVolumeClaim, name: src}"), created.at("/spec/dataSourceRef"));

    ObjectNode fromRef = yaml(CLAIM);
    fromRef.with("spec").set("dataSourceRef", yaml("{apiGroup: example.com, kind: Populator, name: p}"));
    assertEquals(yaml("{apiGroup: example.com, kind: Populator, name: p}"),
        ADMISSION.admit(type("persistentvolumeclaims"), Verb.CREATE, fromRef, null).at("/spec/dataSource"));

    ObjectNode garbage = yaml(CLAIM);
    garbage.with("spec").set("dataSource", yaml("{apiGroup: example.com, kind: Populator, name: p}"));
    ObjectNode dropped = ADMISSION.admit(type("persistentvolumeclaims"), Verb.CREATE, garbage, null);
    assertTrue(dropped.at("/spec/dataSource").isMissingNode(), dropped.toPrettyString());
    assertTrue(dropped.at("/spec/dataSourceRef").isMissingNode(), dropped.toPrettyString());

    ObjectNode storedBefore = created.deepCopy(); // stored by a build that did not fill dataSourceRef
    storedBefore.with("spec").remove("dataSourceRef");
    ObjectNode sent = storedBefore.deepCopy();
    assertEquals("src", ADMISSION.admit(type("persistentvolumeclaims"), Verb.UPDATE, sent, storedBefore)
        .at("/spec/dataSourceRef/name").asText());
  }

  @Test
  void aVolumeDropsItsVolumeAttributesClassUnlessItHadOne() {
    String pv = "kind: PersistentVolume\nmetadata: {name: v}\nspec: {accessModes: [ReadWriteOnce], "
        + "capacity: {storage: 1Gi}, hostPath: {path: /tmp/v}, volumeAttributesClassName: gold}";
    ObjectNode created = ADMISSION.admit(type("persistentvolumes"), Verb.CREATE, yaml(pv), null);
    assertTrue(created.at("/spec/volumeAttributesClassName").isMissingNode(), created.toPrettyString());
    ObjectNode stored = created.deepCopy();
    stored.with("spec").put("volumeAttributesClassName", "gold");
    assertEquals("gold", ADMISSION.admit(type("persistentvolumes"), Verb.UPDATE, stored.deepCopy(), stored)
        .at("/spec/volumeAttributesClassName").asText());
  }

  @Test
  void aStatefulSetDropsMaxUnavailableUnlessItHadIt() {
    ObjectNode sts = yaml(HOLDERS.get(4).yaml());
    sts.with("spec").set("updateStrategy", yaml("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}"));
    ObjectNode created = ADMISSION.admit(type("statefulsets.apps"), Verb.CREATE, sts, null);
    assertTrue(created.at("/spec/updateStrategy/rollingUpdate/maxUnavailable").isMissingNode(), created.toPrettyString());
    assertEquals(0, created.at("/spec/updateStrategy/rollingUpdate/partition").asInt(-1));
    ObjectNode stored = created.deepCopy();
    ((ObjectNode) stored.at("/spec/updateStrategy/rollingUpdate")).put("maxUnavailable", 2);
    ObjectNode updated = ADMISSION.admit(type("statefulsets.apps"), Verb.UPDATE, stored.deepCopy(), stored);
    assertEquals(2, updated.at("/spec/updateStrategy/rollingUpdate/maxUnavailable").asInt());
  }

  /** AllowServiceLBStatusOnNonLB is off and locked in 1.32: only a LoadBalancer Service has ingress in its status. */
  @Test
  void onlyALoadBalancerServiceHasLoadBalancerIngress() {
    String svc = "kind: Service\nmetadata: {name: s, namespace: d}\nspec: {type: TYPE, ports: [{port: 80}]}";
    String ingress = "{loadBalancer: {ingress: [{ip: 127.200.0.1, ipMode: VIP}]}}";
    ObjectNode clusterIp = ADMISSION.admit(type("services"), Verb.CREATE, yaml(svc.replace("TYPE", "ClusterIP")), null);
    ObjectNode written = clusterIp.deepCopy();
    written.set("status", yaml(ingress));
    StatusException e = assertThrows(StatusException.class,
        () -> ADMISSION.admit(type("services"), Verb.UPDATE_STATUS, written, clusterIp));
    assertEquals("Service \"s\" is invalid: status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` "
        + "is 'LoadBalancer'", e.getMessage());
    ObjectNode cleared = clusterIp.deepCopy();
    cleared.set("status", yaml("{loadBalancer: {}}"));
    ADMISSION.admit(type("services"), Verb.UPDATE_STATUS, cleared, clusterIp);

    ObjectNode lb = ADMISSION.admit(type("services"), Verb.CREATE, yaml(svc.replace("TYPE", "LoadBalancer")), null);
    ObjectNode lbWritten = lb.deepCopy();
    lbWritten.set("status", yaml(ingress));
    assertEquals("127.200.0.1", ADMISSION.admit(type("services"), Verb.UPDATE_STATUS, lbWritten, lb)
        .at("/status/loadBalancer/ingress/0/ip").asText());
  }

  @Test
  void aNodeDropsTheDynamicKubeletConfigFields() {
    String node = "kind: Node\nmetadata: {name: n1}\nspec: {podCIDR: 10.0.1.0/24, configSource: {configMap: "
        + "{name: cfg, namespace: kube-system, kubeletConfigKey: kubelet}}}\nstatus: {config: {error: x}, "
        + "capacity: {cpu: '4'}}";
    ObjectNode created = ADMISSION.admit(type("nodes"), Verb.CREATE, yaml(node), null);
    assertTrue(created.at("/spec/configSource").isMissingNode(), created.toPrettyString());
    assertTrue(created.at("/status/config").isMissingNode(), created.toPrettyString());
    assertEquals("10.0.1.0/24", created.at("/spec/podCIDR").asText());
    assertEquals("4", created.at("/status/capacity/cpu").asText());

    ObjectNode changed = created.deepCopy();
    changed.with("spec").set("configSource", yaml("{configMap: {name: cfg, namespace: kube-system}}"));
    assertTrue(ADMISSION.admit(type("nodes"), Verb.UPDATE, changed, created).at("/spec/configSource").isMissingNode());
    ObjectNode stored = yaml(node);
    assertEquals("cfg", ADMISSION.admit(type("nodes"), Verb.UPDATE, stored.deepCopy(), stored)
        .at("/spec/configSource/configMap/name").asText());
  }

  @Test
  void aLeaseDropsItsCoordinatedLeaderElectionFieldsUnlessItHadThem() {
    String lease = "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: l, namespace: kube-system}\n"
        + "spec: {holderIdentity: a, leaseDurationSeconds: 15, strategy: OldestEmulationVersion, preferredHolder: b}";
    ObjectNode created = ADMISSION.admit(type("leases.coordination.k8s.io"), Verb.CREATE, yaml(lease), null);
    assertTrue(created.at("/spec/strategy").isMissingNode(), created.toPrettyString());
    assertTrue(created.at("/spec/preferredHolder").isMissingNode(), created.toPrettyString());
    assertEquals("a", created.at("/spec/holderIdentity").asText());
    ObjectNode stored = yaml(lease);
    ObjectNode updated = ADMISSION.admit(type("leases.coordination.k8s.io"), Verb.UPDATE, stored.deepCopy(), stored);
    assertEquals("OldestEmulationVersion", updated.at("/spec/strategy").asText());
    assertEquals("b", updated.at("/spec/preferredHolder").asText());
  }
}
