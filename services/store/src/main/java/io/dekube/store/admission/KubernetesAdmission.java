package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;
import java.util.Map;

/**
 * Defaulting and validation of the built-in kinds as Kubernetes does them (the defaults that
 * {@code kubectl describe} shows, required fields, selectors that match and never change, ...).
 * Metadata checks apply to every kind; kinds without rules of their own pass through. Pure and
 * thread-safe: called by the writer for every create, update and patch.
 */
public final class KubernetesAdmission implements WriteAdmission {

  private static final Map<String, KindAdmission> BY_TYPE = Map.ofEntries(
      Map.entry("/Pod", new PodAdmission()),
      Map.entry("/Service", new ServiceAdmission()),
      Map.entry("/Namespace", new NamespaceAdmission()),
      Map.entry("/ConfigMap", new ConfigDataAdmission(false)),
      Map.entry("/Secret", new ConfigDataAdmission(true)),
      Map.entry("/LimitRange", new LimitRangeAdmission()),
      Map.entry("/ResourceQuota", new ResourceQuotaValidation()),
      Map.entry("/PersistentVolume", new PersistentVolumeAdmission()),
      Map.entry("/PersistentVolumeClaim", new PersistentVolumeClaimAdmission()),
      Map.entry("coordination.k8s.io/Lease", new DisabledFieldsAdmission(DisabledFields::lease)),
      Map.entry("/Node", new DisabledFieldsAdmission(DisabledFields::node)),
      Map.entry("/ReplicationController", new ReplicationControllerAdmission()),
      Map.entry("storage.k8s.io/StorageClass", new StorageClassAdmission()),
      Map.entry("storage.k8s.io/CSIDriver", new CsiDriverAdmission()),
      Map.entry("storage.k8s.io/CSINode", new CsiNodeAdmission()),
      Map.entry("storage.k8s.io/CSIStorageCapacity", new CsiStorageCapacityAdmission()),
      Map.entry("storage.k8s.io/VolumeAttachment", new VolumeAttachmentAdmission()),
      Map.entry("/PodTemplate", new PodTemplateAdmission()),
      Map.entry("flowcontrol.apiserver.k8s.io/FlowSchema", new FlowSchemaAdmission()),
      Map.entry("flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
          new PriorityLevelConfigurationAdmission()),
      Map.entry("apps/Deployment", new WorkloadAdmission("Deployment")),
      Map.entry("apps/ReplicaSet", new WorkloadAdmission("ReplicaSet")),
      Map.entry("apps/DaemonSet", new WorkloadAdmission("DaemonSet")),
      Map.entry("apps/StatefulSet", new WorkloadAdmission("StatefulSet")),
      Map.entry("batch/Job", new JobAdmission()),
      Map.entry("batch/CronJob", new CronJobAdmission()),
      Map.entry("networking.k8s.io/Ingress", new IngressAdmission()),
      Map.entry("networking.k8s.io/NetworkPolicy", new NetworkPolicyAdmission()),
      Map.entry("scheduling.k8s.io/PriorityClass", new PriorityClassAdmission()),
      Map.entry("node.k8s.io/RuntimeClass", new RuntimeClassValidation()),
      Map.entry("policy/PodDisruptionBudget", new PodDisruptionBudgetAdmission()),
      Map.entry("autoscaling/HorizontalPodAutoscaler", new HorizontalPodAutoscalerAdmission()),
      Map.entry("apiextensions.k8s.io/CustomResourceDefinition", new CustomResourceDefinitionAdmission()),
      Map.entry("apiregistration.k8s.io/APIService", new ApiServiceAdmission()),
      Map.entry("admissionregistration.k8s.io/ValidatingWebhookConfiguration",
          new WebhookConfigurationAdmission(false)),
      Map.entry("admissionregistration.k8s.io/MutatingWebhookConfiguration", new WebhookConfigurationAdmission(true)),
      Map.entry("admissionregistration.k8s.io/ValidatingAdmissionPolicy", new AdmissionPolicyAdmission(false)),
      Map.entry("admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding", new AdmissionPolicyAdmission(true)));

  /**
   * The DefaultTolerationSeconds admission plugin's settings ({@code --default-not-ready-toleration-seconds},
   * {@code --default-unreachable-toleration-seconds}, 300 each): the tolerationSeconds of the
   * NoExecute tolerations added to every new pod. Process-wide; set before the writers start.
   */
  public static void defaultTolerationSeconds(long notReady, long unreachable) {
    PodAdmission.notReadySeconds = notReady;
    PodAdmission.unreachableSeconds = unreachable;
  }

  /**
   * The ServiceAccount admission's view of ServiceAccounts: a new pod must name one that exists, and its
   * {@code automountServiceAccountToken}, mountable secrets and pull secrets apply; without a view (null)
   * accounts are not looked up. Process-wide; set before the writers start.
   */
  public static void serviceAccounts(ServiceAccountView view) {
    ServiceAccountAdmission.accounts = view;
  }

  /**
   * The DefaultIngressClass admission's view of the IngressClasses (every stored one): a new Ingress
   * that names no class gets the default one. Process-wide; set before the writers start.
   */
  public static void ingressClasses(java.util.function.Supplier<java.util.List<? extends com.fasterxml.jackson.databind.JsonNode>> all) {
    IngressAdmission.classes = all;
  }

