package dev.silentrefresh.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.silentrefresh.testkit.Faults.Fault;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

/** The fault rule text form (serve --fault, /_admin/faults) and the rule values behind it. */
class FaultRuleTest {

  @Test
  void readsEveryPartOfARule() {
    assertThat(FaultRule.parse("refresh=server_error:0.1"))
        .isEqualTo(FaultRule.rate(Endpoint.REFRESH, Fault.SERVER_ERROR, 0.1));
    assertThat(FaultRule.parse("api=latency:200ms"))
        .isEqualTo(FaultRule.always(Endpoint.API, Fault.LATENCY).withSetting(Duration.ofMillis(200)));
    assertThat(FaultRule.parse("login=too_many_requests:30s:x3"))
        .isEqualTo(FaultRule.next(Endpoint.LOGIN, Fault.TOO_MANY_REQUESTS, 3).withSetting(Duration.ofSeconds(30)));
    assertThat(FaultRule.parse(" API = Never-Answer : 5% "))
        .isEqualTo(FaultRule.rate(Endpoint.API, Fault.NEVER_ANSWER, 0.05));
    assertThat(FaultRule.parse("refresh=hang_after_commit:x1:2m"))
        .isEqualTo(FaultRule.next(Endpoint.REFRESH, Fault.HANG_AFTER_COMMIT, 1).withSetting(Duration.ofMinutes(2)));
    assertThat(FaultRule.parse("api=delay:1h:always"))
        .isEqualTo(FaultRule.always(Endpoint.API, Fault.DELAY).withSetting(Duration.ofHours(1)));
    assertThat(FaultRule.parse("login=connection_reset:1")).isEqualTo(FaultRule.always(Endpoint.LOGIN,
        Fault.CONNECTION_RESET));
  }

  @ParameterizedTest
  @EnumSource(Fault.class)
  void everyFaultHasATextFormThatReadsBack(Fault fault) {
    Endpoint endpoint = fault.appliesTo(Endpoint.API) ? Endpoint.API : Endpoint.REFRESH;
    List<FaultRule> rules = List.of(FaultRule.always(endpoint, fault), FaultRule.next(endpoint, fault, 7),
        FaultRule.rate(endpoint, fault, 0.25));
    for (FaultRule rule : rules) {
      FaultRule withSetting = fault.takesSetting() ? rule.withSetting(Duration.ofMillis(1500)) : rule;
      assertThat(FaultRule.parse(rule.toString())).isEqualTo(rule);
      assertThat(FaultRule.parse(withSetting.toString())).isEqualTo(withSetting);
    }
    assertThat(FaultRule.always(endpoint, fault).toString())
        .isEqualTo(endpoint.name().toLowerCase() + "=" + fault.name().toLowerCase());
  }

