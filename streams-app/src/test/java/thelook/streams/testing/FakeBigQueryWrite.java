package thelook.streams.testing;

import com.google.cloud.bigquery.storage.v1.AppendRowsRequest;
import com.google.cloud.bigquery.storage.v1.AppendRowsResponse;
import com.google.cloud.bigquery.storage.v1.BigQueryWriteGrpc;
import com.google.cloud.bigquery.storage.v1.GetWriteStreamRequest;
import com.google.cloud.bigquery.storage.v1.RowError;
import com.google.cloud.bigquery.storage.v1.WriteStream;
import com.google.protobuf.ByteString;
import com.google.protobuf.DescriptorProtos;
import com.google.protobuf.Descriptors;
import com.google.protobuf.DynamicMessage;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * NOT BigQuery: a stand-in for the Storage Write API's {@code BigQueryWrite} service, for tests only
 * (no BigQuery emulator can run here). A plaintext gRPC server on a free loopback port that decodes each
 * request's rows with the writer schema the client sent and applies their {@code _CHANGE_TYPE} to an
 * in-memory table in arrival order, keeping, as BigQuery does, only the first row of a key in a request.
 * It can fail a share of the appends (a broken connection before applying or after it, as a lost
 * response would; or an answer of RESOURCE_EXHAUSTED, INTERNAL or ABORTED), refuse chosen rows with row
 * errors, or deny every write.
 */
public final class FakeBigQueryWrite extends BigQueryWriteGrpc.BigQueryWriteImplBase implements AutoCloseable {
    /** Tables by name: rows by key (the key columns' values), each row as column -> value. */
    private final Map<String, Map<List<Object>, Map<String, Object>>> tables = new ConcurrentHashMap<>();
    private final Map<String, List<String>> keyColumns;
    private final Random random = new Random(7);
    private final Server server;
    private volatile double failureRate;
    private volatile BiFunction<String, Map<String, Object>, String> rowRefusal = (table, row) -> null;
    private volatile Status denyAll;
    public final AtomicLong appends = new AtomicLong();
    public final AtomicLong injectedFailures = new AtomicLong();
    public final AtomicLong deletes = new AtomicLong();
    public final AtomicLong refusedRows = new AtomicLong();

