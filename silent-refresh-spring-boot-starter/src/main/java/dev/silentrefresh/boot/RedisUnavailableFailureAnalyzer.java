package dev.silentrefresh.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a Redis that sessions kept in Redis cannot reach at start-up as one message naming its address. */
public final class RedisUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<RedisUnavailableException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, RedisUnavailableException cause) {
    return new FailureAnalysis(cause.getMessage(),
        "Start Redis at " + cause.address() + ", or point spring.data.redis.host/port (or spring.data.redis.url)"
            + " at yours. Sessions with store.type redis need it at start-up; once running they survive its loss.",
        cause);
  }
}
