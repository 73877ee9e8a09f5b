/**
 * Silent Refresh core. Applications use {@code dev.silentrefresh}; adapters and stores use
 * {@code dev.silentrefresh.spi}; {@code dev.silentrefresh.internal} is not exported. Shipped in the jar's
 * {@code META-INF/versions/9}, so class-path users and Android tooling (API 26) never see it.
 */
module dev.silentrefresh.core {
  requires transitive com.fasterxml.jackson.databind;
  requires java.logging;
  requires static org.jspecify; // nullness annotations: compile time only

  exports dev.silentrefresh;
  exports dev.silentrefresh.spi;
}
