package io.dekube.store.writer;

import io.dekube.store.admission.ResourceQuotaAdmission;
import io.dekube.store.admission.WriteAdmission;
import io.dekube.core.model.StatusException;
import java.time.Clock;
import java.util.random.RandomGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's pure logic: one well-formed request and the batch's current state in, the store
 * record to write (if any) and the reply out. No I/O; the state changes only through
 * {@link BatchOverlay#put}, and only for a request that succeeds and is not a dry run.
 * Loop-thread confined.
 */
final class RequestProcessor {

  private static final Logger LOG = LoggerFactory.getLogger(RequestProcessor.class);

  private final Reads reads = new Reads();
  private final Creates creates;
  private final Updates updates;
  private final Deletes deletes;

  RequestProcessor(WriteAdmission admission, Clock clock, RandomGenerator random, int maxObjectBytes) {
    this(admission, clock, random, maxObjectBytes, ServiceRanges.defaults(), ResourceQuotaAdmission.none());
  }

  RequestProcessor(WriteAdmission admission, Clock clock, RandomGenerator random, int maxObjectBytes,
      ServiceRanges serviceRanges, ResourceQuotaAdmission quota) {
    this(admission, (type, verb, obj, old) -> obj, clock, random, maxObjectBytes, serviceRanges, quota);
  }

  /** {@code validating}: the admission of the chain's result against the stored object (subresource writes too). */
  RequestProcessor(WriteAdmission admission, WriteAdmission validating, Clock clock, RandomGenerator random,
      int maxObjectBytes, ServiceRanges serviceRanges, ResourceQuotaAdmission quota) {
    WriteSupport support = new WriteSupport(admission, validating, new ServerFields(clock, random), maxObjectBytes,
        new ServiceAllocator(serviceRanges, random), quota);
    this.creates = new Creates(support);
    this.updates = new Updates(support, creates);
    this.deletes = new Deletes(support);
  }

  /** The outcome of {@code req} against {@code view}; failures become error replies, never exceptions. */
  Outcome process(ParsedRequest req, BatchOverlay view) {
    try {
      return switch (req.verb()) {
        case CREATE -> creates.create(req, view);
        case GET -> reads.get(req, view);
        case LIST -> reads.list(req, view);
        case UPDATE -> updates.update(req, view);
        case UPDATE_STATUS -> updates.updateStatus(req, view);
        case PATCH -> updates.patch(req, view);
        case DELETE -> deletes.delete(req, view);
      };
    } catch (StatusException e) {
      return Outcome.failed(e);
    } catch (RuntimeException e) {
      LOG.error("{} {} {}/{} (request {}) failed", req.verb().wire(), req.type().resourceName(), req.namespace(),
          req.name(), req.id(), e);
      return Outcome.failed(StatusException.internal("internal error: " + e));
    }
  }
}
