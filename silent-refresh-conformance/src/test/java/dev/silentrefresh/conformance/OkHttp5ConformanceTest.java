package dev.silentrefresh.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link OkHttpConformanceTest} on OkHttp 5 (see {@link OkHttp5}). */
@Tag(OkHttp5.TAG)
class OkHttp5ConformanceTest extends OkHttpConformanceTest {
  @BeforeAll
  static void runsOnOkHttp5() throws ReflectiveOperationException {
    OkHttp5.assertRunningOnIt();
  }
}
