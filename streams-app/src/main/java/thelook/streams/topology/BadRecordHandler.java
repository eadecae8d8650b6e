package thelook.streams.topology;

import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.processor.api.Record;
import thelook.streams.flow.BadRecordException;

/**
 * Bad input (a {@link BadRecordException}, thrown before any state is touched) is logged, written to the
 * DLQ with the reason in its headers, and skipped. Anything else is a bug: stop rather than continue
 * with state that may be half updated.
 */
public final class BadRecordHandler extends LogAndContinueProcessingExceptionHandler {
    @Override
    public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception exception) {
        for (Throwable t = exception; t != null; t = t.getCause()) {
            if (t instanceof BadRecordException) {
                return super.handleError(context, record, exception);
            }
        }
        return Response.fail();
    }
}
