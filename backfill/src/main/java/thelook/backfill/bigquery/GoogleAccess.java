package thelook.backfill.bigquery;

import com.google.auth.Credentials;
import com.google.auth.oauth2.GoogleCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How both BigQuery paths (this source and the sink), and Pub/Sub, reach Google: credentials and endpoints. An endpoint
 * {@code http://host:port} is plaintext without credentials (the tests' fakes); anything else uses TLS and
 * Application Default Credentials or a key file. Credentials are never printed.
 */
public final class GoogleAccess {
    private static final String SCOPE = "https://www.googleapis.com/auth/bigquery";

    private GoogleAccess() {}

    public static boolean plaintext(String endpoint) {
        return endpoint != null && endpoint.startsWith("http://");
    }

    /** {@code http://host:port} or {@code host:port} -> {@code host:port}. */
    public static String hostPort(String endpoint) {
        return endpoint.replaceFirst("^https?://", "").replaceFirst("/$", "");
    }

    /**
     * The credentials for BigQuery: none when every endpoint is plaintext, else the key file, else Application
     * Default Credentials.
     *
     * @param keyFlag the option that takes a key file, for the message
     * @throws IllegalStateException saying what to set up
     */
    public static Credentials credentials(Path keyFile, String keyFlag, String... endpoints) {
        boolean allPlaintext = endpoints.length > 0;
        for (String e : endpoints) {
            allPlaintext &= plaintext(e);
        }
        return allPlaintext ? null : credentials("BigQuery", SCOPE, keyFile, keyFlag);
    }

    /**
     * Google credentials for {@code service} with {@code scope}: the key file, else Application Default Credentials.
     *
     * @throws IllegalStateException saying what to set up
     */
    public static Credentials credentials(String service, String scope, Path keyFile, String keyFlag) {
        try {
            if (keyFile != null) {
                try (InputStream in = Files.newInputStream(keyFile)) {
                    return GoogleCredentials.fromStream(in).createScoped(scope);
                }
            }
            return GoogleCredentials.getApplicationDefault().createScoped(scope);
        } catch (IOException e) {
            throw new IllegalStateException("no " + service + " credentials: " + (keyFile != null
                    ? "cannot read the key file " + keyFile + " (" + e.getClass().getSimpleName() + ")"
                    : "Application Default Credentials are not set up (run `gcloud auth application-default login`,"
                    + " or set GOOGLE_APPLICATION_CREDENTIALS, or pass " + keyFlag + " FILE)"), e);
        }
    }
}