  @Test
  void writesItsTextForm() {
    assertThat(FaultRule.parse("refresh=server_error:10%")).hasToString("refresh=server_error:0.1");
    assertThat(FaultRule.parse("api=latency:200ms:x2")).hasToString("api=latency:200ms:x2");
    assertThat(FaultRule.parse("login=too_many_requests_date:120s")).hasToString("login=too_many_requests_date:120s");
    FaultRule fine = FaultRule.always(Endpoint.API, Fault.LATENCY).withSetting(Duration.ofNanos(1_500_000));
    assertThat(fine.setting()).isEqualTo(Duration.ofMillis(1)); // to the millisecond, so the text reads back equal
    assertThat(FaultRule.parse(fine.toString())).isEqualTo(fine);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "refresh                        | 'refresh': expected ENDPOINT=FAULT[:PART]...",
      "token=server_error             | unknown endpoint 'token'; expected one of: login, refresh, api",
      "refresh=server_eror:0.1        | 'refresh=server_eror:0.1': unknown fault 'server_eror'; expected one of: server_error,",
      "refresh=                       | unknown fault ''",
      "api=drop_after_commit          | DROP_AFTER_COMMIT applies to REFRESH only, not API",
      "refresh=reject_tokens          | REJECT_TOKENS applies to API only, not REFRESH",
      "refresh=server_error:2         | '2': a rate must be within 0..1",
      "refresh=server_error:150%      | '150%': a percentage must be within 0%..100%",
      "refresh=server_error:x0        | 'x0': xN needs N >= 1",
      "api=server_error:200ms         | '200ms': server_error takes no duration",
      "api=latency:200ms:300ms        | '300ms': the duration is given twice",
      "api=latency:x2:0.5             | '0.5': how often is already given by 'x2'",
      "api=latency:always:always      | 'always': how often is already given by 'always'",
      "api=latency:soon               | 'soon' is neither always, a rate (0.1), a percentage (10%), a count (x3) nor a duration",
      "api=latency:1.5s               | '1.5s' is neither",
      "api=latency:                   | '' is neither",
  })
  void badTextIsOneLineNamingTheBadPart(String text, String message) {
    assertThatThrownBy(() -> FaultRule.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  @Test
  void javaRulesRefuseNonsenseToo() {
    assertThatThrownBy(() -> FaultRule.next(Endpoint.API, Fault.NOT_JSON, 0)).hasMessageContaining(">= 1");
    assertThatThrownBy(() -> FaultRule.rate(Endpoint.API, Fault.NOT_JSON, -0.1)).hasMessageContaining("0..1");
    assertThatThrownBy(() -> FaultRule.always(Endpoint.API, Fault.NOT_JSON).withSetting(Duration.ofSeconds(1)))
        .hasMessageContaining("takes no duration");
    assertThatThrownBy(() -> FaultRule.always(Endpoint.API, Fault.LATENCY).withSetting(Duration.ofSeconds(-1)))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> FaultRule.always(Endpoint.LOGIN, Fault.HANG_BEFORE_COMMIT))
        .hasMessageContaining("REFRESH only");
  }

  @Test
  void faultsListTheRulesInForceWithWhatIsLeftOfACount() {
    Faults f = new Faults();
    f.failNext(Endpoint.API, Fault.SERVER_ERROR, 3).failRate(Endpoint.REFRESH, Fault.NOT_JSON, 0.5)
        .latency(Endpoint.API, Duration.ofMillis(250));
    assertThat(f.rules()).extracting(FaultRule::toString)
        .containsExactly("refresh=not_json:0.5", "api=latency:250ms", "api=server_error:x3");
    assertThat(f.pick(Endpoint.API).fault).isEqualTo(Fault.SERVER_ERROR);
    assertThat(f.rules()).extracting(FaultRule::toString).contains("api=server_error:x2");

    f.latency(Endpoint.API, Duration.ofMillis(100)); // replaces the endpoint's latency
    assertThat(f.rules()).extracting(FaultRule::toString)
        .containsExactly("refresh=not_json:0.5", "api=latency:100ms", "api=server_error:x2");
    f.latency(Endpoint.API, Duration.ZERO); // removes it
    f.replaceAll(List.of(FaultRule.parse("login=not_json")));
    assertThat(f.rules()).extracting(FaultRule::toString).containsExactly("login=not_json");
    f.clear();
    assertThat(f.rules()).isEmpty();
  }

  @Test
  void latencyAddsUpAndLetsTheNextRuleDecide() {
    Faults f = new Faults();
    f.add(FaultRule.parse("api=latency:100ms")).add(FaultRule.parse("api=latency:50ms:x1"))
        .add(FaultRule.parse("api=too_many_requests:x1"));
    Faults.Decision first = f.pick(Endpoint.API);
    assertThat(first.latency).isEqualTo(Duration.ofMillis(150));
    assertThat(first.fault).isEqualTo(Fault.TOO_MANY_REQUESTS);
    assertThat(first.setting).isEqualTo(Duration.ofSeconds(1)); // the default Retry-After
    Faults.Decision second = f.pick(Endpoint.API);
    assertThat(second.latency).isEqualTo(Duration.ofMillis(100));
    assertThat(second.fault).isNull();
    assertThat(second.injected()).isTrue();
    assertThat(f.pick(Endpoint.LOGIN).injected()).isFalse();
  }

  @Test
  void aRuleWithoutASettingWaitsTheDefaultDelay() {
    Faults f = new Faults().delay(Duration.ofMillis(70)).failAlways(Endpoint.REFRESH, Fault.DELAY);
    assertThat(f.pick(Endpoint.REFRESH).setting).isEqualTo(Duration.ofMillis(70));
    f.clear();
    f.add(FaultRule.always(Endpoint.REFRESH, Fault.DELAY).withSetting(Duration.ofMillis(5)));
    assertThat(f.pick(Endpoint.REFRESH).setting).isEqualTo(Duration.ofMillis(5));
  }
}
