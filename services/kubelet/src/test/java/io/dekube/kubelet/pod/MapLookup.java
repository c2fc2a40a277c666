package io.dekube.kubelet.pod;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The ConfigMaps and Secrets a volume test puts in, by name (any namespace); no services. */
final class MapLookup implements EnvBuilder.Lookup {

  final Map<String, ObjectNode> configMaps = new HashMap<>();
  final Map<String, ObjectNode> secrets = new HashMap<>();

  @Override
  public ObjectNode configMap(String namespace, String name) {
    return configMaps.get(name);
  }

  @Override
  public ObjectNode secret(String namespace, String name) {
    return secrets.get(name);
  }

  @Override
  public List<ObjectNode> services(String namespace) {
    return List.of();
  }
}
