package thelook.streams.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import thelook.schemas.registry.RegistryUnavailableException;

/**
 * A record that cannot be read (garbage bytes, an unknown schema id, data that does not decode) is logged,
 * written to the DLQ with the reason in its headers, and skipped. An unreachable schema registry says
 * nothing about the record, so it must never send one there: that stops the thread instead (the
 * registry serdes wait while the registry is away, so this happens only when the app is shutting down).
 */
public final class UnreadableRecordHandler extends LogAndContinueExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof RegistryUnavailableException) {
                return Response.fail();
            }
        }
        return super.handleError(context, record, exception);
    }
}
