package io.zmtp.config.console;

import io.zmtp.config.agent.ConfigAgent;
import io.zmtp.config.model.Change;
import io.zmtp.config.server.ConfigServer;
import io.zmtp.config.server.Whitelist;
import io.zmtp.config.store.H2ConfigStore;
import io.zmtp.config.store.StoreLimits;
import io.zmtp.socket.ZmtpContext;
import io.zmtp.testing.Browser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser: headless Chromium signs in as an admin of the whitelist, opens a
 * namespace, edits a key, previews the diff, publishes, and watches two real agents reach the new
 * revision in the rollout view without reloading the page (the Server-Sent Events stream updates
 * it); then rolls back from the history and signs out. The agents are the cross-check: the page
 * may only say "applied" for what they really hold. Screenshots of the main views go to
 * {@code target/console-screenshots/} (the README's picture of the rollout view is one of them).
 */
class ConsoleBrowserTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Duration HEARTBEAT = Duration.ofMillis(200);
    private static final String NS = "app/web";
    static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @TempDir
    Path dir;
    private ZmtpContext ctx;
    private H2ConfigStore store;
    private ConfigServer server;
    private ConsoleServer console;
    private ChromeDriver browser;
    private final List<ConfigAgent> agents = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        Browser.require();
        ctx = new ZmtpContext(2);
        store = H2ConfigStore.open(dir.resolve("data"), StoreLimits.defaults());
        Whitelist whitelist = new Whitelist()
                .node("web-1", "pw-1", NS)
                .node("web-2", "pw-2", NS)
                .admin("ops", "console-secret");
        server = new ConfigServer(store, whitelist, "tcp://127.0.0.1:*", "tcp://127.0.0.1:*", HEARTBEAT, ctx);
        server.publish(NS, List.of(Change.put("color", "blue"), Change.put("threads", "8")), "ops", "first settings");
        agents.add(agent("web-1", "pw-1"));
        agents.add(agent("web-2", "pw-2"));
        awaitAgents(1, "blue");
        console = new ConsoleServer(server, "tcp://127.0.0.1:0", null);
        browser = Browser.start(dir.resolve("chromium"), 1280, 900);
        Files.createDirectories(SCREENSHOTS);
    }

    @AfterEach
    void tearDown() {
        if (browser != null) {
            browser.quit();
        }
        if (console != null) {
            console.close();
        }
        agents.forEach(ConfigAgent::close);
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        if (ctx != null) {
            ctx.close();
        }
    }

    @Test
    void signInEditPublishWatchTheRolloutRollBackSignOut() throws IOException {
        browser.get(console.url());
        type("signin-user", "ops");
        type("signin-password", "wrong");
        click(By.id("signin-submit"));
        until(d -> !d.findElement(By.id("signin-error")).getText().isBlank());
        assertThat(browser.getPageSource()).doesNotContain("wrong\"").doesNotContain("console-secret");

        type("signin-user", "ops");
        type("signin-password", "console-secret");
        click(By.id("signin-submit"));
        WebElement row = until(d -> visible(d, By.cssSelector("#namespaces tr[data-ns='" + NS + "']")));
        assertThat(row.getText()).contains(NS);
        shot("namespaces");

        row.findElement(By.cssSelector("a.open-ns")).click();
        until(d -> "blue".equals(text(d, By.cssSelector("#entries tr[data-key='color'] td.value"))));
        shot("namespace");

        type("edit-key", "color");
        type("edit-value", "green");
        click(By.id("edit-add"));
        click(By.id("preview"));
        WebElement diff = until(d -> visible(d, By.cssSelector("#diff tr[data-key='color']")));
        assertThat(diff.getText()).contains("blue").contains("green");
        shot("preview");

        type("publish-message", "green from the console");
        click(By.id("publish"));
        until(d -> text(d, By.id("publish-result")).contains("2"));
        until(d -> "2".equals(text(d, By.id("rollout-rev"))));
        // The page is not loaded again from here on: the rows change through the event stream.
        awaitAgents(2, "green");
        for (String node : List.of("web-1", "web-2")) {
            until(d -> "2".equals(text(d, By.cssSelector("#rollout tr[data-node='" + node + "'] td.applied"))));
        }
        until(d -> text(d, By.cssSelector("#rollout tr[data-node='web-1'] td.state")).equals("applied"));
        browser.executeScript("document.getElementById('rollout-view').scrollIntoView()");
        shot("rollout");

        until(d -> text(d, By.cssSelector("#history tr[data-rev='2']")).contains("green from the console"));
        assertThat(text(browser, By.cssSelector("#history tr[data-rev='2'] td:nth-child(3)"))).isEqualTo("ops");
        WebElement first = until(d -> visible(d, By.cssSelector("#history tr[data-rev='1']")));
        assertThat(first.getText()).contains("first settings");
        shot("history");
        first.findElement(By.cssSelector("button.rollback")).click();
        acceptConfirmation();
        until(d -> "3".equals(text(d, By.id("rollout-rev"))));
        awaitAgents(3, "blue");
        for (String node : List.of("web-1", "web-2")) {
            until(d -> "3".equals(text(d, By.cssSelector("#rollout tr[data-node='" + node + "'] td.applied"))));
        }
        assertThat(store.history(NS, 2, 1).get(0).author()).isEqualTo("ops");

        browser.manage().window().setSize(new Dimension(390, 844));
        browser.executeScript("document.getElementById('rollout-view').scrollIntoView()");
        shot("rollout-phone");

        click(By.id("signout"));
        until(d -> visible(d, By.id("signin-user")));
        browser.navigate().refresh();
        until(d -> visible(d, By.id("signin-user")));
        assertThat(browser.findElements(By.cssSelector("#namespaces tr[data-ns]")).stream().filter(WebElement::isDisplayed)).isEmpty();
    }

    private ConfigAgent agent(String node, String password) {
        return ConfigAgent.builder().server(server.updatesEndpoint(), server.syncEndpoint())
                .node(node, password).namespaces(NS).context(ctx).cacheDir(dir.resolve("cache-" + node))
                .reportInterval(HEARTBEAT).start();
    }

    /** Every agent holds {@code rev} with {@code color}: what the page shows must be true. */
    private void awaitAgents(long rev, String color) {
        for (ConfigAgent a : agents) {
            await().atMost(WAIT).until(() -> a.revision(NS) == rev
                    && a.snapshot(NS).get("color").map(String::new).orElse("").equals(color));
        }
    }

    private <T> T until(Function<org.openqa.selenium.WebDriver, T> condition) {
        return new WebDriverWait(browser, WAIT).ignoring(org.openqa.selenium.NoSuchElementException.class)
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(d -> {
                    T v = condition.apply(d);
                    return v instanceof Boolean b && !b ? null : v;
                });
    }

    private static WebElement visible(org.openqa.selenium.WebDriver d, By by) {
        WebElement e = d.findElement(by);
        return e.isDisplayed() ? e : null;
    }

    private static String text(org.openqa.selenium.WebDriver d, By by) {
        return d.findElement(by).getText().trim();
    }

    private void type(String id, String value) {
        WebElement e = until(d -> visible(d, By.id(id)));
        e.clear();
        e.sendKeys(value);
    }

    private void click(By by) {
        until(d -> visible(d, by)).click();
    }

    /** The page may ask "really roll back?" with the browser's confirm(); yes. */
    private void acceptConfirmation() {
        try {
            browser.switchTo().alert().accept();
        } catch (NoAlertPresentException none) {
            // the page did not ask
        }
    }

    private void shot(String name) throws IOException {
        Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(png, SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }
}
