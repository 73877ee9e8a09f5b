package dev.silentrefresh.cli;

import dev.silentrefresh.conformance.CallReply;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.Profile;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine;

/** Parsing and checking of option values shared by the commands; bad values are usage errors (exit 2). */
final class Options {
  private Options() {}

  static List<Profile> dialects(CommandLine cl, String value, boolean allowAll) {
    if (allowAll && value.equalsIgnoreCase("all")) return Arrays.asList(Profile.values());
    try {
      return List.of(Profile.fromId(value));
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, "unknown dialect '" + value + "'; expected one of: "
          + Arrays.stream(Profile.values()).map(Profile::id).collect(Collectors.joining(", ")) + (allowAll ? ", all" : ""));
    }
  }

  static List<Clients> clients(CommandLine cl, String value, boolean allowAll) {
    if (!allowAll && value.equalsIgnoreCase("all")) {
      throw new CommandLine.ParameterException(cl, "--client all is not allowed here; expected one of: " + Clients.ids());
    }
    try {
      return Clients.parse(value);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(cl, e.getMessage());
    }
  }

  static int positive(CommandLine cl, String option, int value, int max) {
    if (value < 1 || value > max) {
      throw new CommandLine.ParameterException(cl, option + " must be between 1 and " + max + ", not " + value);
    }
    return value;
  }

  static double positive(CommandLine cl, String option, double value, double max) {
    if (!(value > 0) || value > max) {
      throw new CommandLine.ParameterException(cl, option + " must be more than 0 and at most " + max + ", not " + value);
    }
    return value;
  }
}
