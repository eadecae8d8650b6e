package thelook.backfill.bigquery;

import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.ServerStream;
import com.google.auth.Credentials;
import com.google.cloud.NoCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.bigquery.BigQuery;
import com.google.cloud.bigquery.BigQueryException;
import com.google.cloud.bigquery.BigQueryOptions;
import com.google.cloud.bigquery.Field;
import com.google.cloud.bigquery.Table;
import com.google.cloud.bigquery.TableId;
import com.google.cloud.bigquery.storage.v1.BigQueryReadClient;
import com.google.cloud.bigquery.storage.v1.BigQueryReadSettings;
import com.google.cloud.bigquery.storage.v1.CreateReadSessionRequest;
import com.google.cloud.bigquery.storage.v1.DataFormat;
import com.google.cloud.bigquery.storage.v1.ReadRowsRequest;
import com.google.cloud.bigquery.storage.v1.ReadRowsResponse;
import com.google.cloud.bigquery.storage.v1.ReadSession;
import com.google.cloud.bigquery.storage.v1.ReadStream;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificRecord;
import thelook.backfill.source.BadInputException;
import thelook.backfill.source.OnError;
import thelook.backfill.source.RequiredColumns;
import thelook.backfill.source.RowConsumer;
import thelook.backfill.source.RowErrors;
import thelook.backfill.source.TableReader;
import thelook.backfill.source.TableSource;
import thelook.schemas.TheLookTable;

/**
 * {@code bigquery:PROJECT.DATASET}: the theLook tables through the BigQuery Storage Read API. Every table
 * is read as of one snapshot instant (so orders and their items agree), only the columns the schemas have
 * (the API bills the bytes of the columns read), in several streams read in parallel. Table metadata
 * (columns, size) comes from the REST API first, so a missing table, column or permission is reported
 * before anything is read. Transient errors are retried by the client: a broken ReadRows stream resumes
 * at the row it reached.
 */
public final class BigQuerySource implements TableSource {
    /** The tables whose every version is at or after {@code created_at}: an {@code --until} can be pushed down. */
    private static final Set<TheLookTable> CREATED_FIRST = Set.of(TheLookTable.USERS, TheLookTable.ORDERS,
            TheLookTable.ORDER_ITEMS, TheLookTable.EVENTS);
    private static final DateTimeFormatter SQL_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS").withZone(ZoneOffset.UTC);

    private final BigQuerySourceSettings settings;
    private final String billingProject;
    private final Instant snapshot;
    private final Instant createdFrom;
    private final Instant createdBefore;
    private final Map<TheLookTable, Table> tables = new EnumMap<>(TheLookTable.class);
    private final BigQueryReadClient client;
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicLong bytesScanned = new AtomicLong();

    /**
     * Checks every table (present, its columns) and opens the read client.
     *
     * @param snapshot      the instant every table is read as of; null for now
     * @param createdFrom   only rows with {@code created_at} at or after it (following new rows); null for all
     * @param createdBefore an {@code --until}: rows created at or after it cannot have a version before it; null for all
     */
    public static BigQuerySource open(BigQuerySourceSettings settings, Collection<TheLookTable> wanted, Instant snapshot,
                                      Instant createdFrom, Instant createdBefore) {
        Credentials credentials;
        try {
            credentials = GoogleAccess.credentials(settings.credentials(), "--source-credentials", settings.apiEndpoint(),
                    settings.readEndpoint());
        } catch (IllegalStateException e) {
            throw new BadInputException(e.getMessage(), e.getCause());
        }
        String billing = settings.billingProject() != null ? settings.billingProject() : ServiceOptions.getDefaultProjectId();
        if (billing == null) {
            if (!GoogleAccess.plaintext(settings.readEndpoint())) {
                throw new BadInputException("no billing project: the Storage Read API bills the reads to a project of yours;"
                        + " pass --project PROJECT (or set one with `gcloud config set project`)");
            }
            billing = settings.project();
        }
        return new BigQuerySource(settings, billing, credentials, wanted,
                snapshot != null ? snapshot : Instant.ofEpochMilli(System.currentTimeMillis()), createdFrom, createdBefore);
    }

