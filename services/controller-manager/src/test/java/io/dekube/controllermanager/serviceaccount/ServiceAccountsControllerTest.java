package io.dekube.controllermanager.serviceaccount;

import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class ServiceAccountsControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType nsType = fake.store.type("namespaces");
  private final ResourceType saType = fake.store.type("serviceaccounts");
  private final ServiceAccountsController controller = new ServiceAccountsController(fake.ctx);

  static ObjectNode namespace(String name, Consumer<ObjectNode> edit) {
    ObjectNode ns = Json.object();
    Json.metadata(ns).put("name", name);
    edit.accept(ns);
    return ns;
  }

  static ObjectNode account(String ns, String name) {
    ObjectNode sa = Json.object();
    Json.metadata(sa).put("name", name).put("namespace", ns).put("uid", "uid-" + name);
    return sa;
  }

  static Stream<Arguments> cases() {
    Consumer<ObjectNode> active = ns -> { };
    return Stream.of(
        Arguments.of("a new namespace gets default", namespace("x", active), List.of(),
            List.of("create serviceaccounts x/default")),
        Arguments.of("an existing default is kept", namespace("x", active), List.of(account("x", "default")),
            List.of()),
        Arguments.of("other accounts do not count", namespace("x", active), List.of(account("x", "builder")),
            List.of("create serviceaccounts x/default")),
        Arguments.of("a namespace being deleted is left alone",
            namespace("x", ns -> Json.metadata(ns).put("deletionTimestamp", "2026-01-01T00:00:00Z")), List.of(),
            List.of()),
        Arguments.of("a Terminating namespace is left alone",
            namespace("x", ns -> ns.putObject("status").put("phase", "Terminating")), List.of(), List.of()),
        Arguments.of("a default elsewhere does not count", namespace("x", active), List.of(account("y", "default")),
            List.of("create serviceaccounts x/default")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void sync(String name, ObjectNode ns, List<ObjectNode> accounts, List<String> writes) {
    fake.store.put(nsType, ns);
    accounts.forEach(sa -> fake.store.put(saType, sa));
    fake.clearWritesForDebug();
    done(controller.sync(new ObjectKey("", "x")));
    assertEquals(writes, fake.writes());
  }

  @Test
  void aMissingNamespaceIsNotAnError() {
    done(controller.sync(new ObjectKey("", "gone")));
    assertEquals(List.of(), fake.writes());
  }

  @Test
  void aDeletedDefaultIsCreatedAgain() {
    fake.store.put(nsType, namespace("x", ns -> { }));
    done(controller.sync(new ObjectKey("", "x")));
    String firstUid = fake.store.object(saType, "x", "default").path("metadata").path("uid").asText();
    done(fake.store.delete(saType, "x", "default", WriteOptions.none()));
    done(controller.sync(new ObjectKey("", "x")));
    ObjectNode again = fake.store.object(saType, "x", "default");
    assertEquals("default", again.path("metadata").path("name").asText());
    assertEquals(false, firstUid.equals(again.path("metadata").path("uid").asText()));
  }
}
