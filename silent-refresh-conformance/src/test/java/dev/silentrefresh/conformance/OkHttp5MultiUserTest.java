package dev.silentrefresh.conformance;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;

/** {@link OkHttpMultiUserTest} on OkHttp 5 (see {@link OkHttp5}). */
@Tag(OkHttp5.TAG)
class OkHttp5MultiUserTest extends OkHttpMultiUserTest {
  @BeforeAll
  static void runsOnOkHttp5() throws ReflectiveOperationException {
    OkHttp5.assertRunningOnIt();
  }
}
