package dev.silentrefresh.boot;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Reports a wrong {@code silent-refresh.*} property as one message naming it, instead of nested bean errors. */
public final class InvalidSessionPropertyFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSessionPropertyException> {
  @Override
  protected FailureAnalysis analyze(Throwable rootFailure, InvalidSessionPropertyException cause) {
    return new FailureAnalysis(
        "Property '" + cause.property() + "' is wrong: " + cause.problem(),
        "Correct '" + cause.property() + "' in your configuration (application.yml or properties, environment"
            + " variables). The keys are described in the README of silent-refresh-spring-boot-starter.",
        cause);
  }
}
