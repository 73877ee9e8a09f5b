package dev.silentrefresh.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link OkHttpRobustnessTest} on OkHttp 5 (see {@link OkHttp5}). */
@Tag(OkHttp5.TAG)
class OkHttp5RobustnessTest extends OkHttpRobustnessTest {
  @BeforeAll
  static void runsOnOkHttp5() throws ReflectiveOperationException {
    OkHttp5.assertRunningOnIt();
  }
}
