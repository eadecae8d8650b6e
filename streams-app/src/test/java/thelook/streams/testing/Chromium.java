package thelook.streams.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven by its ChromeDriver (Selenium), for the dashboard's tests. Skips the test with a
 * message where either is absent, except under {@code CI=true}, where .ci/run installs them and their absence fails.
 */
public final class Chromium {
    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    private Chromium() {}

    /** A fresh browser with its own empty profile under {@code profileDir}; quit() it after. */
    public static ChromeDriver start(Path profileDir) throws Exception {
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError("chromium or chromedriver is missing in CI: .ci/run should have installed them"
                        + " (apt-get install chromium chromium-driver)");
            }
            assumeTrue(false, "Chromium is not installed (apt-get install chromium chromium-driver): skipped");
        }
        Files.createDirectories(profileDir);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        // Headless as root in a sandbox-less container; no background traffic (this machine has no outside network)
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                "--window-size=1300,1000", "--user-data-dir=" + profileDir.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(DRIVER.toString()))
                .usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }
}