    private BigQuerySource(BigQuerySourceSettings settings, String billingProject, Credentials credentials,
                           Collection<TheLookTable> wanted, Instant snapshot, Instant createdFrom, Instant createdBefore) {
        this.settings = settings;
        this.billingProject = billingProject;
        this.snapshot = snapshot;
        this.createdFrom = createdFrom;
        this.createdBefore = createdBefore;
        BigQueryOptions.Builder options = BigQueryOptions.newBuilder().setProjectId(billingProject)
                .setCredentials(credentials == null ? NoCredentials.getInstance() : credentials);
        if (settings.apiEndpoint() != null) {
            options.setHost(settings.apiEndpoint());
        }
        BigQuery bigquery = options.build().getService();
        for (TheLookTable table : wanted) {
            Table t = describe(bigquery, table);
            if (t != null) {
                tables.put(table, t);
            }
        }
        try {
            BigQueryReadSettings.Builder read = BigQueryReadSettings.newBuilder();
            if (settings.readEndpoint() != null) {
                String hostPort = GoogleAccess.hostPort(settings.readEndpoint());
                var channel = InstantiatingGrpcChannelProvider.newBuilder().setEndpoint(hostPort)
                        .setMaxInboundMessageSize(Integer.MAX_VALUE);
                if (GoogleAccess.plaintext(settings.readEndpoint())) {
                    channel.setChannelConfigurator(b -> b.usePlaintext());
                }
                read.setEndpoint(hostPort).setTransportChannelProvider(channel.build());
            }
            read.setCredentialsProvider(credentials == null ? NoCredentialsProvider.create() : FixedCredentialsProvider.create(credentials));
            client = BigQueryReadClient.create(read.build());
        } catch (IOException e) {
            throw new BadInputException("cannot reach the BigQuery Storage Read API: " + e.getMessage(), e);
        }
    }

    /** The table's metadata; null for an optional table that is absent. Refuses a table without a needed column. */
    private Table describe(BigQuery bigquery, TheLookTable table) {
        String name = settings.datasetName() + "." + table.tableName();
        Table t;
        try {
            t = bigquery.getTable(TableId.of(settings.project(), settings.dataset(), table.tableName()));
            if (t == null && bigquery.getDataset(com.google.cloud.bigquery.DatasetId.of(settings.project(), settings.dataset())) == null) {
                throw new BadInputException("BigQuery dataset " + settings.datasetName() + " not found (or the credentials may not"
                        + " see it: they need roles/bigquery.metadataViewer or roles/bigquery.dataViewer on it)");
            }
        } catch (BigQueryException e) {
            throw new BadInputException(explainRest(e, name), e);
        }
        if (t == null) {
            if (RequiredColumns.isRequiredTable(table)) {
                throw new BadInputException("BigQuery table " + name + " not found (the " + table.tableName() + " table is required)");
            }
            return null;
        }
        List<String> columns = new ArrayList<>();
        if (t.getDefinition().getSchema() != null) {
            for (Field f : t.getDefinition().getSchema().getFields()) {
                columns.add(f.getName());
            }
        }
        List<String> missing = RequiredColumns.missing(table, columns);
        if (!missing.isEmpty()) {
            throw new BadInputException("BigQuery table " + name + ": missing required column" + (missing.size() > 1 ? "s " : " ")
                    + String.join(", ", missing));
        }
        return t;
    }

