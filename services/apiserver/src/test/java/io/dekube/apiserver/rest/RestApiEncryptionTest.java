package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * A Secret whose store record no configured provider reads (encryption at rest) gets kube-apiserver's answers: a
 * GET {@code Internal error occurred: <error>}, a LIST that includes it {@code Internal error occurred: unable to
 * transform key "<path>": <error>}; the other namespaces list as before.
 */
class RestApiEncryptionTest extends RestApiTestBase {

  @Test
  void anUnreadableSecretFailsItsGetAndTheListsThatIncludeIt() throws Exception {
    String secret = "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"secret1\",\"namespace\":"
        + "\"default\"},\"data\":{\"mykey\":\"bXlkYXRh\"}}";
    assertEquals(201, http.post("/api/v1/namespaces/default/secrets", secret).code());
    backend.cache(registry.byResourceName("secrets").orElseThrow()).unreadable("default", "secret1",
        "/registry/secrets/default/secret1", "no matching key was found for the provided AES transformer");
    HttpFixture.Res get = http.get("/api/v1/namespaces/default/secrets/secret1");
    HttpFixture.assertStatus(get, 500, "InternalError",
        "Internal error occurred: no matching key was found for the provided AES transformer");
    assertEquals("Internal error occurred: no matching key was found for the provided AES transformer",
        get.body().path("message").asText());
    String listed = "Internal error occurred: unable to transform key \"/registry/secrets/default/secret1\": no "
        + "matching key was found for the provided AES transformer";
    HttpFixture.assertStatus(http.get("/api/v1/namespaces/default/secrets"), 500, "InternalError", listed);
    HttpFixture.assertStatus(http.get("/api/v1/secrets"), 500, "InternalError", listed);
    assertEquals(200, http.get("/api/v1/namespaces/other/secrets").code());
  }
}
