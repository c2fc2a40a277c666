package io.dekube.apiserver.rest.backend;

import io.dekube.core.store.ObjectWrites;

/**
 * The writes the REST API makes: the {@code StoreClient} surface it uses, as an interface so
 * handlers can be tested without Kafka. Every future fails with a {@code StatusException}
 * carrying the Kubernetes Status (404, 409, 422...). Thread-safe.
 */
public interface ObjectStore extends ObjectWrites {
}
