package dev.silentrefresh.conformance;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/** Every client adapter, by its short name: what the CLI's {@code --client} and the suite run. */
public enum Clients {
  JDK("jdk", JdkClient::new),
  OKHTTP("okhttp", OkHttpDriver::new),
  RESTCLIENT("restclient", RestClientDriver::new),
  RESTTEMPLATE("resttemplate", RestTemplateDriver::new),
  WEBCLIENT("webclient", WebClientDriver::new);

  private final String id;
  private final Supplier<ClientUnderTest> factory;

  Clients(String id, Supplier<ClientUnderTest> factory) {
    this.id = id;
    this.factory = factory;
  }

  public String id() {
    return id;
  }

  /** A new instance; close it when done. */
  public ClientUnderTest create() {
    return factory.get();
  }

  /** {@code all} or one name. */
  public static List<Clients> parse(String value) {
    if (value.equalsIgnoreCase("all")) return Arrays.asList(values());
    for (Clients c : values()) if (c.id.equals(value.toLowerCase(Locale.ROOT))) return List.of(c);
    throw new IllegalArgumentException("unknown client '" + value + "'; expected one of: " + ids() + ", all");
  }

  public static String ids() {
    return Arrays.stream(values()).map(Clients::id).collect(Collectors.joining(", "));
  }
}
