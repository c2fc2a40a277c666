package io.dekube.apiserver.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.core.model.Json;
import io.dekube.kafka.WithKafka;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * kube-apiserver's default {@code --enable-aggregator-routing=false}: the aggregator sends an APIService's requests,
 * its discovery checks included, to the Service's ClusterIP and port, not to an endpoint. The backend listens on the
 * ClusterIP itself (a loopback address, standing in for kube-proxy); the Service's only endpoint has nothing
 * listening, so an answer shows the ClusterIP was used.
 */
@WithKafka
class AggregatorRoutingIT {

  static ApiServerFixture server;
  static HttpClient admin;

  @BeforeAll
  static void start() throws Exception {
    server = ApiServerFixture.startRoutingToClusterIps();
    admin = server.client(server.pki.adminClientCertificate());
  }

  @AfterAll
  static void stop() throws Exception {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void anAggregatedApiIsReachedAtItsServicesClusterIp() throws Exception {
    int port;
    try (ServerSocket free = new ServerSocket(0)) {
      port = free.getLocalPort(); // a port no one holds on any address, for the Service and the backend
    }
    try {
      WardleServer.deleteApiService(server, admin);
      server.send(admin, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"routing\"}}", 201);
      HttpResponse<String> svc = server.send(admin, "POST", "/api/v1/namespaces/routing/services", """
          {"metadata":{"name":"wardle"},"spec":{"ports":[{"name":"https","port":%d,"targetPort":1}]}}"""
          .formatted(port), 201);
      String clusterIp = Json.MAPPER.readTree(svc.body()).at("/spec/clusterIP").asText();
      assertTrue(clusterIp.startsWith("127.96."), svc.body());
      server.send(admin, "POST", "/api/v1/namespaces/routing/endpoints", """
          {"metadata":{"name":"wardle"},"subsets":[{"addresses":[{"ip":"127.0.0.2"}],"ports":[{"name":"https","port":1}]}]}""",
          201);
      try (WardleServer wardle = new WardleServer("wardle.routing.svc", server.pki.ca().certificatePem(),
          WardleServer.OpenApi.V2, clusterIp, port)) {
        server.send(admin, "POST", "/apis/apiregistration.k8s.io/v1/apiservices", """
            {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1alpha1.wardle.example.com"},
             "spec":{"group":"wardle.example.com","version":"v1alpha1","insecureSkipTLSVerify":true,
              "service":{"namespace":"routing","name":"wardle","port":%d},"groupPriorityMinimum":1000,"versionPriority":15}}"""
            .formatted(port), 201);
        String apiService = "/apis/apiregistration.k8s.io/v1/apiservices/v1alpha1.wardle.example.com";
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
          JsonNode available = Json.MAPPER.readTree(server.get(admin, apiService).body()).at("/status/conditions/0");
          assertEquals("True", available.path("status").asText(), available.toString());
          assertEquals("Passed", available.path("reason").asText(), available.toString());
        });
        HttpResponse<String> list = server.get(admin, "/apis/wardle.example.com/v1alpha1/namespaces/routing/flunders");
        assertEquals(200, list.statusCode(), list.body());
        assertEquals("admin", Json.MAPPER.readTree(list.body()).at("/seen/user").asText(), list.body());
      }
    } finally {
      WardleServer.deleteApiService(server, admin);
    }
  }
}
