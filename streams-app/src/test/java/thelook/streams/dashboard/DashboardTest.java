package thelook.streams.dashboard;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import thelook.backfill.source.OnError;
import thelook.schemas.testing.ApicurioRegistry;
import thelook.streams.app.DemoService;
import thelook.streams.app.JobListener;
import thelook.streams.app.KafkaClients;
import thelook.streams.app.MartsService;
import thelook.streams.app.RegistrySettings;
import thelook.streams.app.SinkOptions;
import thelook.streams.app.SourceSpec;
import thelook.streams.names.TopicNames;
import thelook.streams.serving.ApiServer;
import thelook.streams.testing.Chromium;
import thelook.streams.topology.StoreKind;

/**
 * The demo (embedded broker and registry, a generated history, live activity straight to Kafka) with its dashboard in
 * a real headless Chromium: the page loads, its numbers are the API's, a customer lookup shows that customer and
 * their candidates, and the page moves as live events arrive. A screenshot is kept in target/dashboard.png.
 */
class DashboardTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path tmp;

    @Test
    void theDashboardShowsTheApisNumbersLooksUpACustomerAndMoves() throws Exception {
        ChromeDriver browser = Chromium.start(tmp.resolve("chromium"));
        var service = new MartsService.Options(new KafkaClients(null, Map.of()), new RegistrySettings(null, Map.of()),
                TopicNames.defaults(), "thelook-streams", tmp.resolve("state"), StoreKind.ROCKSDB, 2, 0, null, 100,
                ApicurioRegistry.freePort(), ApicurioRegistry.freePort(), null, OnError.FAIL, Duration.ofMinutes(2),
                new ApiServer.Settings(0, "localhost", 0, null, false), SinkOptions.none().withDuckdb(tmp.resolve("marts.duckdb")),
                SourceSpec.generate(500, 7));
        try (DemoService demo = DemoService.start(new DemoService.Options(service, 500, 7, "20/s", false), new JobListener() {})) {
            String base = "http://localhost:" + demo.service().apiPort();
            assertThat(demo.live()).isEqualTo(DemoService.Live.KAFKA);
            awaitTrue(Duration.ofSeconds(90), () -> api(base, "/api/summary").path("customers").asLong() >= 500);

            browser.get(base + "/");
            assertThat(browser.getTitle()).contains("thelook-streams");
            awaitTrue(Duration.ofSeconds(30), () -> !value(browser, "kpi-customers").isEmpty());

            // The KPIs are the API's: the page refreshes every 2 s and live rows keep coming, so they must agree at some refresh
            awaitTrue(Duration.ofSeconds(30), () -> {
                JsonNode before = api(base, "/api/summary");
                List<String> page = List.of(value(browser, "kpi-customers"), value(browser, "kpi-orders"), value(browser, "kpi-views"));
                JsonNode after = api(base, "/api/summary");
                return List.of(before, after).stream().anyMatch(s -> page.equals(List.of(s.get("customers").asText(),
                        s.get("total_orders").asText(), s.get("total_product_views").asText())));
            });
            awaitTrue(Duration.ofSeconds(30), () -> {
                double revenue = Double.parseDouble(value(browser, "kpi-revenue"));
                return Math.abs(revenue - api(base, "/api/summary").get("total_order_revenue").asDouble()) < 0.005;
            });
            // Top products: the API's first page by revenue, in its order
            awaitTrue(Duration.ofSeconds(30), () -> {
                List<String> shown = column(browser, "#top-products tbody tr", "productId");
                List<String> expected = new ArrayList<>();
                api(base, "/api/products?sort=total_product_revenue&order=desc&limit=10").get("rows")
                        .forEach(r -> expected.add(r.get("product_id").asText()));
                return !shown.isEmpty() && shown.equals(expected);
            });
            awaitTrue(Duration.ofSeconds(30), () -> !column(browser, "#top-cross-sell tbody tr", "userId").isEmpty(),
                    () -> "no cross-sell rows on the page; its error line: " + browser.findElement(By.id("error")).getText());
            assertThat(browser.findElement(By.id("event-time")).getText()).matches("\\d{4}-\\d{2}-\\d{2} .*UTC");

            // A customer lookup: the user of the top cross-sell candidate. Live activity may buy what that user viewed (the
            // candidate disappears), so the page's candidates must equal the API's at the lookup, and some lookup must show some
            String[] user = new String[1];
            awaitTrue(Duration.ofSeconds(60), () -> {
                user[0] = column(browser, "#top-cross-sell tbody tr", "userId").get(0);
                List<String> before = candidates(base, user[0]);
                browser.executeScript("document.getElementById('lookup-result').replaceChildren()"); // no earlier answer counts
                WebElement input = browser.findElement(By.id("lookup-input"));
                input.clear();
                input.sendKeys(user[0]);
                browser.findElement(By.id("lookup-button")).click();
                try {
                    awaitTrue(Duration.ofSeconds(15), () -> !browser.findElements(By.cssSelector("#customer-" + user[0])).isEmpty());
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                List<String> shown = column(browser, "#lookup-cross-sell tbody tr", "productId");
                List<String> after = candidates(base, user[0]);
                return !shown.isEmpty() && (shown.equals(before) || shown.equals(after));
            }, () -> "the lookup's candidates never matched the API's");
            JsonNode customer = api(base, "/api/customers/" + user[0]);
            WebElement sessions = browser.findElement(By.cssSelector("#lookup-result [data-field=total_sessions]"));
            assertThat(Long.parseLong(sessions.getDomAttribute("data-value"))).isLessThanOrEqualTo(customer.get("total_sessions").asLong());
            String tier = browser.findElement(By.cssSelector("#lookup-result [data-field=engagement_tier]")).getDomAttribute("data-value");
            assertThat(tier).isIn("high", "medium", "low");
            assertThat(browser.findElement(By.id("engagement")).getText()).matches("engagement: .*% high · .*% medium · .*% low");

            // It moves: live activity changes the views without a reload
            String views = value(browser, "kpi-views");
            awaitTrue(Duration.ofSeconds(60), () -> !value(browser, "kpi-views").equals(views));

            Path shot = Path.of("target", "dashboard.png");
            Files.createDirectories(shot.getParent());
            Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
            assertThat(demo.liveRows()).isPositive();
        } finally {
            browser.quit();
        }
    }

    /** A data attribute of every row, read in one script (the page re-renders its tables every 2 s). */
    @SuppressWarnings("unchecked")
    private static List<String> column(ChromeDriver browser, String rows, String attribute) {
        return (List<String>) browser.executeScript("return [...document.querySelectorAll(arguments[0])].map(r => r.dataset[arguments[1]])",
                rows, attribute);
    }

    /** The product ids of a user's candidates as the API lists them on the dashboard's lookup (first 10). */
    private static List<String> candidates(String base, String user) {
        List<String> ids = new ArrayList<>();
        api(base, "/api/customers/" + user + "/cross-sell?limit=10").get("rows").forEach(r -> ids.add(r.get("product_id").asText()));
        return ids;
    }

    private static String value(ChromeDriver browser, String id) {
        String v = browser.findElement(By.id(id)).getDomAttribute("data-value");
        return v == null ? "" : v;
    }

    private static JsonNode api(String base, String path) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readTree(r.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitTrue(Duration within, BooleanSupplier condition) throws InterruptedException {
        awaitTrue(within, condition, () -> "");
    }

    private static void awaitTrue(Duration within, BooleanSupplier condition, java.util.function.Supplier<String> why)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + within + " " + why.get());
            }
            Thread.sleep(250);
        }
    }
}
