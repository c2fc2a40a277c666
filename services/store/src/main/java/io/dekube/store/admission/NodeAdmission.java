package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * v1 Nodes, as kube 1.32's node strategy drops the fields of the removed DynamicKubeletConfig: a Node's
 * {@code spec.configSource} (on an update kept when the stored Node has one) and, on a create, its
 * {@code status.config} ({@link DisabledFields#node}). Not built: kube's ValidateNode (the Node's taints, podCIDRs,
 * addresses, capacity are stored as written). Pure.
 */
final class NodeAdmission implements KindAdmission {

  @Override
  public void defaults(ObjectNode node, ObjectNode old) {
    DisabledFields.node(node, old);
  }

  @Override
  public void validate(ObjectNode node, ObjectNode old, FieldErrors errs) {
  }
}
