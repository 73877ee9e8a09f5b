package dev.silentrefresh.cli;

import dev.silentrefresh.testkit.Endpoint;
import dev.silentrefresh.testkit.Faults;
import java.util.Locale;
import picocli.CommandLine;

/**
 * One {@code serve --fault ENDPOINT=FAULT[:HOW]}: HOW is a rate from 0 to 1, {@code xN} (the next N requests) or
 * {@code always} (the default). A bad value is a usage error naming the part that is wrong.
 */
record FaultFlag(Endpoint endpoint, Faults.Fault fault, double rate, int times) {
  /** Every fault, as the flag names it (a constant: it is part of the option's help; a test keeps it complete). */
  static final String KINDS = "server_error, service_unavailable, html_error_page, malformed_json, truncated_json, wrong_types, missing_fields, huge_body, not_json, delay, drop_after_commit, disconnect_after_commit, hang_after_commit, reject_tokens, too_many_requests, too_many_requests_date, connection_reset, no_answer, hang_before_commit";

  static FaultFlag parse(CommandLine cl, String value) {
    int eq = value.indexOf('=');
    if (eq < 0) throw bad(cl, value, "expected ENDPOINT=FAULT[:HOW]");
    Endpoint endpoint = endpoint(cl, "--fault", value.substring(0, eq));
    String rest = value.substring(eq + 1);
    int colon = rest.indexOf(':');
    String name = colon < 0 ? rest : rest.substring(0, colon);
    String how = colon < 0 ? "always" : rest.substring(colon + 1);
    Faults.Fault fault;
    try {
      fault = Faults.Fault.valueOf(name.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw bad(cl, value, "unknown fault '" + name + "'; expected one of " + KINDS);
    }
    double rate = -1;
    int times = 0;
    if (how.equals("always")) {
      rate = 1;
    } else if (how.startsWith("x")) {
      try {
        times = Integer.parseInt(how.substring(1));
      } catch (NumberFormatException e) {
        times = 0;
      }
      if (times < 1) throw bad(cl, value, "xN needs a whole N of at least 1, not '" + how + "'");
    } else {
      try {
        rate = Double.parseDouble(how);
      } catch (NumberFormatException e) {
        rate = -1;
      }
      if (!(rate >= 0 && rate <= 1)) throw bad(cl, value, "HOW must be a rate from 0 to 1, xN or always, not '" + how + "'");
    }
    FaultFlag flag = new FaultFlag(endpoint, fault, rate, times);
    try {
      flag.applyTo(new FaultsProbe().faults()); // the testkit's own checks (e.g. a refresh-only fault on api)
    } catch (IllegalArgumentException e) {
      throw bad(cl, value, e.getMessage());
    }
    return flag;
  }

  static Endpoint endpoint(CommandLine cl, String option, String name) {
    try {
      return Endpoint.valueOf(name.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, option + ": unknown endpoint '" + name + "'; expected login, refresh or api");
    }
  }

  void applyTo(Faults faults) {
    if (times > 0) faults.failNext(endpoint, fault, times);
    else if (rate >= 1) faults.failAlways(endpoint, fault);
    else faults.failRate(endpoint, fault, rate);
  }

  private static CommandLine.ParameterException bad(CommandLine cl, String value, String problem) {
    return new CommandLine.ParameterException(cl, "--fault '" + value + "': " + problem);
  }

  /** A throwaway rule set, to run the testkit's checks on a flag before the server starts. */
  private static final class FaultsProbe {
    Faults faults() {
      return Faults.detached();
    }
  }
}
