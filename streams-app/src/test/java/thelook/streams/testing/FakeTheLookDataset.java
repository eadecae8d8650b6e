package thelook.streams.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import thelook.schemas.TheLookTable;

/**
 * A theLook CSV directory served as a BigQuery dataset by the two fakes ({@link FakeBigQueryRest} for table
 * metadata, {@link FakeBigQueryRead} for the rows), with BigQuery's column types and one extra column per
 * table that no schema knows (real datasets have more columns than the marts read).
 */
public final class FakeTheLookDataset {
    public static final String EXTRA_COLUMN = "loaded_by";
    private static final ObjectMapper JSON = new ObjectMapper();

    private FakeTheLookDataset() {}

    public static void serve(Path csvDir, String project, String dataset, FakeBigQueryRest rest, FakeBigQueryRead read)
            throws IOException {
        rest.addDataset(project, dataset);
        for (TheLookTable table : TheLookTable.values()) {
            Path csv = csvDir.resolve(table.tableName() + ".csv");
            if (!Files.exists(csv)) {
                continue;
            }
            List<FakeBigQueryRead.Column> columns = columns(table);
            read.addCsv(project, dataset, table.tableName(), columns, csv);
            rest.putTable(project, dataset, table.tableName(), tableJson(project, dataset, table.tableName(), columns,
                    read.rowCount(project, dataset, table.tableName()), Files.size(csv)));
        }
    }

    /** theLook's BigQuery columns: the schema's, typed as BigQuery types them, plus the extra one. */
    public static List<FakeBigQueryRead.Column> columns(TheLookTable table) {
        List<FakeBigQueryRead.Column> columns = new ArrayList<>();
        for (Schema.Field f : table.schema().getFields()) {
            Schema s = f.schema().getTypes().get(1);
            String type = s.getLogicalType() instanceof LogicalTypes.TimestampMicros ? "TIMESTAMP"
                    : switch (s.getType()) {
                        case LONG -> "INT64";
                        case DOUBLE -> "FLOAT64";
                        default -> "STRING";
                    };
            columns.add(new FakeBigQueryRead.Column(f.name(), type));
        }
        columns.add(new FakeBigQueryRead.Column(EXTRA_COLUMN, "STRING"));
        return columns;
    }

    public static ObjectNode tableJson(String project, String dataset, String table, List<FakeBigQueryRead.Column> columns,
                                       long rows, long bytes) {
        ObjectNode t = JSON.createObjectNode().put("kind", "bigquery#table").put("id", project + ":" + dataset + "." + table)
                .put("type", "TABLE").put("numRows", Long.toString(rows)).put("numBytes", Long.toString(bytes));
        t.putObject("tableReference").put("projectId", project).put("datasetId", dataset).put("tableId", table);
        ArrayNode fields = t.putObject("schema").putArray("fields");
        for (FakeBigQueryRead.Column c : columns) {
            fields.addObject().put("name", c.name()).put("type", c.type()).put("mode", "NULLABLE");
        }
        return t;
    }
}
