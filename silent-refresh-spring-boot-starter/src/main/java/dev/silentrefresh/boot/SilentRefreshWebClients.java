package dev.silentrefresh.boot;

import dev.silentrefresh.spring.WebClientRefreshFilter;
import io.netty.channel.ChannelOption;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/**
 * Installs a session on a {@code WebClient.Builder} of your own: a connector over the session's Reactor Netty
 * client and its filter after the ones the builder has (see {@link WebClientRefreshFilter}). The builders
 * Spring Boot gives out get it from {@code silent-refresh.clients.web-client}. A bean when WebClient and
 * Reactor Netty are on the classpath.
 */
public final class SilentRefreshWebClients {
  private final SilentRefreshSessions sessions;

  SilentRefreshWebClients(SilentRefreshSessions sessions) {
    this.sessions = sessions;
  }

  /**
   * @throws IllegalArgumentException there is no session called {@code name}
   */
  public WebClient.Builder install(String name, WebClient.Builder builder) {
    SilentRefreshSessions.Entry e = sessions.entry(name);
    return e.perUser != null ? WebClientRefreshFilter.install(builder, netty(e), e.perUser)
        : WebClientRefreshFilter.install(builder, netty(e), e.session);
  }

  /** One Reactor Netty client per session (its connection pool), made at the first use. */
  private static HttpClient netty(SilentRefreshSessions.Entry e) {
    Object client = e.nettyClient;
    if (client == null) {
      synchronized (e) {
        client = e.nettyClient;
        if (client == null) {
          e.nettyClient = client = HttpClient.create()
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, e.connectTimeout.toMillis()))
              .responseTimeout(e.readTimeout);
        }
      }
    }
    return (HttpClient) client;
  }

  @Override
  public String toString() {
    return "SilentRefreshWebClients" + sessions.names();
  }
}
