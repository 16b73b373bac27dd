package io.inboxallocation.console;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

/**
 * A headless Chromium from the distribution's packages ({@code chromium}, {@code chromium-driver}), driven through
 * its own ChromeDriver: nothing is downloaded. Missing, it fails the test with what to install: the console's tests
 * must run wherever the suite runs.
 */
final class Browser implements AutoCloseable {

  /** The Debian packages' paths; CHROMIUM_PATH and CHROMEDRIVER_PATH point elsewhere (a CI runner's own Chrome). */
  static final Path CHROMIUM = Path.of(System.getenv().getOrDefault("CHROMIUM_PATH", "/usr/bin/chromium"));
  static final Path CHROMEDRIVER = Path.of(System.getenv().getOrDefault("CHROMEDRIVER_PATH", "/usr/bin/chromedriver"));
  static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

  final ChromeDriver driver;
  private final String base;

  private Browser(ChromeDriver driver, String base) {
    this.driver = driver;
    this.base = base;
  }

  /** A browser window of this size whose relative URLs go to the node on {@code port}. */
  static Browser open(int port, int width, int height) {
    if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
      throw new IllegalStateException("the console's browser tests need Chromium and its driver at " + CHROMIUM
        + " and " + CHROMEDRIVER + ": apt-get install chromium chromium-driver (.ci/run installs them)");
    }
    ChromeOptions options = new ChromeOptions()
      .setBinary(CHROMIUM.toFile())
      .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=" + width + "," + height);
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(CHROMEDRIVER.toFile())
      .build();
    Browser browser = new Browser(new ChromeDriver(service, options), "http://127.0.0.1:" + port);
    browser.resize(width, height);
    return browser;
  }

  /**
   * The page's own viewport at exactly this size (a window has a minimum width, and a frame around the page), as on
   * a phone for narrow sizes.
   */
  void resize(int width, int height) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", width, "height", height,
      "deviceScaleFactor", 1, "mobile", width < 600));
  }

  /** A path of the node, or an absolute URL. */
  void open(String path) {
    driver.get(path.startsWith("/") ? base + path : path);
  }

  WebElement find(String css) {
    return driver.findElement(By.cssSelector(css));
  }

  /** Waits for the condition, failing with what was awaited and a screenshot of the page as it was. */
  <T> T await(String what, Duration timeout, ExpectedCondition<T> condition) {
    try {
      return new WebDriverWait(driver, timeout, Duration.ofMillis(50)).withMessage(what).until(condition);
    } catch (RuntimeException e) {
      screenshot("failed-" + what.replaceAll("[^A-Za-z0-9]+", "-"));
      throw e;
    }
  }

  Object script(String javascript, Object... arguments) {
    return ((JavascriptExecutor) driver).executeScript(javascript, arguments);
  }

  /** Saved under target/console-screenshots on every run. */
  Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Path file = SCREENSHOTS.resolve(name + ".png");
      Files.copy(driver.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    driver.quit();
  }
}
