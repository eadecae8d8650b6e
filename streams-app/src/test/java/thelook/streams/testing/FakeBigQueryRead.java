package thelook.streams.testing;

import com.google.cloud.bigquery.storage.v1.AvroRows;
import com.google.cloud.bigquery.storage.v1.AvroSchema;
import com.google.cloud.bigquery.storage.v1.BigQueryReadGrpc;
import com.google.cloud.bigquery.storage.v1.CreateReadSessionRequest;
import com.google.cloud.bigquery.storage.v1.ReadRowsRequest;
import com.google.cloud.bigquery.storage.v1.ReadRowsResponse;
import com.google.cloud.bigquery.storage.v1.ReadSession;
import com.google.cloud.bigquery.storage.v1.ReadStream;
import com.google.cloud.bigquery.storage.v1.SplitReadStreamRequest;
import com.google.cloud.bigquery.storage.v1.SplitReadStreamResponse;
import com.google.protobuf.ByteString;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * NOT BigQuery: an in-process gRPC server answering the two calls of the BigQuery Storage Read API that a
 * backfill makes (CreateReadSession, ReadRows) from tables held in memory, for tests only. It honours what
 * the real API does that matters here: the selected columns (the session's Avro schema has only those), the
 * snapshot time (rows added after it are not seen), the row restriction (the {@code created_at} comparisons
 * a backfill sends, parsed here; anything else is INVALID_ARGUMENT), several streams per session, and the
 * offset of a ReadRows call (a client resuming a broken stream). It can break each stream once mid-way
 * (UNAVAILABLE), fail the next session requests (UNAVAILABLE) and deny everything (PERMISSION_DENIED). Rows are added from CSV files with column types
 * given by the test, each stamped with the time it was added.
 */
public final class FakeBigQueryRead extends BigQueryReadGrpc.BigQueryReadImplBase implements AutoCloseable {
    /** A column of a fake table: its name and BigQuery type (INT64, FLOAT64, STRING, TIMESTAMP). */
    public record Column(String name, String type) {}

    private record Row(Map<String, Object> values, long addedMillis) {}

    private record FakeTable(List<Column> columns, List<Row> rows) {}

    private static final int ROWS_PER_RESPONSE = 500;
    private static final Pattern FROM = Pattern.compile("created_at >= TIMESTAMP '([^']+) UTC'");
    private static final Pattern BEFORE = Pattern.compile("\\(created_at IS NULL OR created_at < TIMESTAMP '([^']+) UTC'\\)");
    private static final DateTimeFormatter SQL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSSSSS");
    private static final DateTimeFormatter CSV_TIME = new java.time.format.DateTimeFormatterBuilder()
            .appendPattern("yyyy-MM-dd HH:mm:ss").appendFraction(java.time.temporal.ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter();

    private final Map<String, FakeTable> tables = new ConcurrentHashMap<>();
    private final Map<String, List<GenericRecord>> streams = new ConcurrentHashMap<>();
    private final Map<String, Schema> streamSchemas = new ConcurrentHashMap<>();
    private final Server server;
    private volatile boolean breakStreamsOnce;
    private final Map<String, Boolean> broken = new ConcurrentHashMap<>();
    private volatile Status denyAll;
    private final AtomicLong sessionFailuresLeft = new AtomicLong();
    public final AtomicLong sessions = new AtomicLong();
    public final AtomicLong resumedReads = new AtomicLong();
    public final AtomicLong brokenStreams = new AtomicLong();
    public final List<String> restrictions = new CopyOnWriteArrayList<>();
    public final List<List<String>> selectedFields = new CopyOnWriteArrayList<>();

    public FakeBigQueryRead() throws IOException {
        server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(this).build().start();
    }

    /** {@code http://127.0.0.1:port}, as {@code --source-read-endpoint} takes it. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getPort();
    }

    /** Adds the rows of a CSV file (a header row; empty field = NULL) to {@code projects/P/datasets/D/tables/T}. */
    public void addCsv(String project, String dataset, String table, List<Column> columns, Path csv) throws IOException {
        FakeTable t = tables.computeIfAbsent(path(project, dataset, table), k -> new FakeTable(columns, new CopyOnWriteArrayList<>()));
        long now = System.currentTimeMillis();
        List<Row> added = new ArrayList<>();
        try (CSVParser parser = CSVParser.parse(Files.newBufferedReader(csv, StandardCharsets.UTF_8),
                CSVFormat.RFC4180.builder().setHeader().setSkipHeaderRecord(true).build())) {
            for (CSVRecord r : parser) {
                Map<String, Object> values = new LinkedHashMap<>();
                for (Column c : columns) {
                    String raw = r.isMapped(c.name()) ? r.get(c.name()) : "";
                    values.put(c.name(), raw.isEmpty() ? null : value(c.type(), raw));
                }
                added.add(new Row(values, now));
            }
        }
        t.rows().addAll(added);
    }

    /** Adds one row as given (values by column name, BigQuery-typed: Long, Double, String, TIMESTAMP as Instant). */
    public void addRow(String project, String dataset, String table, Map<String, Object> values) {
        FakeTable t = tables.get(path(project, dataset, table));
        Map<String, Object> typed = new LinkedHashMap<>();
        for (Column c : t.columns()) {
            Object v = values.get(c.name());
            typed.put(c.name(), v instanceof Instant i ? i.getEpochSecond() * 1_000_000L + i.getNano() / 1000 : v);
        }
        t.rows().add(new Row(typed, System.currentTimeMillis()));
    }

    public int rowCount(String project, String dataset, String table) {
        FakeTable t = tables.get(path(project, dataset, table));
        return t == null ? 0 : t.rows().size();
    }

    private static Object value(String type, String raw) {
        return switch (type) {
            case "INT64" -> Long.parseLong(raw.trim());
            case "FLOAT64" -> Double.parseDouble(raw.trim());
            case "TIMESTAMP" -> micros(raw);
            default -> raw;
        };
    }

    /** The theLook CSV forms: {@code 2024-01-15 10:23:45[.ffffff][ UTC|+00:00]}. */
    private static long micros(String raw) {
        String s = raw.trim().replaceAll("\\s*(UTC|Z|[+]00:?00)$", "").replaceFirst("^(\\d{4}-\\d{2}-\\d{2})T", "$1 ");
        LocalDateTime t = LocalDateTime.parse(s, CSV_TIME);
        Instant i = t.toInstant(ZoneOffset.UTC);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    /** Each stream fails once with UNAVAILABLE after its first response, until turned off. */
    public void breakEachStreamOnce(boolean on) {
        this.breakStreamsOnce = on;
    }

    /** The next {@code n} CreateReadSession calls fail with UNAVAILABLE (a transient error the client retries). */
    public void failNextSessions(int n) {
        sessionFailuresLeft.set(n);
    }

    public void denyAll(Status status) {
        this.denyAll = status;
    }

    private static String path(String project, String dataset, String table) {
        return "projects/" + project + "/datasets/" + dataset + "/tables/" + table;
    }

    @Override
    public void createReadSession(CreateReadSessionRequest request, StreamObserver<ReadSession> response) {
        if (denyAll != null) {
            response.onError(denyAll.withDescription("the caller does not have permission bigquery.readsessions.create")
                    .asRuntimeException());
            return;
        }
        if (sessionFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            response.onError(Status.UNAVAILABLE.withDescription("the fake failed this call on purpose").asRuntimeException());
            return;
        }
        ReadSession asked = request.getReadSession();
        FakeTable table = tables.get(asked.getTable());
        if (table == null) {
            response.onError(Status.NOT_FOUND.withDescription("Not found: Table " + asked.getTable()).asRuntimeException());
            return;
        }
        sessions.incrementAndGet();
        List<String> fields = asked.getReadOptions().getSelectedFieldsList();
        selectedFields.add(List.copyOf(fields));
        List<Column> columns = new ArrayList<>();
        for (String f : fields) {
            Column c = table.columns().stream().filter(col -> col.name().equals(f)).findFirst().orElse(null);
            if (c == null) {
                response.onError(Status.INVALID_ARGUMENT.withDescription("no column " + f).asRuntimeException());
                return;
            }
            columns.add(c);
        }
        if (columns.isEmpty()) {
            columns.addAll(table.columns());
        }
        long snapshotMillis = asked.getTableModifiers().hasSnapshotTime()
                ? asked.getTableModifiers().getSnapshotTime().getSeconds() * 1000 + asked.getTableModifiers().getSnapshotTime().getNanos() / 1_000_000
                : Long.MAX_VALUE;
        String restriction = asked.getReadOptions().getRowRestriction();
        restrictions.add(restriction);
        Long from = null;
        Long before = null;
        if (!restriction.isEmpty()) {
            for (String term : restriction.split(" AND (?![^(]*\\))")) {
                Matcher f = FROM.matcher(term.trim());
                Matcher b = BEFORE.matcher(term.trim());
                if (f.matches()) {
                    from = sqlMicros(f.group(1));
                } else if (b.matches()) {
                    before = sqlMicros(b.group(1));
                } else {
                    response.onError(Status.INVALID_ARGUMENT.withDescription("the fake does not understand the row restriction '"
                            + term + "'").asRuntimeException());
                    return;
                }
            }
        }
        Schema schema = avroSchema(columns);
        List<GenericRecord> matching = new ArrayList<>();
        long bytes = 0;
        for (Row row : table.rows()) {
            if (row.addedMillis() > snapshotMillis) {
                continue;
            }
            Long created = (Long) row.values().get("created_at");
            if (from != null && (created == null || created < from) || before != null && created != null && created >= before) {
                continue;
            }
            GenericRecord r = new GenericData.Record(schema);
            for (Column c : columns) {
                Object v = row.values().get(c.name());
                r.put(c.name(), v);
                bytes += v == null ? 0 : v instanceof String s ? s.length() + 2 : 8;
            }
            matching.add(r);
        }
        int count = Math.max(1, Math.min(request.getMaxStreamCount() == 0 ? 3 : request.getMaxStreamCount(),
                Math.max(1, matching.size() / 50)));
        String sessionName = "projects/" + request.getParent().replaceFirst("^projects/", "") + "/locations/us/sessions/"
                + UUID.randomUUID();
        ReadSession.Builder session = ReadSession.newBuilder(asked).setName(sessionName)
                .setAvroSchema(AvroSchema.newBuilder().setSchema(schema.toString())).setEstimatedTotalBytesScanned(bytes);
        if (!matching.isEmpty()) {
            for (int s = 0; s < count; s++) {
                List<GenericRecord> part = new ArrayList<>();
                for (int i = s; i < matching.size(); i += count) {
                    part.add(matching.get(i));
                }
                String name = sessionName + "/streams/" + s;
                streams.put(name, part);
                streamSchemas.put(name, schema);
                session.addStreams(ReadStream.newBuilder().setName(name));
            }
        }
        response.onNext(session.build());
        response.onCompleted();
    }

    private static long sqlMicros(String text) {
        Instant i = LocalDateTime.parse(text, SQL_TIME).toInstant(ZoneOffset.UTC);
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    /** As BigQuery sends a session's schema: a record of nullable columns, TIMESTAMP as long timestamp-micros. */
    private static Schema avroSchema(List<Column> columns) {
        SchemaBuilder.FieldAssembler<Schema> fields = SchemaBuilder.record("__root__").fields();
        for (Column c : columns) {
            Schema type = switch (c.type()) {
                case "INT64" -> Schema.create(Schema.Type.LONG);
                case "FLOAT64" -> Schema.create(Schema.Type.DOUBLE);
                case "TIMESTAMP" -> LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
                default -> Schema.create(Schema.Type.STRING);
            };
            fields = fields.name(c.name()).type(Schema.createUnion(Schema.create(Schema.Type.NULL), type)).withDefault(null);
        }
        return fields.endRecord();
    }

    @Override
    public void readRows(ReadRowsRequest request, StreamObserver<ReadRowsResponse> response) {
        List<GenericRecord> rows = streams.get(request.getReadStream());
        if (rows == null) {
            response.onError(Status.NOT_FOUND.withDescription("no stream " + request.getReadStream()).asRuntimeException());
            return;
        }
        if (request.getOffset() > 0) {
            resumedReads.incrementAndGet();
        }
        Schema schema = streamSchemas.get(request.getReadStream());
        GenericDatumWriter<GenericRecord> writer = new GenericDatumWriter<>(schema);
        int sent = 0;
        try {
            for (int start = (int) request.getOffset(); start < rows.size(); start += ROWS_PER_RESPONSE) {
                if (breakStreamsOnce && sent > 0 && broken.putIfAbsent(request.getReadStream(), true) == null) {
                    brokenStreams.incrementAndGet();
                    response.onError(Status.UNAVAILABLE.withDescription("the fake broke this stream on purpose").asRuntimeException());
                    return;
                }
                int end = Math.min(rows.size(), start + ROWS_PER_RESPONSE);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
                for (int i = start; i < end; i++) {
                    writer.write(rows.get(i), encoder);
                }
                encoder.flush();
                response.onNext(ReadRowsResponse.newBuilder().setRowCount(end - start)
                        .setAvroRows(AvroRows.newBuilder().setSerializedBinaryRows(ByteString.copyFrom(out.toByteArray()))).build());
                sent++;
            }
            response.onCompleted();
        } catch (IOException e) {
            response.onError(Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException());
        }
    }

    @Override
    public void splitReadStream(SplitReadStreamRequest request, StreamObserver<SplitReadStreamResponse> response) {
        response.onError(Status.UNIMPLEMENTED.withDescription("the fake does not split streams").asRuntimeException());
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
