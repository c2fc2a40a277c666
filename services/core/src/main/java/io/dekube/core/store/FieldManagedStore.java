package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;

/**
 * The store of one of kube's own components, whose writes carry that component's field manager:
 * kube-apiserver names the manager of a write without {@code fieldManager} after the first part of
 * the client's User-Agent, so the objects kube's controllers, scheduler and kubelets write list
 * {@code kube-controller-manager}, {@code kube-scheduler} and {@code kubelet} in their
 * {@code metadata.managedFields} (a status write with {@code subresource: status}), and a server-side
 * apply of a field one of them owns conflicts with it. A write that names its own manager keeps it;
 * reads and deletes pass through (kube's field manager does not run on a delete). A component's writes also carry
 * its user's name ({@link WriteOptions#user()}, for the writer's admission plugins that exempt users). Thread-safe.
 */
public final class FieldManagedStore implements StoreApi {

  private final StoreApi store;
  private final String manager;
  private final String user;

  private FieldManagedStore(StoreApi store, String manager, String user) {
    this.store = store;
    this.manager = manager;
    this.user = user;
  }

  /**
   * The manager of kube-apiserver's own writes (its bootstrap: the system namespaces, priority classes,
   * the RBAC policy, the {@code kubernetes} Service and its endpoints, the local APIServices and their
   * status, CRD status): its loopback client's User-Agent starts with {@code kube-apiserver}.
   */
  public static final String KUBE_APISERVER = "kube-apiserver";

  /** {@code store} writing as {@code manager} (a write that names its own manager keeps it). */
  public static StoreApi withManager(StoreApi store, String manager) {
    return new FieldManagedStore(store, manager, null);
  }

  /** {@code store} writing as {@code user}, with its component's manager when it is one of kube's components. */
  public static StoreApi forUser(StoreApi store, UserInfo user) {
    return new FieldManagedStore(store, managerOf(user.name()), user.name());
  }

  /**
   * {@code store} writing as {@code user} with {@code manager}: the program the user stands for is not one of kube's
   * components (ingress-nginx, a cloud-controller-manager), so its manager is named, not derived from the user.
   */
  public static StoreApi forUser(StoreApi store, UserInfo user, String manager) {
    return new FieldManagedStore(store, manager, user.name());
  }

  /**
   * The manager kube's component of that user writes with (the name its User-Agent starts with), or
   * null for a user that is not one of them. The controllers each have their service account of
   * {@code kube-system} (kube-controller-manager with {@code --use-service-account-credentials}, as
   * kubeadm runs it) and one User-Agent (only they write on the bus as service accounts of
   * {@code kube-system}); the local-path provisioner is rancher's own program.
   */
  static String managerOf(String user) {
    if (user.startsWith("system:node:")) {
      return "kubelet";
    }
    return switch (user) {
      case "system:kube-scheduler" -> "kube-scheduler";
      case "system:kube-controller-manager" -> "kube-controller-manager";
      case "system:kube-proxy" -> "kube-proxy";
      case "system:serviceaccount:kube-system:local-path-provisioner-service-account" -> "local-path-provisioner";
      default -> user.startsWith("system:serviceaccount:kube-system:") ? "kube-controller-manager" : null;
    };
  }

  private WriteOptions managed(WriteOptions o) {
    WriteOptions m = o.fieldManager() == null && manager != null ? o.withFieldManager(manager) : o;
    return m.user() == null && user != null ? m.withUser(user) : m;
  }

  @Override
  public Future<ObjectNode> get(ResourceType t, String namespace, String name) {
    return store.get(t, namespace, name);
  }

  @Override
  public Future<ObjectNode> list(ResourceType t, String namespace) {
    return store.list(t, namespace);
  }

  @Override
  public Future<ObjectNode> create(ResourceType t, String namespace, ObjectNode obj, WriteOptions o) {
    return store.create(t, namespace, obj, managed(o));
  }

  @Override
  public Future<ObjectNode> update(ResourceType t, ObjectNode obj, WriteOptions o) {
    return store.update(t, obj, managed(o));
  }

  @Override
  public Future<ObjectNode> updateStatus(ResourceType t, ObjectNode obj, WriteOptions o) {
    return store.updateStatus(t, obj, managed(o));
  }

  @Override
  public Future<ObjectNode> patch(ResourceType t, String namespace, String name, String patchType, JsonNode patch,
                                  WriteOptions o) {
    return store.patch(t, namespace, name, patchType, patch, managed(o));
  }

  @Override
  public Future<ObjectNode> delete(ResourceType t, String namespace, String name, WriteOptions o) {
    return store.delete(t, namespace, name, o.user() == null && user != null ? o.withUser(user) : o);
  }
}
