package thelook.streams.sink.bigquery;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.services.bigquery.model.Table;
import com.google.auth.Credentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.spi.v2.BigQueryRpc;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteClient;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteSettings;
import com.google.cloud.bigquery.storage.v1.Exceptions;
import com.google.cloud.bigquery.storage.v1.ProtoRows;
import com.google.cloud.bigquery.storage.v1.ProtoSchemaConverter;
import com.google.cloud.bigquery.storage.v1.StreamWriter;
import com.google.cloud.bigquery.storage.v1.TableName;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import thelook.backfill.bigquery.GoogleAccess;
import thelook.streams.sink.MartChange;
import thelook.streams.sink.MartTable;
import thelook.streams.sink.SinkBatch;
import thelook.streams.sink.SinkException;
import thelook.streams.sink.SinkTarget;

/**
 * The three tables in BigQuery, written through the Storage Write API's default stream with change data
 * capture: each row carries {@code _CHANGE_TYPE} UPSERT, or DELETE for a tombstone, and BigQuery applies
 * them by primary key. Tables are created when absent (google-cloud-bigquery's REST client, whose
 * {@code tables.insert} takes {@code max_staleness}); an existing table must have the marts' columns.
 *
 * <p>A batch holds one version per key, so the rule that the first of several rows with one key in a
 * request wins never matters. Requests are sent one at a time and each is retried (backoff with jitter,
 * a fresh writer each time) until BigQuery accepts it, so a key's versions reach BigQuery in the topic's
 * order. Rows BigQuery refuses for their content come back as {@link Rejected}; the rest of the request is
 * sent again without them. Permission, missing-dataset and schema errors stop the sink with a message
 * that says what to fix. Credentials are never logged.
 */