    private String explainRest(BigQueryException e, String name) {
        return switch (e.getCode()) {
            case 403 -> "no permission to read the metadata of BigQuery table " + name + ": the credentials need"
                    + " roles/bigquery.metadataViewer or roles/bigquery.dataViewer on dataset " + settings.datasetName()
                    + " (" + e.getMessage() + ")";
            case 401 -> "BigQuery refused the credentials (" + e.getMessage() + ")";
            case 404 -> "BigQuery dataset " + settings.datasetName() + " not found (" + e.getMessage() + ")";
            default -> "cannot read the metadata of BigQuery table " + name + ": " + e.getMessage();
        };
    }

    public Instant snapshot() {
        return snapshot;
    }

    @Override
    public String describe() {
        return "bigquery:" + settings.datasetName() + " as of " + snapshot;
    }

    /** The dataset and the snapshot instant: a resume reads the same snapshot again (within BigQuery's time travel). */
    @Override
    public String fingerprint() {
        return "bigquery:" + settings.datasetName() + "@" + snapshot.toEpochMilli();
    }

    @Override
    public Set<TheLookTable> tables() {
        return tables.keySet();
    }

    @Override
    public long inputBytes() {
        return tables.values().stream().mapToLong(t -> t.getNumBytes() == null ? 0 : t.getNumBytes()).sum();
    }

    @Override
    public long bytesRead() {
        return bytesRead.get();
    }

    /** What BigQuery estimated the sessions scan, the figure its on-demand pricing bills. */
    public long bytesScanned() {
        return bytesScanned.get();
    }

    @Override
    public List<TableReader> readers(TheLookTable table) {
        Table t = tables.get(table);
        if (t == null) {
            return List.of();
        }
        List<String> columns = new ArrayList<>();
        Set<String> present = new java.util.HashSet<>();
        t.getDefinition().getSchema().getFields().forEach(f -> present.add(f.getName()));
        for (Schema.Field f : table.schema().getFields()) {
            if (present.contains(f.name())) {
                columns.add(f.name());
            }
        }
        ReadSession.TableReadOptions.Builder readOptions = ReadSession.TableReadOptions.newBuilder().addAllSelectedFields(columns);
        String restriction = restriction(table, present);
        if (restriction != null) {
            readOptions.setRowRestriction(restriction);
        }
        String name = settings.datasetName() + "." + table.tableName();
        ReadSession session;
        try {
            session = client.createReadSession(CreateReadSessionRequest.newBuilder()
                    .setParent("projects/" + billingProject)
                    .setReadSession(ReadSession.newBuilder()
                            .setTable("projects/" + settings.project() + "/datasets/" + settings.dataset() + "/tables/" + table.tableName())
                            .setDataFormat(DataFormat.AVRO)
                            .setReadOptions(readOptions)
                            .setTableModifiers(ReadSession.TableModifiers.newBuilder().setSnapshotTime(Timestamp.newBuilder()
                                    .setSeconds(snapshot.getEpochSecond()).setNanos(snapshot.getNano()))))
                    .setMaxStreamCount(settings.maxStreams())
                    .build());
        } catch (ApiException e) {
            throw new BadInputException(explainRead(e, name), e);
        }
        bytesScanned.addAndGet(session.getEstimatedTotalBytesScanned());
        Schema schema = new Schema.Parser().parse(session.getAvroSchema().getSchema());
        List<TableReader> readers = new ArrayList<>();
        List<ReadStream> streams = session.getStreamsList();
        for (int i = 0; i < streams.size(); i++) {
            readers.add(new StreamReader(table, name, i, streams.get(i).getName(), schema,
                    t.getNumBytes() == null ? 0 : t.getNumBytes() / streams.size()));
        }
        return readers;
    }

