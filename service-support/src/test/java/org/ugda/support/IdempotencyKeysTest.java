package org.ugda.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.ugda.support.idempotency.IdempotencyKeys;
import org.ugda.support.problem.ConflictException;

class IdempotencyKeysTest {

  @Test
  void shouldAcceptNoKeyAndAUuid() {
    assertThat(IdempotencyKeys.check(null)).isEmpty();
    assertThat(IdempotencyKeys.check("7f8c6a1e-1b7e-4c1a-9d0e-3f1f7a2b9c10")).isPresent();
  }

  @Test
  void shouldRefuseEmptyOversizedAndNonPrintableKeys() {
    assertThatThrownBy(() -> IdempotencyKeys.check(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 200 characters");
    assertThatThrownBy(() -> IdempotencyKeys.check("k".repeat(201)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("was 201");
    assertThatThrownBy(() -> IdempotencyKeys.check("two words"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("character 3");
    assertThatThrownBy(() -> IdempotencyKeys.check("line\nbreak"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldReplayTheSameRequestAndRefuseAnother() {
    String first = IdempotencyKeys.fingerprint("{\"a\":1}");
    assertThat(
            IdempotencyKeys.replay("k", first, IdempotencyKeys.fingerprint("{\"a\":1}"), "job", 7))
        .isEqualTo("job");
    assertThatThrownBy(
            () ->
                IdempotencyKeys.replay(
                    "k", first, IdempotencyKeys.fingerprint("{\"a\":2}"), "job", 7))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("job 7")
        .hasMessageContaining("new key");
  }
}
