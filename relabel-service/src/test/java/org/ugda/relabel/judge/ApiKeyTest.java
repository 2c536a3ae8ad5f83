package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiKeyTest {

  /** Set by surefire (relabel-service/pom.xml), so this reads a real environment variable. */
  static final String TEST_VARIABLE = "UGDA_TEST_OPENAI_KEY";

  @Test
  void shouldReadTheKeyFromTheEnvironment() {
    ApiKey key = ApiKey.resolve(null, TEST_VARIABLE, System::getenv);

    assertThat(key.present()).isTrue();
    assertThat(key.value()).contains(System.getenv(TEST_VARIABLE));
    assertThat(key.source())
        .isEqualTo("environment variable " + TEST_VARIABLE)
        .doesNotContain(System.getenv(TEST_VARIABLE));
  }

  @Test
  void shouldPreferAMountedSecretFileAndTrimIt(@TempDir Path dir) throws IOException {
    Path secret = Files.writeString(dir.resolve("openai-api-key"), "sk-from-file-123456\n");

    ApiKey key = ApiKey.resolve(secret, TEST_VARIABLE, System::getenv);

    assertThat(key.value()).contains("sk-from-file-123456");
    assertThat(key.source()).isEqualTo("file " + secret);
  }

  @Test
  void shouldFailWhenTheConfiguredFileIsMissing(@TempDir Path dir) {
    assertThatThrownBy(() -> ApiKey.resolve(dir.resolve("absent"), TEST_VARIABLE, System::getenv))
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("ugda.relabel.judge.api-key-file");
  }

  @Test
  void shouldBeAbsentWithoutFileOrVariable() {
    ApiKey key = ApiKey.resolve(null, "UGDA_NO_SUCH_VARIABLE", System::getenv);

    assertThat(key.present()).isFalse();
    assertThat(key.source()).contains("UGDA_NO_SUCH_VARIABLE");
  }

  @Test
  void shouldNeverShowTheKey() {
    ApiKey key = ApiKey.resolve(null, "K", name -> "sk-live-abcdef123456");

    assertThat(key.toString()).doesNotContain("sk-live");
    assertThat(
            key.redact(
                "Incorrect API key provided: sk-live-abcdef123456. Also sk-other-key-999999."))
        .isEqualTo("Incorrect API key provided: [redacted]. Also [redacted].");
    assertThat(key.redact("Bearer not-shaped-like-openai sk-live-abcdef123456"))
        .doesNotContain("abcdef123456");
  }
}
