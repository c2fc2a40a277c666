package io.dekube.dns;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code kube-system/coredns} ConfigMap, where a kubeadm cluster keeps CoreDNS' Corefile: created with kubeadm's
 * Corefile when missing (an existing one is left as it is, so an edit survives a restart), and followed — each new
 * Corefile parsed and handed to the DNS, with CoreDNS' reload line in the log; one CoreDNS would not load is
 * refused with its parse error and the running configuration stays, as CoreDNS' {@code reload} does. Runs on the
 * caller's context.
 */
final class CorefileConfigMap {

  private static final Logger LOG = LoggerFactory.getLogger(CorefileConfigMap.class);
  static final String NAMESPACE = "kube-system";
  static final String NAME = "coredns";

  private CorefileConfigMap() {
  }

  static ObjectNode object() {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    Json.metadata(cm).put("name", NAME).put("namespace", NAMESPACE);
    cm.putObject("data").put("Corefile", Corefile.KUBEADM);
    return cm;
  }

  /** Creates the ConfigMap when there is none. */
  static Future<Void> createIfMissing(StoreApi store, ResourceRegistry registry) {
    return store.create(registry.byResourceName("configmaps").orElseThrow(), NAMESPACE, object(), WriteOptions.none())
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException s && s.code() == 409
            ? Future.succeededFuture() : Future.failedFuture(e));
  }

  /** Hands every new, good Corefile of the ConfigMap to {@code use}. */
  static HandlerRegistration follow(Informer configMaps, Consumer<Corefile> use) {
    String[] running = {Corefile.KUBEADM};
    return configMaps.addHandler(new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        changed(object);
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        changed(newObject);
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
      }

      private void changed(ObjectNode cm) {
        if (!NAMESPACE.equals(cm.path("metadata").path("namespace").asText())
            || !NAME.equals(cm.path("metadata").path("name").asText())) {
          return;
        }
        String text = cm.path("data").path("Corefile").asText("");
        if (text.equals(running[0])) {
          return;
        }
        try {
          Corefile parsed = Corefile.parse(text);
          running[0] = text;
          use.accept(parsed);
          LOG.info("{}/{}: [INFO] plugin/reload: Running configuration SHA512 = {}", NAMESPACE, NAME, sha512(text));
        } catch (IllegalArgumentException e) {
          LOG.error("{}/{}: [ERROR] Restart failed: {}; the running configuration stays", NAMESPACE, NAME,
              e.getMessage());
        }
      }
    });
  }

  private static String sha512(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-512").digest(text.getBytes(
          StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
