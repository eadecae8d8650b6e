package thelook.streams.regression;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The independent batch oracle: the dbt models of docs/marts.md as DuckDB SQL over the CSV directory
 * (src/test/resources/oracle). It shares no code with the streaming path: its own CSV reader, its own
 * timestamp parsing, its own URI regex.
 */
final class BatchOracle implements AutoCloseable {
    private final Connection connection;

    private BatchOracle(Connection connection) {
        this.connection = connection;
    }

    /** An in-memory DuckDB holding the input tables and the three batch marts. */
    static BatchOracle over(Path csvDir) throws SQLException {
        BatchOracle oracle = new BatchOracle(DriverManager.getConnection("jdbc:duckdb:"));
        String dir = csvDir.toAbsolutePath().toString().replace("'", "''");
        oracle.run(resource("load_tables.sql").replace("${dir}", dir));
        oracle.run(resource("marts.sql"));
        return oracle;
    }

    Connection connection() {
        return connection;
    }

    void run(String script) throws SQLException {
        try (Statement st = connection.createStatement()) {
            for (String sql : script.split(";\\s*\\n")) {
                String trimmed = sql.strip();
                if (!trimmed.isEmpty() && !trimmed.lines().allMatch(l -> l.strip().startsWith("--") || l.isBlank())) {
                    st.execute(trimmed);
                }
            }
        }
    }

    private static String resource(String name) {
        try (InputStream in = BatchOracle.class.getResourceAsStream("/oracle/" + name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
