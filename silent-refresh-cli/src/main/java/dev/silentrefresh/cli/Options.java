package dev.silentrefresh.cli;

import dev.silentrefresh.conformance.CallReply;
import dev.silentrefresh.conformance.Caller;
import dev.silentrefresh.conformance.ClientUnderTest;
import dev.silentrefresh.conformance.Clients;
import dev.silentrefresh.testkit.Profile;
import io.lettuce.core.RedisURI;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Arrays;
import java.util.Locale;
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

  /**
   * A Redis URI Lettuce can use: {@code redis://} or {@code rediss://}, a host, a port if any in range, a database
   * number if any. The value is named in the error with its credentials hidden.
   */
  static String redisUri(CommandLine cl, String option, String value) {
    String shown = value.replaceAll("(?<=//)[^/@]*@", "***@");
    String problem;
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      if (!scheme.equals("redis") && !scheme.equals("rediss")) {
        problem = "it must start with redis:// or rediss://";
      } else if (uri.getHost() == null || uri.getHost().isBlank()) {
        problem = "it names no host";
      } else if (uri.getPort() == 0 || uri.getPort() > 65_535) {
        problem = "port " + uri.getPort() + " is out of range";
      } else if (!path.isEmpty() && !path.matches("/\\d{0,5}")) {
        problem = "after the host there may only be a database number, as in redis://127.0.0.1:6379/0";
      } else {
        RedisURI.create(value);
        return value;
      }
    } catch (URISyntaxException e) {
      problem = value.contains("://") ? "it is not a URI" : "it must start with redis:// or rediss://";
    } catch (RuntimeException e) {
      problem = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace(value, shown);
    }
    throw new CommandLine.ParameterException(cl, option + " must be a Redis URI such as redis://127.0.0.1:6379, not '"
        + shown + "': " + problem);
  }

  /**
   * {@code --fleet N --redis URI} given together, N from 1 to {@code max} ({@code label}: how the command's help
   * names N): the checked Redis URI.
   *
   * @throws CommandLine.ParameterException one without the other, N out of range, or not a Redis URI
   */
  static String fleetRedis(CommandLine cl, Integer fleet, String redis, int max, String label) {
    if (fleet == null) {
      throw new CommandLine.ParameterException(cl, "--redis needs --fleet " + label + " (the number of processes)");
    }
    if (redis == null) {
      throw new CommandLine.ParameterException(cl, "--fleet needs --redis URI (the Redis the processes share, e.g. "
          + "redis://127.0.0.1:6379)");
    }
    positive(cl, "--fleet", fleet, max);
    return redisUri(cl, "--redis", redis);
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
