package org.ugda.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ugda.core.Fixtures;

/** Every tensor of the golden fixtures, within the fixtures' tolerance (never loosened). */
class GoldenFixturesTest {

  @ParameterizedTest
  @ValueSource(strings = {"llama", "gemma"})
  void shouldMatchTransformersAndPeftOnEveryReferenceTensor(String arch) {
    CheckpointVerifier.Report r = new CheckpointVerifier(Fixtures.arch(arch), Device.cpu()).run();
    List<String> failed =
        r.comparisons().stream()
            .filter(c -> !c.pass())
            .map(c -> c.name() + " max_abs=" + c.maxAbs() + " worst=" + c.worst() + " " + c.note())
            .collect(Collectors.toList());
    System.out.println(
        arch + ": " + r.passed() + " passed, " + r.failed() + " failed; skipped " + r.skipped());
    assertTrue(failed.isEmpty(), arch + " failed:\n" + String.join("\n", failed));
    assertTrue(r.skipped().isEmpty(), "nothing of the fixture may be skipped: " + r.skipped());
    // labels, logits, hidden, lm_loss, logprobs, lora_logits, 2 sample losses, rewards, member
    // rewards, bt, mse, 2 order checks (14); 2x8 per-sample grads; 3x8 Adam; 2x9 reward grads
    assertEquals(14 + 16 + 24 + 18, r.comparisons().size());
  }
}
