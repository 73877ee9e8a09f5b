package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each dialect's axios front end in a real browser: a page on another loopback origin, in Debian's headless
 * Chromium driven by {@code playwright-core} (both set up by {@link BrowserRig}), runs the convention's
 * interceptor (see the {@code browser/front-ends.js} test resource). It logs in and calls the API; the test
 * expires every access token on the server; the page fires a burst of calls, which its interceptor turns into one
 * refresh and replays. Asserted on the server's {@link Counters} and on what the page reports.
 *
 * <p>In the testkit because what it checks is the server: the CORS replies and the reply shapes that browsers and
 * those front ends need. Skipped, saying why, without {@value BrowserRig#CHROMIUM} or Node.js; failed under
 * {@code CI=true}.
 */
class BrowserFrontEndTest {
  private static final List<String> NPM_PACKAGES = List.of("playwright-core@1.65.2", "axios@1.21.1");
  private static final int BURST = 5;
  /** code-1002's front end sends its own client credential, which the server is configured with. */
  private static final String FRONT_END_CREDENTIAL = "front-end-app-key";

  private static PageServer pages;
  private static BrowserDriver browser;

  /** Per test, so that a skip is reported with its reason for each; installs, serves and starts the browser once. */
  @BeforeEach
  void installServeAndStartTheBrowser() throws Exception {
    BrowserRig.assumeInstalled();
    if (browser != null) return;
    Path packages = BrowserRig.npmInstall(Path.of("target", "browser-test").toAbsolutePath(), NPM_PACKAGES);
    pages = PageServer.start(Map.of(
        "index.html", PageServer.Asset.resource("/browser/index.html", "text/html; charset=utf-8"),
        "front-ends.js", PageServer.Asset.resource("/browser/front-ends.js", "text/javascript"),
        "axios.min.js", PageServer.Asset.path(packages.resolve("node_modules/axios/dist/axios.min.js"), "text/javascript")));
    browser = BrowserDriver.start(packages);
  }

  @AfterAll
  static void stopTheBrowserAndThePage() throws InterruptedException {
    if (browser != null) browser.close();
    if (pages != null) pages.close();
  }

  @ParameterizedTest
  @EnumSource(Profile.class)
  void anAxiosFrontEndLogsInCallsAndSurvivesExpiryWithOneRefresh(Profile p) throws Exception {
    try (AuthServer server = AuthServer.builder(p).clientCredential(FRONT_END_CREDENTIAL).start()) {
      JsonNode signedIn = browser.open(page(server));
      assertThat(signedIn.path("user").asText()).isEqualTo("Demo User");
      assertThat(server.counters().apiSucceeded()).isEqualTo(1);

      server.expireAccessTokens();
      JsonNode burst = browser.burst(BURST);

      assertThat(burst.path("users")).hasSize(BURST).allSatisfy(user -> assertThat(user.asText()).isEqualTo("Demo User"));
      assertThat(burst.path("refreshes").asInt()).as("refreshes the page made").isEqualTo(1);
      Counters counters = server.counters();
      assertThat(counters.refreshCalls()).isEqualTo(1);
      assertThat(counters.refreshSucceeded()).isEqualTo(1);
      assertThat(counters.rejectedRequests()).as("every call of the burst went out with the expired token")
          .isEqualTo(BURST);
      assertThat(counters.apiSucceeded()).isEqualTo(1 + BURST);
      assertThat(counters.reuseDetected()).isZero();
      assertThat(counters.loginCalls()).isEqualTo(p == Profile.CODE_401 ? 2 : 1);
      assertWhatThisFrontEndNeeds(p, burst);
    }
  }

  /** What only this convention's front end reads. */
  private static void assertWhatThisFrontEndNeeds(Profile p, JsonNode report) {
    switch (p) {
      case OAUTH2:
        assertThat(report.path("wwwAuthenticate").asText()).as("an exposed header").contains("error=\"invalid_token\"");
        break;
      case PUT_BEARER:
        assertThat(report.path("userKeepsRefreshToken").asBoolean()).as("the login reply's refresh_token").isTrue();
        break;
      case CODE_1002:
        assertThat(report.path("withCredentials").asBoolean()).isTrue();
        break;
      case CODE_401:
        assertThat(report.path("badLoginMessage").asText()).as("an error's msg").isEqualTo("bad credentials");
        break;
      default:
        break;
    }
  }

  private static URI page(AuthServer server) {
    return pages.baseUri().resolve("index.html?dialect=" + server.profile().id() + "&api="
        + URLEncoder.encode(server.baseUri().toString(), StandardCharsets.UTF_8) + "&credential=" + FRONT_END_CREDENTIAL);
  }
}
