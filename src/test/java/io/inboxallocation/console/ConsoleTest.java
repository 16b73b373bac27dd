package io.inboxallocation.console;

import io.inboxallocation.Service;
import io.inboxallocation.auth.Role;
import io.inboxallocation.config.AppConfig;
import io.inboxallocation.demo.Demo;
import io.inboxallocation.demo.DemoTenant;
import io.inboxallocation.testing.Http;
import io.inboxallocation.testing.Scenario;
import io.inboxallocation.testing.Scenario.Person;
import io.inboxallocation.testing.ServiceTest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The console in a real browser (the distribution's headless Chromium) against real nodes: what the API changes shows
 * live, two browsers see each other's work, a restarted node is caught up with, problems are shown, and the pages
 * work by keyboard and at phone width. Screenshots of every run are in target/console-screenshots.
 */
class ConsoleTest extends ServiceTest {

  /** The issue's promise: a change through the API is on the page within 2 s, without a reload. */
  private static final Duration LIVE = Duration.ofSeconds(2);
  private static final Duration SOON = Duration.ofSeconds(10);
  private static final int WIDE = 1280;
  private static final int TALL = 800;
  private static final int PHONE_WIDE = 390;
  private static final int PHONE_TALL = 844;

  /** One browser for the class (starting one takes seconds); each test starts from a blank page at 1280x800. */
  private static Browser browser;

  @BeforeAll
  static void startBrowser() {
    browser = Browser.open(http.port(), WIDE, TALL);
  }

  @BeforeEach
  void blankPage() {
    browser.open("about:blank");
    browser.resize(WIDE, TALL);
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.close();
    }
  }

  @Test
  void aConversationCreatedThroughTheApiShowsInTheManagersQueueWithin2Seconds() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person manager = s.person("MANAGER");
    signIn(browser, manager.token(), "manager");
    JsonObject created = s.conversation(inbox, new JsonObject().put("messageCount", 3));
    WebElement row = browser.await("the new conversation in the queue", LIVE,
      ExpectedConditions.visibilityOfElementLocated(row("queue-rows", created)));
    assertTrue(row.getText().contains(created.getString("customerPhoneNumber")), row::getText);
    assertEquals("1", browser.find("#manager-inboxes .depth-count").getText(), "the inbox card counts it");
    browser.screenshot("manager-live-update");
  }

  @Test
  void whenAnOperatorPressesGetNextTheManagersPageShowsTheConversationAllocated() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person manager = s.person("MANAGER");
    Person operator = s.availableOperator(inbox);
    String operatorName = http.get("/operators/" + operator.id(), s.admin).json().getString("name");
    JsonObject waiting = s.conversation(inbox);
    try (Browser operators = Browser.open(http.port(), WIDE, TALL)) {
      signIn(browser, manager.token(), "manager");
      browser.await("the conversation queued", SOON, ExpectedConditions.presenceOfElementLocated(row("queue-rows", waiting)));
      signIn(operators, operator.token(), "operator");
      operators.await("the conversation in the operator's queue", SOON,
        ExpectedConditions.presenceOfElementLocated(row("my-queue-rows", waiting)));

      operators.find("#get-next").click();
      operators.await("the conversation among the operator's own", SOON,
        ExpectedConditions.visibilityOfElementLocated(row("mine-rows", waiting)));
      browser.await("the manager's page showing it allocated to the operator", LIVE,
        ExpectedConditions.textToBe(By.cssSelector(rowCss("allocated-rows", waiting) + " .owner"), operatorName));
      browser.await("the queue without it", LIVE, ExpectedConditions.numberOfElementsToBe(row("queue-rows", waiting), 0));
      browser.screenshot("manager-after-get-next");
      operators.screenshot("operator-after-get-next");
    }
  }

  @Test
  void afterItsNodeRestartsThePageCatchesUpWithoutAReload() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person manager = s.person("MANAGER");
    JsonObject[] missed = new JsonObject[1];
    whileItsNodeIsDown(manager.token(), () -> missed[0] = s.conversation(inbox), () -> {
      browser.await("the conversation created while the node was down", SOON,
        ExpectedConditions.visibilityOfElementLocated(row("queue-rows", missed[0])));
      JsonObject live = s.conversation(inbox);
      browser.await("a conversation created after the restart", LIVE,
        ExpectedConditions.visibilityOfElementLocated(row("queue-rows", live)));
      browser.screenshot("manager-after-node-restart");
    });
  }

  @Test
  void aPageTooFarBehindToBeReplayedReloadsOnResyncWithoutAReload() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person manager = s.person("MANAGER");
    JsonObject chatty = s.conversation(inbox);
    JsonObject[] missed = new JsonObject[1];
    whileItsNodeIsDown(manager.token(), () -> {
      // More events than a resume replays (1,000): the server answers resync, and the page loads afresh.
      List<Future<Http.Response>> updates = new ArrayList<>();
      for (int count = 1; count <= 1_005; count++) {
        updates.add(http.send(HttpMethod.POST, "/conversations", s.service, new JsonObject()
          .put("inboxId", inbox).put("externalConversationId", chatty.getString("externalConversationId"))
          .put("customerPhoneNumber", chatty.getString("customerPhoneNumber")).put("messageCount", count)));
        if (updates.size() == 32) {
          Future.all(updates).await();
          updates.clear();
        }
      }
      Future.all(updates).await();
      missed[0] = s.conversation(inbox);
    }, () -> {
      browser.await("the conversation created while the node was down", SOON,
        ExpectedConditions.visibilityOfElementLocated(row("queue-rows", missed[0])));
      browser.await("the last message count of the other", SOON,
        ExpectedConditions.textToBe(By.cssSelector(rowCss("queue-rows", chatty) + " .messages"), "1005"));
    });
  }

  /**
   * Signs the manager in on a node of its own (a fixed port, the test's database), stops that node, runs
   * {@code meanwhile} through the test's node, starts the node again on the same port and runs {@code then}; the
   * page must be live again without having been reloaded.
   */
  private void whileItsNodeIsDown(String managerToken, Runnable meanwhile, Runnable then) {
    AppConfig config = app.config.withHttpPort(freePort());
    Vertx first = Vertx.vertx();
    Service.start(first, config).await();
    Vertx second = Vertx.vertx();
    try {
      browser.open("http://127.0.0.1:" + config.httpPort() + "/console#token=" + managerToken);
      awaitView(browser, "manager");
      browser.script("window.sameDocument = true");

      first.close().await();
      browser.await("the page showing that it reconnects", SOON,
        ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "reconnecting"));
      meanwhile.run();
      Service.start(second, config).await();

      browser.await("the page live again", SOON,
        ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
      then.run();
      assertEquals(true, browser.script("return window.sameDocument === true"), "caught up without a reload");
    } finally {
      browser.open("about:blank");
      second.close().await();
    }
  }

  @Test
  void aBadTokenShowsTheProblemAndAPastedTokenSignsIn() {
    Scenario s = newTenant();
    Person manager = s.person("MANAGER");
    browser.open("/console#token=not-a-token");
    browser.await("the problem shown", SOON, ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
    assertEquals("Unauthorized", browser.find("#problem-title").getText());
    assertFalse(browser.find("#problem-detail").getText().isBlank(), "the problem's detail is shown");
    assertEquals("sign-in", browser.find("body").getDomAttribute("data-view"));
    assertFalse(browser.driver.getCurrentUrl().contains("not-a-token"), "the token is out of the address bar");
    browser.screenshot("bad-token");

    browser.open("/console#token=" + s.service);
    browser.await("the problem of a token that is not a person's", SOON,
      ExpectedConditions.textToBe(By.id("problem-title"), "Not a token of a person"));

    WebElement field = browser.find("#token-input");
    field.clear();
    field.sendKeys(manager.token());
    browser.find("#sign-in-form button[type=submit]").click();
    browser.await("the manager's view", SOON, ExpectedConditions.attributeToBe(By.tagName("body"), "data-view", "manager"));
    assertFalse(browser.find("#problem").isDisplayed(), "the problem is gone once signed in");
  }

  @Test
  void theManagerReleasesReassignsResolvesAndSetsStatusesAndSeesWhyAnActionIsRefused() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person manager = s.person("MANAGER");
    Person first = s.availableOperator(inbox);
    Person second = s.availableOperator(inbox);
    JsonObject conversation = s.conversation(inbox);
    assertEquals(200, http.post("/allocation/claim", first.token(),
      new JsonObject().put("conversationId", conversation.getString("id"))).status());
    signIn(browser, manager.token(), "manager");
    browser.await("the allocated conversation", SOON, ExpectedConditions.visibilityOfElementLocated(
      row("allocated-rows", conversation))).findElement(By.cssSelector(".release")).click();
    WebElement queued = browser.await("released to the queue", LIVE,
      ExpectedConditions.visibilityOfElementLocated(row("queue-rows", conversation)));

    new Select(queued.findElement(By.cssSelector(".reassign select"))).selectByValue(second.id());
    queued.findElement(By.cssSelector(".reassign button")).click();
    WebElement allocated = browser.await("reassigned to the second operator", LIVE,
      ExpectedConditions.visibilityOfElementLocated(row("allocated-rows", conversation)));
    assertEquals(second.id(), http.get("/conversations/" + conversation.getString("id"), s.admin).json()
      .getString("assignedOperatorId"));

    allocated.findElement(By.cssSelector(".resolve")).click();
    browser.await("resolved and gone", LIVE, ExpectedConditions.numberOfElementsToBe(row("allocated-rows", conversation), 0));
    assertEquals("RESOLVED", http.get("/conversations/" + conversation.getString("id"), s.admin).json().getString("state"));

    String firstOperator = "#operator-rows [data-key='" + first.id() + "']";
    browser.find(firstOperator + " .toggle-status").click();
    browser.await("the first operator offline", LIVE,
      ExpectedConditions.textToBe(By.cssSelector(firstOperator + " .status"), "Offline"));

    JsonObject next = s.conversation(inbox);
    WebElement nextRow = browser.await("the next conversation", LIVE,
      ExpectedConditions.visibilityOfElementLocated(row("queue-rows", next)));
    new Select(nextRow.findElement(By.cssSelector(".reassign select"))).selectByValue(first.id());
    nextRow.findElement(By.cssSelector(".reassign button")).click();
    browser.await("the refusal's problem", SOON, ExpectedConditions.visibilityOfElementLocated(By.id("problem")));
    assertEquals("Conflict", browser.find("#problem-title").getText());
    assertFalse(browser.find("#problem-detail").getText().isBlank());
    browser.screenshot("manager-refused-action");
  }

  @Test
  void anOperatorWorksByKeyboardAloneWithTheFocusVisible() {
    Scenario s = newTenant();
    String inbox = s.inbox();
    Person operator = s.availableOperator(inbox);
    JsonObject conversation = s.conversation(inbox);
    signIn(browser, operator.token(), "operator");
    browser.await("the queue", SOON, ExpectedConditions.presenceOfElementLocated(row("my-queue-rows", conversation)));

    WebElement getNext = tabTo(browser, "#get-next");
    assertNotEquals("none", getNext.getCssValue("outline-style"), "the focus is visible");
    new Actions(browser.driver).sendKeys(Keys.ENTER).perform();
    browser.await("the conversation taken", SOON, ExpectedConditions.visibilityOfElementLocated(row("mine-rows", conversation)));

    tabTo(browser, rowCss("mine-rows", conversation) + " .resolve");
    new Actions(browser.driver).sendKeys(Keys.ENTER).perform();
    browser.await("resolved", SOON, ExpectedConditions.numberOfElementsToBe(row("mine-rows", conversation), 0));
    assertEquals("get-next", browser.driver.switchTo().activeElement().getDomAttribute("id"),
      "the focus goes back to Get next rather than to the top of the page");
    assertEquals("RESOLVED", http.get("/conversations/" + conversation.getString("id"), s.admin).json().getString("state"));
  }

  @Test
  void theDemoTenantAtDesktopAndPhoneWidthWithNothingScrollingSideways() {
    DemoTenant demo = Demo.seed(app.vertx, app.config, http.port());
    String manager = app.token(Role.MANAGER, demo.id(), demo.manager().id());
    String operator = app.token(Role.OPERATOR, demo.id(), demo.people().get(0).id());
    signIn(browser, manager, "manager");
    browser.await("the 50 most urgent conversations", SOON,
      ExpectedConditions.numberOfElementsToBe(By.cssSelector("#queue-rows tr"), 50));
    assertEquals(3, browser.driver.findElements(By.cssSelector("#manager-inboxes .card")).size());
    assertEquals(10, browser.driver.findElements(By.cssSelector("#operator-rows .operator")).size());
    assertEquals(true, browser.script(
      "return performance.getEntriesByType('resource').every(entry => entry.name.startsWith(location.origin))"),
      "everything the page loaded came from the node itself");
    browser.screenshot("manager");

    browser.resize(PHONE_WIDE, PHONE_TALL);
    assertFitsSideways(browser, "manager");
    browser.screenshot("manager-phone");
    signIn(browser, operator, "operator");
    assertFitsSideways(browser, "operator");
    browser.screenshot("operator-phone");
    browser.resize(WIDE, TALL);
    browser.screenshot("operator");
  }

  private static void assertFitsSideways(Browser browser, String view) {
    assertEquals(true, browser.script("return document.documentElement.scrollWidth <= window.innerWidth"),
      view + "'s view scrolls sideways at phone width");
  }

  @Test
  void theConsoleIsServedWithAStrictContentSecurityPolicyAndRevalidated() {
    Http.Response page = http.get("/console/", null);
    assertEquals(200, page.status());
    assertTrue(page.contentType().startsWith("text/html"), page::contentType);
    assertEquals("default-src 'self'; connect-src 'self' ws: wss:; img-src 'self'; style-src 'self'; script-src 'self';"
      + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'", page.headers().get("content-security-policy"));
    assertEquals("no-cache", page.headers().get("cache-control"));
    Http.Response script = http.get("/console/console.js", null);
    assertTrue(script.contentType().startsWith("text/javascript"), script::contentType);
    assertEquals(404, http.get("/console/missing.js", null).status());
  }

  /** Opens the console with the token and waits until the view is loaded and following the feed. */
  private static void signIn(Browser browser, String token, String view) {
    browser.open("/console#token=" + token);
    awaitView(browser, view);
  }

  private static void awaitView(Browser browser, String view) {
    browser.await(view + "'s view", SOON, ExpectedConditions.attributeToBe(By.tagName("body"), "data-view", view));
    browser.await("the feed live", SOON, ExpectedConditions.attributeToBe(By.id("connection"), "data-state", "live"));
    String loaded = view.equals("manager") ? "queue-count" : "mine-count";
    browser.await(view + "'s view loaded", SOON, driver -> !driver.findElement(By.id(loaded)).getText().isEmpty());
  }

  /** Presses Tab until the element has the focus, as a keyboard user would. */
  private static WebElement tabTo(Browser browser, String css) {
    WebElement target = browser.find(css);
    for (int presses = 0; presses < 40; presses++) {
      if (target.equals(browser.driver.switchTo().activeElement())) {
        return target;
      }
      new Actions(browser.driver).sendKeys(Keys.TAB).perform();
    }
    throw new AssertionError("Tab never reached " + css);
  }

  private static By row(String body, JsonObject conversation) {
    return By.cssSelector(rowCss(body, conversation));
  }

  private static String rowCss(String body, JsonObject conversation) {
    return "#" + body + " tr[data-key='" + conversation.getString("id") + "']";
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