    /** {@code created_at} bounds, as SQL the Storage Read API evaluates before sending rows. */
    private String restriction(TheLookTable table, Set<String> columns) {
        if (!columns.contains("created_at")) {
            return null;
        }
        List<String> terms = new ArrayList<>();
        if (createdFrom != null && table != TheLookTable.PRODUCTS && table != TheLookTable.DISTRIBUTION_CENTERS) {
            terms.add("created_at >= TIMESTAMP '" + SQL_TIME.format(createdFrom) + " UTC'");
        }
        if (createdBefore != null && CREATED_FIRST.contains(table)) {
            terms.add("(created_at IS NULL OR created_at < TIMESTAMP '" + SQL_TIME.format(createdBefore) + " UTC')");
        }
        return terms.isEmpty() ? null : String.join(" AND ", terms);
    }

    private String explainRead(ApiException e, String name) {
        String status = e.getStatusCode().getCode().name();
        return switch (status) {
            case "PERMISSION_DENIED" -> "no permission to read BigQuery table " + name + " with the Storage Read API: the"
                    + " credentials need roles/bigquery.readSessionUser (bigquery.readsessions.create) on billing project "
                    + billingProject + " and roles/bigquery.dataViewer (bigquery.tables.getData) on dataset "
                    + settings.datasetName() + " (" + e.getMessage() + ")";
            case "NOT_FOUND" -> "BigQuery table " + name + " not found by the Storage Read API (" + e.getMessage() + ")";
            case "UNAUTHENTICATED" -> "BigQuery refused the credentials (" + e.getMessage() + ")";
            case "INVALID_ARGUMENT", "FAILED_PRECONDITION" -> "BigQuery cannot read table " + name + " as of " + snapshot
                    + " (a resumed backfill reads its first snapshot again, and BigQuery keeps 7 days of time travel at most;"
                    + " --restart reads a new one): " + e.getMessage();
            default -> "reading BigQuery table " + name + " failed (" + status + "): " + e.getMessage();
        };
    }

    /** One stream of a read session: Avro row blocks, decoded with the session's schema. */
    private final class StreamReader implements TableReader {
        private final TheLookTable table;
        private final String name;
        private final int index;
        private final String stream;
        private final Schema schema;
        private final long size;

        StreamReader(TheLookTable table, String name, int index, String stream, Schema schema, long size) {
            this.table = table;
            this.name = name;
            this.index = index;
            this.stream = stream;
            this.schema = schema;
            this.size = size;
        }

        @Override
        public TheLookTable table() {
            return table;
        }

        @Override
        public long sizeBytes() {
            return size;
        }

        @Override
        public void forEachCurrentRow(OnError onError, RowErrors errors, RowConsumer consumer) {
            BigQueryRows rows = new BigQueryRows(table, schema);
            GenericDatumReader<GenericRecord> reader = new GenericDatumReader<>(schema);
            BinaryDecoder decoder = null;
            GenericRecord row = null;
            long position = 0;
            try {
                ServerStream<ReadRowsResponse> responses =
                        client.readRowsCallable().call(ReadRowsRequest.newBuilder().setReadStream(stream).setOffset(0).build());
                for (ReadRowsResponse response : responses) {
                    var block = response.getAvroRows().getSerializedBinaryRows();
                    bytesRead.addAndGet(block.size());
                    decoder = DecoderFactory.get().binaryDecoder(block.newInput(), decoder);
                    while (!decoder.isEnd()) {
                        row = reader.read(row, decoder);
                        position++;
                        SpecificRecord record;
                        try {
                            record = rows.convert(row);
                        } catch (IllegalArgumentException e) {
                            String where = name + " (stream " + index + ", row " + position + "): " + e.getMessage();
                            if (onError == OnError.FAIL) {
                                throw new BadInputException(where + " (use --on-error skip to send such rows to the dead-letter topic)");
                            }
                            errors.add(where, row.toString());
                            continue;
                        }
                        consumer.accept(position, record);
                    }
                }
            } catch (ApiException e) {
                throw new BadInputException(explainRead(e, name), e);
            } catch (IOException e) {
                throw new BadInputException(name + " (stream " + index + ", row " + (position + 1) + "): not readable as the"
                        + " session's Avro schema: " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        client.close();
    }
}
