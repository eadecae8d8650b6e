package thelook.backfill.bigquery;

import java.nio.file.Path;

/**
 * Where a BigQuery backfill reads and who pays.
 *
 * @param project        the project holding the dataset ({@code bigquery-public-data} by default)
 * @param dataset        the dataset with the theLook tables
 * @param billingProject the project the Storage Read API bills ({@code --project}); null: the one of the credentials
 * @param credentials    a service account key file, or null for Application Default Credentials
 * @param apiEndpoint    the REST endpoint (table metadata), null for BigQuery's own; {@code http://...} means plaintext
 *                       without credentials (the tests' fakes)
 * @param readEndpoint   the Storage Read API endpoint, null for BigQuery's own; {@code http://host:port} plaintext
 * @param maxStreams     read streams per table (BigQuery may give fewer)
 */
public record BigQuerySourceSettings(String project, String dataset, String billingProject, Path credentials, String apiEndpoint,
                                     String readEndpoint, int maxStreams) {
    public static final String PUBLIC_PROJECT = "bigquery-public-data";
    public static final String PUBLIC_DATASET = "thelook_ecommerce";

    /** {@code PROJECT.DATASET} after {@code bigquery:}; empty for the public theLook dataset. */
    public static BigQuerySourceSettings parse(String projectDotDataset, String billingProject, Path credentials, String apiEndpoint,
                                               String readEndpoint, int maxStreams) {
        String spec = projectDotDataset == null || projectDotDataset.isBlank() ? PUBLIC_PROJECT + "." + PUBLIC_DATASET
                : projectDotDataset.trim();
        int dot = spec.lastIndexOf('.');
        if (dot <= 0 || dot == spec.length() - 1) {
            throw new IllegalArgumentException("--source bigquery:" + projectDotDataset + ": expected bigquery:PROJECT.DATASET, for"
                    + " example bigquery:" + PUBLIC_PROJECT + "." + PUBLIC_DATASET);
        }
        String dataset = spec.substring(dot + 1);
        if (!dataset.matches("[A-Za-z0-9_]{1,1024}")) {
            throw new IllegalArgumentException("--source bigquery:" + spec + ": a dataset name has only letters, digits and underscores");
        }
        if (maxStreams < 1) {
            throw new IllegalArgumentException("--bigquery-streams must be at least 1");
        }
        return new BigQuerySourceSettings(spec.substring(0, dot), dataset, billingProject, credentials, apiEndpoint, readEndpoint,
                maxStreams);
    }

    public String datasetName() {
        return project + "." + dataset;
    }
}
