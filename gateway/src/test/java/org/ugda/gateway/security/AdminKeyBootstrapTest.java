package org.ugda.gateway.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;
import org.ugda.gateway.GatewayApplication;
import org.ugda.testsupport.TestDatabase;

/**
 * Without {@code UGDA_ADMIN_KEY}, the first start on an empty database generates the admin key and
 * prints its token once; the second start prints nothing, and the token is stored only as its hash.
 */
@ExtendWith(OutputCaptureExtension.class)
class AdminKeyBootstrapTest {

  private static final Pattern TOKEN = Pattern.compile("ugda_[A-Za-z0-9_-]{43}");

  @Test
  void shouldPrintTheGeneratedAdminKeyOnceAndNeverAgain(CapturedOutput output) {
    TestDatabase database = TestDatabase.fresh();
    String token;
    try (ConfigurableApplicationContext first = start(database)) {
      Matcher printed = TOKEN.matcher(output.getOut());
      assertThat(printed.find()).as("the first start prints the token").isTrue();
      token = printed.group();
      assertThat(printed.find()).as("printed once").isFalse();
      assertThat(output.getErr()).doesNotContain(token);
      assertThat(first.getBean(ApiKeyStore.class).findActiveByToken(token).orElseThrow().role())
          .isEqualTo("admin");
    }
    int length = output.getAll().length();
    try (ConfigurableApplicationContext second = start(database)) {
      String later = output.getAll().substring(length);
      assertThat(TOKEN.matcher(later).find()).as("a second start prints no token").isFalse();
      assertThat(second.getBean(ApiKeyStore.class).findActiveByToken(token)).isPresent();
    }
    assertThat(output.getAll().split(Pattern.quote(token), -1)).hasSize(2);
  }

  private static ConfigurableApplicationContext start(TestDatabase database) {
    // command-line arguments, which beat gateway.yml (and an UGDA_ADMIN_KEY of the environment)
    return GatewayApplication.application()
        .run(
            "--server.port=0",
            "--spring.datasource.url=" + database.url(),
            "--spring.datasource.username=" + database.username(),
            "--spring.datasource.password=" + database.password(),
            "--ugda.gateway.admin-key=",
            "--ugda.services.reward-url=http://localhost:9",
            "--ugda.services.policy-url=http://localhost:9",
            "--ugda.services.selection-url=http://localhost:9",
            "--ugda.services.relabel-url=http://localhost:9");
  }
}