  /** The LimitRanger's view of the LimitRanges of a namespace. Process-wide; set before the writers start. */
  public static void limitRanges(java.util.function.Function<String, java.util.List<? extends com.fasterxml.jackson.databind.JsonNode>> ofNamespace) {
    limitRanger = new LimitRanger(ofNamespace);
  }

  private static volatile LimitRanger limitRanger = new LimitRanger(ns -> java.util.List.of());

  /**
   * The DefaultStorageClass admission's view of the StorageClasses (every stored one): a new
   * PersistentVolumeClaim that names no class gets the default one. Process-wide; set before the writers start.
   */
  public static void storageClasses(java.util.function.Supplier<java.util.List<? extends com.fasterxml.jackson.databind.JsonNode>> all) {
    PersistentVolumeClaimAdmission.classes = all;
  }

  @Override
  public ObjectNode admit(ResourceType type, Verb verb, ObjectNode newObject, ObjectNode oldObject) {
    if (newObject == null || verb == Verb.DELETE || verb == Verb.GET || verb == Verb.LIST) {
      return newObject;
    }
    KindAdmission kind = BY_TYPE.get(type.group() + "/" + type.kind());
    ObjectNode old = verb == Verb.CREATE ? null : oldObject;
    FieldErrors errs = new FieldErrors();
    if (verb == Verb.UPDATE_STATUS) {
      dropDisabledStatusFields(kind, newObject, oldObject);
      MetadataValidation.validate(newObject, errs);
      if (kind instanceof ServiceAdmission) {
        ServiceAdmission.validateStatus(newObject, oldObject, errs);
      }
    } else {
      mutate(kind, type, verb, newObject, old);
      boolean limited = LimitRanger.applies(type, verb == Verb.CREATE);
      if (old == null) {
        prepareForCreate(type, newObject);
      }
      MetadataValidation.validate(newObject, errs);
      if (kind != null) {
        kind.validate(newObject, old, errs);
      }
      errs.throwIfAny(type, newObject.path("metadata").path("name").asText(""));
      String violations = limited ? limitRanger.violations(type, newObject) : null;
      if (violations != null) {
        throw PriorityAdmission.forbidden(type, newObject, violations);
      }
      String resize = old != null && kind instanceof PersistentVolumeClaimAdmission
          ? PersistentVolumeClaimAdmission.resizeRefusal(newObject, old) : null;
      if (resize != null) {
        throw PriorityAdmission.forbidden(type, newObject, resize);
      }
    }
    errs.throwIfAny(type, newObject.path("metadata").path("name").asText(""));
    return newObject;
  }

  @Override
  public ObjectNode defaults(ResourceType type, Verb verb, ObjectNode newObject, ObjectNode oldObject) {
    if (newObject == null || (verb != Verb.CREATE && verb != Verb.UPDATE && verb != Verb.PATCH)) {
      return newObject;
    }
    KindAdmission kind = BY_TYPE.get(type.group() + "/" + type.kind());
    if (kind instanceof PodAdmission && ServiceAccountAdmission.accounts == null) {
      // a process without the accounts (a split apiserver) cannot know an account's automountServiceAccountToken:
      // the spec's own defaults and the account's name only, so no token volume is added that the writer would not
      ObjectNode spec = Nodes.obj(newObject, "spec");
      PodSpecDefaults.apply(spec, verb == Verb.CREATE || oldObject == null ? null : oldObject.path("spec"));
      if (verb == Verb.CREATE && !newObject.path("metadata").path("annotations").has(ServiceAccountAdmission.MIRROR_ANNOTATION)) {
        ServiceAccountAdmission.defaultName(spec);
      }
      return newObject;
    }
    mutate(kind, type, verb, newObject, verb == Verb.CREATE ? null : oldObject);
    return newObject;
  }

  /** A new pod's {@code status.qosClass}, from its spec as the mutating admission left it. */
  @Override
  public void prepareForCreate(ResourceType type, ObjectNode newObject) {
    if (BY_TYPE.get(type.group() + "/" + type.kind()) instanceof PodAdmission) {
      PodAdmission.classify(newObject);
    }
  }

  /**
   * What kube's status strategies drop of a status write (the fields of features off in 1.32, unless the stored
   * object uses them): a pod's ({@link DisabledPodFields#dropStatus}) and a claim's ({@link DisabledFields#claimStatus}).
   */
  private static void dropDisabledStatusFields(KindAdmission kind, ObjectNode obj, ObjectNode old) {
    if (!(obj.get("status") instanceof ObjectNode status)) {
      return;
    }
    if (kind instanceof PodAdmission) {
      DisabledPodFields.dropStatus(status, old == null ? null : old.path("spec"));
    } else if (kind instanceof PersistentVolumeClaimAdmission) {
      DisabledFields.claimStatus(status, old == null ? null : old.path("status"));
    }
  }

  /** The kind's defaults and the LimitRanger's, as the scheme and kube's mutating plugins fill them. */
  private static void mutate(KindAdmission kind, ResourceType type, Verb verb, ObjectNode obj, ObjectNode old) {
    if (kind != null) {
      kind.defaults(obj, old);
    }
    if (LimitRanger.applies(type, verb == Verb.CREATE)) {
      limitRanger.mutate(type, obj);
    }
  }
}