    /** @param keyColumns each table's primary key columns */
    public FakeBigQueryWrite(Map<String, List<String>> keyColumns) throws IOException {
        this.keyColumns = keyColumns;
        this.server = Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create()).addService(this).build().start();
    }

    /** {@code http://127.0.0.1:port}, as the sink's {@code --bigquery-write-endpoint} takes it. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getPort();
    }

    public void failAShareOfAppends(double rate) {
        this.failureRate = rate;
    }

    /** Rows for which {@code refusal} returns a reason get a row error, and their request is not applied. */
    public void refuseRows(BiFunction<String, Map<String, Object>, String> refusal) {
        this.rowRefusal = refusal;
    }

    public void denyAll(Status status) {
        this.denyAll = status;
    }

    public Map<List<Object>, Map<String, Object>> table(String name) {
        return tables.getOrDefault(name, Map.of());
    }

    @Override
    public void getWriteStream(GetWriteStreamRequest request, StreamObserver<WriteStream> response) {
        response.onNext(WriteStream.newBuilder().setName(request.getName()).setLocation("US").build());
        response.onCompleted();
    }

    @Override
    public StreamObserver<AppendRowsRequest> appendRows(StreamObserver<AppendRowsResponse> response) {
        return new StreamObserver<>() {
            private String stream;
            private Descriptors.Descriptor descriptor;
            private boolean failed;

            @Override
            public void onNext(AppendRowsRequest request) {
                if (failed) {
                    return;
                }
                if (!request.getWriteStream().isEmpty()) {
                    stream = request.getWriteStream();
                }
                if (request.getProtoRows().hasWriterSchema()) {
                    descriptor = descriptor(request.getProtoRows().getWriterSchema().getProtoDescriptor());
                }
                synchronized (FakeBigQueryWrite.this) {
                    appends.incrementAndGet();
                    if (denyAll != null) {
                        fail(denyAll);
                        return;
                    }
                    boolean failAfter = false;
                    if (random.nextDouble() < failureRate) {
                        injectedFailures.incrementAndGet();
                        switch (random.nextInt(3)) {
                            case 0 -> { // the connection breaks: the client reconnects and resends by itself
                                fail(Status.UNAVAILABLE.withDescription("injected by the fake before applying"));
                                return;
                            }
                            case 1 -> { // an answer that refuses the request: the sink's own retry
                                Status.Code code = List.of(Status.Code.RESOURCE_EXHAUSTED, Status.Code.INTERNAL, Status.Code.ABORTED)
                                        .get(random.nextInt(3));
                                response.onNext(AppendRowsResponse.newBuilder().setWriteStream(stream).setError(com.google.rpc.Status
                                        .newBuilder().setCode(code.value()).setMessage("injected by the fake")).build());
                                return;
                            }
                            default -> failAfter = true;
                        }
                    }
                    String table = stream.replaceAll(".*/tables/([^/]+)(/.*)?$", "$1");
                    List<Map<String, Object>> rows = new ArrayList<>();
                    for (ByteString bytes : request.getProtoRows().getRows().getSerializedRowsList()) {
                        rows.add(decode(bytes));
                    }
                    List<RowError> errors = new ArrayList<>();
                    for (int i = 0; i < rows.size(); i++) {
                        String reason = rowRefusal.apply(table, rows.get(i));
                        if (reason != null) {
                            errors.add(RowError.newBuilder().setIndex(i).setCode(RowError.RowErrorCode.FIELDS_ERROR).setMessage(reason).build());
                        }
                    }
                    if (!errors.isEmpty()) { // BigQuery applies none of a request with row errors
                        refusedRows.addAndGet(errors.size());
                        response.onNext(AppendRowsResponse.newBuilder().setWriteStream(stream).addAllRowErrors(errors)
                                .setError(com.google.rpc.Status.newBuilder().setCode(Status.Code.INVALID_ARGUMENT.value())
                                        .setMessage("rows refused")).build());
                        return;
                    }
                    apply(table, rows);
                    if (failAfter) {
                        fail(Status.UNAVAILABLE.withDescription("injected by the fake after applying (a lost response)"));
                        return;
                    }
                    response.onNext(AppendRowsResponse.newBuilder().setWriteStream(stream)
                            .setAppendResult(AppendRowsResponse.AppendResult.newBuilder()).build());
                }
            }

            private void fail(Status status) {
                failed = true;
                response.onError(status.asRuntimeException());
            }

            private Map<String, Object> decode(ByteString bytes) {
                try {
                    DynamicMessage m = DynamicMessage.parseFrom(descriptor, bytes);
                    Map<String, Object> row = new LinkedHashMap<>();
                    m.getAllFields().forEach((f, v) -> row.put(f.getName().toLowerCase(Locale.ROOT), v));
                    return row;
                } catch (IOException e) {
                    throw Status.INVALID_ARGUMENT.withDescription("undecodable row: " + e.getMessage()).asRuntimeException();
                }
            }

            @Override
            public void onError(Throwable t) {
                // the client went away
            }

            @Override
            public void onCompleted() {
                response.onCompleted();
            }
        };
    }

    /** In arrival order; of several rows with one key in a request only the first counts, as in BigQuery. */
    private void apply(String table, List<Map<String, Object>> rows) {
        Map<List<Object>, Map<String, Object>> t = tables.computeIfAbsent(table, n -> new ConcurrentHashMap<>());
        List<String> keys = keyColumns.get(table);
        Set<List<Object>> seen = new HashSet<>();
        for (Map<String, Object> row : rows) {
            List<Object> key = keys.stream().map(row::get).toList();
            if (!seen.add(key)) {
                continue;
            }
            Object change = row.remove("_change_type");
            if ("DELETE".equals(change)) {
                t.remove(key);
                deletes.incrementAndGet();
            } else if ("UPSERT".equals(change)) {
                t.put(key, row);
            } else {
                throw Status.INVALID_ARGUMENT.withDescription("_CHANGE_TYPE must be UPSERT or DELETE, not " + change).asRuntimeException();
            }
        }
    }

    private static Descriptors.Descriptor descriptor(DescriptorProtos.DescriptorProto proto) {
        try {
            var file = DescriptorProtos.FileDescriptorProto.newBuilder().setName("writer.proto").addMessageType(proto).build();
            return Descriptors.FileDescriptor.buildFrom(file, new Descriptors.FileDescriptor[0]).findMessageTypeByName(proto.getName());
        } catch (Descriptors.DescriptorValidationException e) {
            throw Status.INVALID_ARGUMENT.withDescription("bad writer schema: " + e.getMessage()).asRuntimeException();
        }
    }

    @Override
    public void close() {
        server.shutdownNow();
    }
}
