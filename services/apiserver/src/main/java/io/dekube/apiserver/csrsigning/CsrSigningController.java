package io.dekube.apiserver.csrsigning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager's csrsigning for {@code kubernetes.io/kube-apiserver-client}: once a
 * CertificateSigningRequest is Approved (and not Denied or Failed) and has no certificate yet, issue
 * it from the cluster CA and write {@code status.certificate}; a request that cannot be signed gets
 * the {@code Failed} condition. Signing runs on a worker; the rest on the context that added the
 * handler. Idempotent: a CSR with a certificate is left alone.
 */
public final class CsrSigningController implements InformerHandler {

  /** The signer this controller serves. */
  public static final String SIGNER = "kubernetes.io/kube-apiserver-client";
  private static final Logger LOG = LoggerFactory.getLogger(CsrSigningController.class);

  private final Vertx vertx;
  private final ResourceType csrs;
  private final StoreApi store;
  private final CsrSigner signer;

  CsrSigningController(Vertx vertx, ResourceType csrs, StoreApi store, CsrSigner signer) {
    this.vertx = vertx;
    this.csrs = csrs;
    this.store = store;
    this.signer = signer;
  }

  /** Starts following the CSR informer. */
  void follow(Informer informer) {
    informer.addHandler(this);
  }

  @Override
  public void onAdd(ObjectNode csr) {
    sync(csr);
  }

  @Override
  public void onUpdate(ObjectNode oldObject, ObjectNode csr) {
    sync(csr);
  }

  @Override
  public void onDelete(ObjectNode last, long rv) {
  }

  /** Whether a CSR is for this signer, approved, not denied or failed, and not yet issued. */
  static boolean due(JsonNode csr) {
    if (!SIGNER.equals(csr.path("spec").path("signerName").asText())
        || !csr.path("status").path("certificate").asText("").isEmpty()) {
      return false;
    }
    boolean approved = false;
    for (JsonNode c : csr.path("status").path("conditions")) {
      String type = c.path("type").asText();
      if ((type.equals("Denied") || type.equals("Failed")) && !"False".equals(c.path("status").asText())) {
        return false;
      }
      approved |= type.equals("Approved") && !"False".equals(c.path("status").asText());
    }
    return approved;
  }

  private void sync(ObjectNode csr) {
    if (!due(csr)) {
      return;
    }
    String name = csr.path("metadata").path("name").asText();
    String request = new String(Base64.getDecoder().decode(csr.path("spec").path("request").asText("")),
        StandardCharsets.UTF_8);
    JsonNode seconds = csr.path("spec").path("expirationSeconds");
    Duration validity = seconds.isNumber() ? Duration.ofSeconds(seconds.asLong()) : null;
    vertx.executeBlocking(() -> signer.sign(request, validity), false)
        .compose(pem -> write(csr, pem, null).map("signed by " + SIGNER),
            e -> write(csr, null, e.getMessage()).map("Failed: " + e.getMessage()))
        .onSuccess(outcome -> LOG.info("CertificateSigningRequest {}: {}", name, outcome))
        .onFailure(e -> LOG.debug("CertificateSigningRequest {} not updated: {}", name, e.toString()));
  }

  private Future<Void> write(ObjectNode csr, String pem, String failure) {
    ObjectNode next = csr.deepCopy();
    ObjectNode status = next.get("status") instanceof ObjectNode s ? s : next.putObject("status");
    if (pem != null) {
      status.put("certificate", Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8)));
    } else {
      ArrayNode conds = status.get("conditions") instanceof ArrayNode a ? a : status.putArray("conditions");
      String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
      conds.addObject().put("type", "Failed").put("status", "True").put("reason", "SignerValidationFailure")
          .put("message", failure).put("lastUpdateTime", now).put("lastTransitionTime", now);
    }
    Json.metadata(next);
    return store.updateStatus(csrs, next, WriteOptions.none()).mapEmpty();
  }
}
