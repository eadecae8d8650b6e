package thelook.streams.sink.bigquery;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Where and how the BigQuery sink writes.
 *
 * @param project        the project holding the dataset (also billed for the writes)
 * @param dataset        the dataset holding the three tables; it must exist
 * @param credentials    a service account key file, or null for Application Default Credentials
 * @param maxStaleness   the tables' {@code max_staleness}: how old a query's view of the CDC changes may be
 * @param apiEndpoint    the REST endpoint (tables and datasets), null for BigQuery's own; {@code http://...} means
 *                       plaintext without credentials (the fakes of the tests, an emulator)
 * @param writeEndpoint  the Storage Write API endpoint ({@code host:port}), null for BigQuery's own; with an
 *                       {@code http://} prefix plaintext without credentials
 * @param giveUpAfter    how long transient errors are retried before the sink stops with them
 */
public record BigQuerySettings(String project, String dataset, Path credentials, Duration maxStaleness, String apiEndpoint,
                               String writeEndpoint, Duration giveUpAfter) {
    public static final Duration DEFAULT_GIVE_UP_AFTER = Duration.ofMinutes(10);

    /** {@code PROJECT.DATASET} as the CLI takes it. */
    public static BigQuerySettings parse(String projectDotDataset, Path credentials, Duration maxStaleness, String apiEndpoint,
                                         String writeEndpoint) {
        int dot = projectDotDataset == null ? -1 : projectDotDataset.lastIndexOf('.');
        if (dot <= 0 || dot == projectDotDataset.length() - 1) {
            throw new IllegalArgumentException("--bigquery takes PROJECT.DATASET (for example my-project.thelook_marts), not "
                    + projectDotDataset);
        }
        String dataset = projectDotDataset.substring(dot + 1);
        if (!dataset.matches("[A-Za-z0-9_]{1,1024}")) {
            throw new IllegalArgumentException("--bigquery " + projectDotDataset + ": a dataset name has only letters, digits and"
                    + " underscores");
        }
        if (maxStaleness.isNegative()) {
            throw new IllegalArgumentException("--bigquery-max-staleness-s must be 0 or more");
        }
        return new BigQuerySettings(projectDotDataset.substring(0, dot), dataset, credentials, maxStaleness, apiEndpoint, writeEndpoint,
                DEFAULT_GIVE_UP_AFTER);
    }

    public String describe() {
        return project + "." + dataset + (apiEndpoint != null || writeEndpoint != null
                ? " (endpoints " + (apiEndpoint != null ? apiEndpoint : "default") + ", " + (writeEndpoint != null ? writeEndpoint : "default") + ")"
                : "");
    }
}
