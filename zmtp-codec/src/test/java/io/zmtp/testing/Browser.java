package io.zmtp.testing;

import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Debian's headless Chromium driven through its own chromedriver, for the browser tests (the config
 * console's, and jszmq's page over ws in the interop tests). Shared here, in the codec's test-jar.
 * Nothing is downloaded: the binaries are {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}
 * (packages chromium and chromium-driver, which .ci/run installs). Without them the test is skipped
 * with a message on a developer's machine and fails in CI ({@code CI=true} or
 * {@code ZMTP_BROWSER_REQUIRED=true}), so a CI machine without a browser cannot pass silently.
 */
public final class Browser {
    public static final Path CHROMIUM = Path.of(System.getProperty("zmtp.chromium", "/usr/bin/chromium"));
    public static final Path CHROMEDRIVER = Path.of(System.getProperty("zmtp.chromedriver", "/usr/bin/chromedriver"));

    private Browser() {
    }

    /** Skips (developer machine) or fails (CI) unless both binaries are there. */
    public static void require() {
        if (Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER)) {
            return;
        }
        String why = "no headless browser: " + CHROMIUM + " and " + CHROMEDRIVER
                + " are needed (Debian packages chromium and chromium-driver; .ci/run installs them)";
        if ("true".equalsIgnoreCase(System.getenv("CI")) || "true".equalsIgnoreCase(System.getenv("ZMTP_BROWSER_REQUIRED"))) {
            Assertions.fail(why);
        }
        Assumptions.abort(why);
    }

    /**
     * A fresh headless Chromium with an empty profile in {@code profile}. The flags keep it off
     * the network beyond the page it is sent to (this machine refuses other connections, and
     * Chromium's background fetches would only slow it down) and let it run as root.
     */
    public static ChromeDriver start(Path profile, int width, int height) throws IOException {
        require();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--disable-extensions", "--user-data-dir=" + Files.createDirectories(profile),
                "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(new File(profile.toFile(), "chromedriver.log"))
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        return driver;
    }
}
