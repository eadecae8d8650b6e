package thelook.streams.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;
import thelook.backfill.bigquery.BigQuerySourceSettings;
import thelook.streams.app.SourceSpec;

/** Where the rows come from: the same options on {@code backfill}, {@code replay} and {@code run} (docs/backfill.md). */
final class SourceCliOptions {
    @Option(names = "--source", paramLabel = "SOURCE", description = "csv:DIR, generate:users=N,seed=S, or bigquery:PROJECT.DATASET"
            + " (bigquery: alone reads the public " + BigQuerySourceSettings.PUBLIC_PROJECT + "." + BigQuerySourceSettings.PUBLIC_DATASET
            + "). docs/backfill.md.")
    String source;

    @Option(names = "--input", paramLabel = "DIR", description = "Short for --source csv:DIR: a directory with <table>.csv files"
            + " (docs/marts.md, section 1).")
    Path input;

    @Option(names = "--project", paramLabel = "PROJECT", description = "BigQuery: the project billed for the reads; default: the"
            + " one of the Application Default Credentials.")
    String project;

    @Option(names = "--source-credentials", paramLabel = "FILE", description = "BigQuery: a service account key file; default:"
            + " Application Default Credentials. Never printed.")
    Path credentials;

    @Option(names = "--bigquery-streams", defaultValue = "4", paramLabel = "N", description = "BigQuery: read streams per table,"
            + " read in parallel (default: ${DEFAULT-VALUE}).")
    int streams;

    @Option(names = "--source-api-endpoint", hidden = true, description = "BigQuery REST endpoint (tests: http://host:port).")
    String apiEndpoint;

    @Option(names = "--source-read-endpoint", hidden = true, description = "BigQuery Storage Read endpoint (tests: http://host:port).")
    String readEndpoint;

    boolean given() {
        return source != null || input != null;
    }

    /** The source named, or null when none is. */
    SourceSpec spec() {
        if (source != null && input != null) {
            throw new IllegalArgumentException("--input DIR is short for --source csv:DIR: give one of them");
        }
        if (input != null) {
            return SourceSpec.csv(input);
        }
        if (source == null) {
            return null;
        }
        return SourceSpec.parse(source, dataset -> BigQuerySourceSettings.parse(dataset, project, credentials, apiEndpoint,
                readEndpoint, streams));
    }
}
