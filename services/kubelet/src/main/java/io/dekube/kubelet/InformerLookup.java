package io.dekube.kubelet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.kubelet.pod.EnvBuilder;
import java.util.List;

/** ConfigMaps, Secrets, Services, claims and volumes for env and volumes, from the process's shared informers. */
record InformerLookup(Informer configMaps, Informer secrets, Informer services, Informer claims, Informer volumes)
    implements EnvBuilder.Lookup {

  @Override
  public ObjectNode persistentVolumeClaim(String namespace, String name) {
    return claims.get(namespace, name);
  }

  @Override
  public ObjectNode persistentVolume(String name) {
    return volumes.get("", name);
  }

  @Override
  public ObjectNode configMap(String namespace, String name) {
    return configMaps.get(namespace, name);
  }

  @Override
  public ObjectNode secret(String namespace, String name) {
    return secrets.get(namespace, name);
  }

  @Override
  public List<ObjectNode> services(String namespace) {
    return services.list(namespace);
  }
}
