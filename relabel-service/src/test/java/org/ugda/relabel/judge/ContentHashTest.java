package org.ugda.relabel.judge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.ugda.support.idempotency.IdempotencyKeys;

class ContentHashTest {

  @Test
  void shouldFingerprintTheLengthPrefixedFormAsTheHashStoredBeforeTheSharedRule() {
    // a job's request_hash was sha256Of(parts); the shared rule fingerprints one string
    List<String> parts = List.of("openai+human", "\u0000", "Grüße, 世界", "", "1:2:");

    assertThat(ContentHash.lengthPrefixed(parts))
        .isEqualTo("12:openai+human1:\u000015:Grüße, 世界0:4:1:2:");
    assertThat(IdempotencyKeys.fingerprint(ContentHash.lengthPrefixed(parts)))
        .isEqualTo(ContentHash.sha256Of(parts));
  }

  @Test
  void shouldKeepPartsApartByTheirLengths() {
    assertThat(ContentHash.sha256Of(List.of("ab", "c")))
        .isNotEqualTo(ContentHash.sha256Of(List.of("a", "bc")));
  }
}
