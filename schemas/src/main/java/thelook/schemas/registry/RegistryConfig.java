package thelook.schemas.registry;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/**
 * The registry client's settings, read from the same config names as Confluent's client so that a
 * Confluent Platform or Confluent Cloud configuration carries over unchanged. Each name is also
 * accepted with a {@code schema.registry.} prefix.
 *
 * @param authorization the value of the {@code Authorization} header, or null
 * @param maxRetries    retries after the first attempt on I/O errors and 5xx (never on 4xx);
 *                      {@link Integer#MAX_VALUE} waits for as long as the registry is away
 */
public record RegistryConfig(List<URI> urls, String authorization, int maxRetries, Duration retryWait,
                             Duration retryMaxWait, Duration connectTimeout, Duration requestTimeout) {

    public static final String URL = "schema.registry.url";
    public static final String BASIC_AUTH_SOURCE = "basic.auth.credentials.source";
    public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
    public static final String BEARER_AUTH_SOURCE = "bearer.auth.credentials.source";
    public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
    public static final String MAX_RETRIES = "max.retries";
    public static final String RETRIES_WAIT_MS = "retries.wait.ms";
    public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
    public static final String CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
    public static final String READ_TIMEOUT_MS = "http.read.timeout.ms";

    public static RegistryConfig from(Map<String, ?> config) {
        String urlList = string(config, URL, null);
        if (urlList == null || urlList.isBlank()) {
            throw new ConfigException(URL + " is required (a comma-separated list of registry URLs, or mock://<scope>)");
        }
        List<URI> urls = new ArrayList<>();
        for (String u : urlList.split(",")) {
            if (!u.isBlank()) {
                urls.add(parseUrl(u.trim()));
            }
        }
        return new RegistryConfig(urls, authorization(config, urls),
                (int) number(config, MAX_RETRIES, 3),
                Duration.ofMillis(number(config, RETRIES_WAIT_MS, 1000)),
                Duration.ofMillis(number(config, RETRIES_MAX_WAIT_MS, 20_000)),
                Duration.ofMillis(number(config, CONNECT_TIMEOUT_MS, 10_000)),
                Duration.ofMillis(number(config, READ_TIMEOUT_MS, 30_000)));
    }

    public RegistryConfig withMaxRetries(int retries) {
        return new RegistryConfig(urls, authorization, retries, retryWait, retryMaxWait, connectTimeout, requestTimeout);
    }

    /** The first URL's {@code mock://} scope, or null for a real registry. */
    public String mockScope() {
        URI first = urls.get(0);
        return "mock".equals(first.getScheme()) ? first.getSchemeSpecificPart().replaceFirst("^//", "") : null;
    }

    private static URI parseUrl(String text) {
        URI uri;
        try {
            uri = URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(URL, text, "not a URL: " + e.getMessage());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("mock")) {
            throw new ConfigException(URL, text, "expected an http://, https:// or mock:// URL");
        }
        return uri;
    }

    /** Basic auth from USER_INFO (the default) or from the URL's user info; or a static bearer token. */
    private static String authorization(Map<String, ?> config, List<URI> urls) {
        String bearerSource = string(config, BEARER_AUTH_SOURCE, null);
        String token = string(config, BEARER_AUTH_TOKEN, null);
        if (token != null && (bearerSource == null || bearerSource.equalsIgnoreCase("STATIC_TOKEN"))) {
            return "Bearer " + token;
        }
        if (bearerSource != null && !bearerSource.equalsIgnoreCase("STATIC_TOKEN")) {
            throw new ConfigException(BEARER_AUTH_SOURCE, bearerSource, "only STATIC_TOKEN is supported");
        }
        String source = string(config, BASIC_AUTH_SOURCE, "USER_INFO").toUpperCase(Locale.ROOT);
        String userInfo = switch (source) {
            case "USER_INFO" -> string(config, BASIC_AUTH_USER_INFO, null);
            case "URL" -> urls.get(0).getUserInfo();
            default -> throw new ConfigException(BASIC_AUTH_SOURCE, source, "expected USER_INFO or URL");
        };
        if (userInfo == null || userInfo.isEmpty()) {
            return null;
        }
        if (!userInfo.contains(":")) {
            throw new ConfigException(BASIC_AUTH_USER_INFO, "(hidden)", "expected <user>:<password>");
        }
        return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    }

    static String string(Map<String, ?> config, String name, String fallback) {
        Object v = config.get(name);
        if (v == null) {
            v = config.get("schema.registry." + name);
        }
        return v == null ? fallback : v.toString();
    }

    static boolean flag(Map<String, ?> config, String name, boolean fallback) {
        String v = string(config, name, null);
        return v == null ? fallback : Boolean.parseBoolean(v.trim());
    }

    private static long number(Map<String, ?> config, String name, long fallback) {
        String v = string(config, name, null);
        if (v == null) {
            return fallback;
        }
        try {
            return Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, v, "expected a whole number");
        }
    }
}
