package thelook.streams.sink.bigquery;

import com.google.api.services.bigquery.model.Clustering;
import com.google.api.services.bigquery.model.Table;
import com.google.api.services.bigquery.model.TableConstraints;
import com.google.api.services.bigquery.model.TableFieldSchema;
import com.google.api.services.bigquery.model.TableReference;
import com.google.api.services.bigquery.model.TableSchema;
import com.google.cloud.bigquery.storage.v1.BQTableSchemaToProtoDescriptor;
import com.google.protobuf.Descriptors;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import thelook.streams.sink.MartTable;

/**
 * The BigQuery tables of the marts: dbt column names in the marts' order, INT64 / FLOAT64 / TIMESTAMP /
 * STRING, {@code PRIMARY KEY (...) NOT ENFORCED} on the key (which CDC upserts need), clustered on the
 * key, and {@code max_staleness}; and the protobuf row the Storage Write API takes, the columns plus the
 * {@code _CHANGE_TYPE} pseudo-column.
 */
final class TableDefinitions {
    static final String CHANGE_TYPE = "_CHANGE_TYPE";

    private TableDefinitions() {}

    static Table table(String project, String dataset, MartTable t, Duration maxStaleness) {
        List<TableFieldSchema> fields = new ArrayList<>();
        for (MartTable.Column c : t.columns()) {
            fields.add(new TableFieldSchema().setName(c.name()).setType(c.type().name()).setMode(c.nullable() ? "NULLABLE" : "REQUIRED"));
        }
        return new Table()
                .setTableReference(new TableReference().setProjectId(project).setDatasetId(dataset).setTableId(t.tableName()))
                .setDescription("Mart " + t.tableName() + ", kept equal to its Kafka topic by thelook-streams (CDC upserts and deletes)")
                .setSchema(new TableSchema().setFields(fields))
                .setTableConstraints(new TableConstraints().setPrimaryKey(new TableConstraints.PrimaryKey().setColumns(t.keyColumns())))
                .setClustering(new Clustering().setFields(t.keyColumns()))
                .setMaxStaleness(interval(maxStaleness));
    }

    /** BigQuery's INTERVAL literal as the REST API takes it: {@code Y-M D H:M:S}. */
    static String interval(Duration d) {
        long s = d.toSeconds();
        return String.format("0-0 %d %d:%d:%d", s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60, s % 60);
    }

    /** What an existing table must have for the sink to write it: the same columns, in order, of the same types. */
    static List<String> differences(Table existing, MartTable t) {
        List<String> out = new ArrayList<>();
        List<TableFieldSchema> fields = existing.getSchema() == null || existing.getSchema().getFields() == null ? List.of()
                : existing.getSchema().getFields();
        for (int i = 0; i < t.columns().size(); i++) {
            MartTable.Column c = t.columns().get(i);
            TableFieldSchema f = i < fields.size() ? fields.get(i) : null;
            if (f == null) {
                out.add("column " + c.name() + " is missing");
            } else if (!f.getName().equalsIgnoreCase(c.name()) || !sameType(f.getType(), c.type())) {
                out.add("column " + (i + 1) + " is " + f.getName() + " " + f.getType() + ", not " + c.name() + " " + c.type());
            }
        }
        TableConstraints constraints = existing.getTableConstraints();
        if (constraints == null || constraints.getPrimaryKey() == null
                || !t.keyColumns().equals(constraints.getPrimaryKey().getColumns())) {
            out.add("no PRIMARY KEY (" + String.join(", ", t.keyColumns()) + ") NOT ENFORCED, which CDC upserts need");
        }
        return out;
    }

    private static boolean sameType(String bigQuery, MartTable.Type type) {
        return switch (type) {
            case INT64 -> bigQuery.equals("INT64") || bigQuery.equals("INTEGER");
            case FLOAT64 -> bigQuery.equals("FLOAT64") || bigQuery.equals("FLOAT");
            case TIMESTAMP -> bigQuery.equals("TIMESTAMP");
            case STRING -> bigQuery.equals("STRING");
        };
    }

    /** The Storage Write API row: the columns plus {@code _CHANGE_TYPE}. */
    static Descriptors.Descriptor rowDescriptor(MartTable t) {
        var schema = com.google.cloud.bigquery.storage.v1.TableSchema.newBuilder();
        for (MartTable.Column c : t.columns()) {
            schema.addFields(com.google.cloud.bigquery.storage.v1.TableFieldSchema.newBuilder().setName(c.name())
                    .setType(switch (c.type()) {
                        case INT64 -> com.google.cloud.bigquery.storage.v1.TableFieldSchema.Type.INT64;
                        case FLOAT64 -> com.google.cloud.bigquery.storage.v1.TableFieldSchema.Type.DOUBLE;
                        case TIMESTAMP -> com.google.cloud.bigquery.storage.v1.TableFieldSchema.Type.TIMESTAMP;
                        case STRING -> com.google.cloud.bigquery.storage.v1.TableFieldSchema.Type.STRING;
                    })
                    .setMode(c.nullable() ? com.google.cloud.bigquery.storage.v1.TableFieldSchema.Mode.NULLABLE
                            : com.google.cloud.bigquery.storage.v1.TableFieldSchema.Mode.REQUIRED));
        }
        schema.addFields(com.google.cloud.bigquery.storage.v1.TableFieldSchema.newBuilder().setName(CHANGE_TYPE)
                .setType(com.google.cloud.bigquery.storage.v1.TableFieldSchema.Type.STRING)
                .setMode(com.google.cloud.bigquery.storage.v1.TableFieldSchema.Mode.REQUIRED));
        try {
            return BQTableSchemaToProtoDescriptor.convertBQTableSchemaToProtoDescriptor(schema.build());
        } catch (Descriptors.DescriptorValidationException e) {
            throw new IllegalStateException("the row descriptor of " + t.tableName() + ": " + e.getMessage(), e);
        }
    }
}