public final class BigQueryTarget implements SinkTarget {
    private static final Logger LOG = LoggerFactory.getLogger(BigQueryTarget.class);
    /** The client logs every connection it opens or resets at INFO (java.util.logging); warnings are enough. Held: JUL keeps loggers weakly. */
    private static final java.util.logging.Logger CLIENT_LOG = quiet("com.google.cloud.bigquery.storage");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger l = java.util.logging.Logger.getLogger(name);
        l.setLevel(java.util.logging.Level.WARNING);
        return l;
    }
    /** Under the API's 10 MB per request, with room for the request's own fields. */
    private static final int MAX_REQUEST_BYTES = 4 * 1024 * 1024;
    private static final Set<Status.Code> TRANSIENT = Set.of(Status.Code.UNAVAILABLE, Status.Code.RESOURCE_EXHAUSTED,
            Status.Code.INTERNAL, Status.Code.ABORTED, Status.Code.DEADLINE_EXCEEDED, Status.Code.CANCELLED, Status.Code.UNKNOWN);

    private final BigQuerySettings settings;
    private final Map<MartTable, Descriptors.Descriptor> rows = new EnumMap<>(MartTable.class);
    private final Map<MartTable, StreamWriter> writers = new EnumMap<>(MartTable.class);
    private BigQueryWriteClient writeClient;
    private long retries;

    public BigQueryTarget(BigQuerySettings settings) {
        this.settings = settings;
    }

    @Override
    public String name() {
        return "bigquery";
    }

    @Override
    public String describe() {
        return settings.describe() + ", max_staleness " + settings.maxStaleness().toSeconds() + " s";
    }

    /** Appends retried so far (transient errors), for tests and metrics. */
    public long retries() {
        return retries;
    }

    @Override
    public void open() {
        Credentials credentials = credentials();
        prepareTables(credentials);
        try {
            BigQueryWriteSettings.Builder write = BigQueryWriteSettings.newBuilder();
            if (settings.writeEndpoint() != null) {
                String hostPort = GoogleAccess.hostPort(settings.writeEndpoint());
                var channel = InstantiatingGrpcChannelProvider.newBuilder().setEndpoint(hostPort);
                if (GoogleAccess.plaintext(settings.writeEndpoint())) {
                    channel.setChannelConfigurator(b -> b.usePlaintext());
                }
                write.setEndpoint(hostPort).setTransportChannelProvider(channel.build());
            }
            write.setCredentialsProvider(credentials == null ? NoCredentialsProvider.create() : FixedCredentialsProvider.create(credentials));
            writeClient = BigQueryWriteClient.create(write.build());
        } catch (IOException e) {
            throw new SinkException("cannot reach the BigQuery Storage Write API: " + e.getMessage(), e);
        }
        for (MartTable t : MartTable.values()) {
            rows.put(t, TableDefinitions.rowDescriptor(t));
        }
    }

    /** Application Default Credentials, a key file, or none for plaintext (local fake) endpoints. */
    private Credentials credentials() {
        try {
            return GoogleAccess.credentials(settings.credentials(), "--bigquery-credentials", settings.apiEndpoint(),
                    settings.writeEndpoint());
        } catch (IllegalStateException e) {
            throw new SinkException(e.getMessage(), e.getCause());
        }
    }

    private void prepareTables(Credentials credentials) {
        BigQueryOptions.Builder options = BigQueryOptions.newBuilder().setProjectId(settings.project())
                .setCredentials(credentials == null ? NoCredentials.getInstance() : credentials);
        if (settings.apiEndpoint() != null) {
            options.setHost(settings.apiEndpoint());
        }
        BigQueryRpc rpc = (BigQueryRpc) options.build().getRpc();
        String where = settings.project() + "." + settings.dataset();
        try {
            if (rpc.getDataset(settings.project(), settings.dataset(), Map.of()) == null) {
                throw new SinkException("the BigQuery dataset " + where + " does not exist: create it first (bq mk --dataset "
                        + settings.project() + ":" + settings.dataset() + ", docs/bigquery.md)");
            }
            for (MartTable t : MartTable.values()) {
                Table existing = rpc.getTable(settings.project(), settings.dataset(), t.tableName(), Map.of());
                if (existing == null) {
                    rpc.create(TableDefinitions.table(settings.project(), settings.dataset(), t, settings.maxStaleness()), Map.of());
                    LOG.info("created the table {}.{}", where, t.tableName());
                } else {
                    List<String> wrong = TableDefinitions.differences(existing, t);
                    if (!wrong.isEmpty()) {
                        throw new SinkException("the table " + where + "." + t.tableName() + " cannot take the mart: "
                                + String.join("; ", wrong) + ". Drop it (the sink creates it) or choose another dataset");
                    }
                }
            }
        } catch (BigQueryException e) {
            throw new SinkException(restProblem(e, where), e);
        }
    }

    private static String restProblem(BigQueryException e, String where) {
        return switch (e.getCode()) {
            case 401 -> "BigQuery did not accept the credentials for " + where + ": " + e.getMessage();
            case 403 -> "BigQuery denied access to " + where + ": " + e.getMessage() + ". The service account needs"
                    + " roles/bigquery.dataEditor on the dataset (docs/bigquery.md)";
            case 404 -> "BigQuery does not know " + where + ": " + e.getMessage() + " (is the project right?)";
            default -> "BigQuery could not prepare the tables in " + where + ": " + e.getMessage();
        };
    }

    @Override
    public List<Rejected> write(SinkBatch batch) {
        List<Rejected> rejected = new ArrayList<>();
        for (MartTable t : MartTable.values()) {
            List<MartChange> pending = new ArrayList<>();
            int bytes = 0;
            for (MartChange c : batch.changes(t)) {
                int size = c.rawValue() == null ? 64 : c.rawValue().length + 64;
                if (!pending.isEmpty() && bytes + size > MAX_REQUEST_BYTES) {
                    append(t, pending, rejected);
                    pending = new ArrayList<>();
                    bytes = 0;
                }
                pending.add(c);
                bytes += size;
            }
            if (!pending.isEmpty()) {
                append(t, pending, rejected);
            }
        }
        return rejected;
    }

    /** One request, sent until BigQuery takes it (minus the rows it refuses), or a fatal error. */
    private void append(MartTable t, List<MartChange> changes, List<Rejected> rejected) {
        long started = System.nanoTime();
        long backoffMs = 100;
        List<MartChange> sending = changes;
        while (!sending.isEmpty()) {
            ProtoRows.Builder request = ProtoRows.newBuilder();
            for (MartChange c : sending) {
                request.addSerializedRows(row(t, c));
            }
            try {
                writer(t).append(request.build()).get();
                return;
            } catch (ExecutionException e) {
                Throwable cause = e.getCause();
                if (cause instanceof Exceptions.AppendSerializtionError rows) {
                    List<MartChange> rest = new ArrayList<>();
                    for (int i = 0; i < sending.size(); i++) {
                        String reason = rows.getRowIndexToErrorMessage().get(i);
                        if (reason != null) {
                            rejected.add(new Rejected(sending.get(i), reason));
                        } else {
                            rest.add(sending.get(i));
                        }
                    }
                    if (rest.size() == sending.size()) { // no row named: not the rows' fault
                        throw fatal(t, cause);
                    }
                    sending = rest;
                    continue;
                }
                Status.Code code = code(cause);
                if (!TRANSIENT.contains(code) && !(cause instanceof Exceptions.StreamWriterClosedException)) {
                    throw fatal(t, cause);
                }
                if (System.nanoTime() - started > settings.giveUpAfter().toNanos()) {
                    throw new SinkException("BigQuery kept failing to take rows of " + t.tableName() + " for "
                            + settings.giveUpAfter().toSeconds() + " s; the last error: " + cause.getMessage(), cause);
                }
                retries++;
                LOG.warn("BigQuery append to {} failed ({}), retrying in {} ms: {}", t.tableName(), code, backoffMs, cause.getMessage());
                closeWriter(t); // a writer that saw an error may be closed: the next attempt gets a fresh one
                sleep(backoffMs + ThreadLocalRandom.current().nextLong(backoffMs / 2 + 1));
                backoffMs = Math.min(10_000, backoffMs * 2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SinkException("interrupted while writing to BigQuery", e);
            }
        }
    }

    private static Status.Code code(Throwable t) {
        if (t instanceof StatusRuntimeException s) {
            return s.getStatus().getCode();
        }
        if (t instanceof ApiException a && a.getStatusCode().getCode() != null) {
            return Status.Code.valueOf(a.getStatusCode().getCode().name());
        }
        return t.getCause() != null && t.getCause() != t ? code(t.getCause()) : Status.Code.UNAVAILABLE; // a connection lost
    }

    private SinkException fatal(MartTable t, Throwable cause) {
        String where = settings.project() + "." + settings.dataset() + "." + t.tableName();
        Status.Code code = code(cause);
        String hint = switch (code) {
            case PERMISSION_DENIED, UNAUTHENTICATED -> " The service account needs roles/bigquery.dataEditor on the dataset"
                    + " (docs/bigquery.md).";
            case NOT_FOUND -> " The table or dataset is gone; restart the sink to create the table again.";
            case INVALID_ARGUMENT, FAILED_PRECONDITION -> " The table's schema may differ from the mart's, or it lacks the"
                    + " PRIMARY KEY that CDC needs: drop it and let the sink create it.";
            default -> "";
        };
        return new SinkException("BigQuery refused the write to " + where + " (" + code + "): " + cause.getMessage() + "." + hint, cause);
    }

    private ByteString row(MartTable t, MartChange c) {
        Descriptors.Descriptor d = rows.get(t);
        DynamicMessage.Builder m = DynamicMessage.newBuilder(d);
        if (c.isDelete()) {
            // a delete names the key; BigQuery ignores the other columns of a DELETE
            List<String> keys = t.keyColumns();
            m.setField(field(d, keys.get(0)), c.key().first());
            if (c.key().pair()) {
                m.setField(field(d, keys.get(1)), c.key().second());
            }
            fillRequiredDefaults(t, d, m);
            m.setField(field(d, TableDefinitions.CHANGE_TYPE), "DELETE");
        } else {
            SpecificRecord r = c.row();
            for (MartTable.Column col : t.columns()) {
                Object v = col.valueOf(r);
                if (v != null) {
                    m.setField(field(d, col.name()), switch (col.type()) {
                        case INT64 -> ((Number) v).longValue();
                        case FLOAT64 -> ((Number) v).doubleValue();
                        case TIMESTAMP -> MartTable.timestampMicros(v);
                        case STRING -> v.toString();
                    });
                }
            }
            m.setField(field(d, TableDefinitions.CHANGE_TYPE), "UPSERT");
        }
        return m.build().toByteString();
    }

    /** REQUIRED columns must be present even in a DELETE row; their values there mean nothing. */
    private static void fillRequiredDefaults(MartTable t, Descriptors.Descriptor d, DynamicMessage.Builder m) {
        for (MartTable.Column col : t.columns()) {
            Descriptors.FieldDescriptor f = field(d, col.name());
            if (!col.nullable() && !m.hasField(f)) {
                m.setField(f, switch (col.type()) {
                    case INT64, TIMESTAMP -> 0L;
                    case FLOAT64 -> 0.0;
                    case STRING -> "";
                });
            }
        }
    }

    private static Descriptors.FieldDescriptor field(Descriptors.Descriptor d, String name) {
        Descriptors.FieldDescriptor f = d.findFieldByName(name.toLowerCase(java.util.Locale.ROOT));
        if (f == null) {
            throw new IllegalStateException("no field " + name + " in the row descriptor " + d.getName());
        }
        return f;
    }

    private StreamWriter writer(MartTable t) {
        StreamWriter w = writers.get(t);
        if (w == null || w.isClosed()) {
            try {
                String stream = StreamWriter.getDefaultStreamName(TableName.of(settings.project(), settings.dataset(), t.tableName()));
                w = StreamWriter.newBuilder(stream, writeClient)
                        .setWriterSchema(ProtoSchemaConverter.convert(rows.get(t)))
                        .build();
            } catch (IOException e) {
                throw new SinkException("cannot open a BigQuery write stream for " + t.tableName() + ": " + e.getMessage(), e);
            }
            writers.put(t, w);
        }
        return w;
    }

    private void closeWriter(MartTable t) {
        StreamWriter w = writers.remove(t);
        if (w != null) {
            try {
                w.close();
            } catch (RuntimeException ignored) {
                // it already failed; a new one replaces it
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SinkException("interrupted while waiting to retry BigQuery", e);
        }
    }

    @Override
    public void close() {
        for (MartTable t : MartTable.values()) {
            closeWriter(t);
        }
        if (writeClient != null) {
            writeClient.close();
        }
    }
}
