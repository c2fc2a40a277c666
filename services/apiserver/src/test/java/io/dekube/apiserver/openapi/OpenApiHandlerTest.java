package io.dekube.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.dekube.core.model.ResourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class OpenApiHandlerTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() throws Exception {
    join(vertx.close());
  }

  private static <T> T join(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @Test
  void theHandlersOfOneRegistryShareOneBuildUntilItIsInvalidated() throws Exception {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    OpenApiHandler first = new OpenApiHandler(vertx, registry);
    OpenApiHandler second = new OpenApiHandler(vertx, registry);
    OpenApiDocuments built = join(first.documents());
    assertSame(built, join(second.documents()), "a second apiserver instance builds nothing");
    assertNotSame(built, join(new OpenApiHandler(vertx, ResourceRegistry.builtIn()).documents()),
        "another registry has documents of its own");
    second.invalidate(); // CRDs changed the registry
    OpenApiDocuments rebuilt = join(first.documents());
    assertNotSame(built, rebuilt);
    assertSame(rebuilt, join(second.documents()));
  }
}
