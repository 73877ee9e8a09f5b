package dev.silentrefresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** On the module path, applications and adapters reach the two public packages and never the internal one. */
class ModuleTest {
  @Test
  void theModuleExportsTheApplicationAndAdapterPackagesOnly() throws Exception {
    Path descriptor = Path.of("target/classes/META-INF/versions/9/module-info.class");
    try (InputStream in = Files.newInputStream(descriptor)) {
      ModuleDescriptor module = ModuleDescriptor.read(in);
      assertThat(module.name()).isEqualTo("dev.silentrefresh.core");
      assertThat(module.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet()))
          .containsExactlyInAnyOrder("dev.silentrefresh", "dev.silentrefresh.spi");
      assertThat(module.exports()).allSatisfy(e -> assertThat(e.isQualified()).isFalse());
    }
  }
}
