package org.ugda.core.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.ugda.core.Fixtures;
import org.ugda.core.cli.VerifyCheckpointCommand;
import org.ugda.core.format.SafeTensorsFile;

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
    boolean ppo = Files.isDirectory(Fixtures.arch(arch).resolve("ppo"));
    // only llama's fixtures carry the PPO part; nothing else may be skipped
    List<String> skippable =
        ppo ? List.of() : r.skipped().stream().filter(s -> s.startsWith("ppo/")).toList();
    assertEquals(skippable, r.skipped(), "nothing of the fixture may be skipped: " + r.skipped());
    // labels, logits, hidden, lm_loss, logprobs, lora_logits, 2 sample losses, rewards, member
    // rewards, bt, mse, 2 order checks (14); 2x8 per-sample grads; 3x8 Adam; 2x9 reward grads
    // PPO: order (1); rollout: 3 logprob/value tensors, k1, k3, rewards, 2 advantages, returns,
    // kl_objective (10); update 1: 5 losses, norm, 10 grads, 10 weights (26); update 2: new
    // logprobs, values, ratio, 2 KLs, 5 losses, norm, 10 grads, 10 weights (31); adaptive KL (9)
    assertEquals(14 + 16 + 24 + 18 + (ppo ? 1 + 10 + 26 + 31 + 9 : 0), r.comparisons().size());
  }

  @Test
  void theCommandChecksThePpoPartAndDumpsItUnderTheFixturesNames(@TempDir Path tmp) {
    Path dump = tmp.resolve("dump.safetensors");
    int code =
        VerifyCheckpointCommand.run(
            new String[] {Fixtures.arch("llama").toString(), "--dump", dump.toString()});
    assertEquals(0, code);
    try (SafeTensorsFile f = SafeTensorsFile.open(dump)) {
      for (String n :
          List.of(
              "ppo.old_logprobs",
              "ppo.advantages",
              "ppo.ratio2",
              "ppo.grad2.v_head.summary.weight",
              "ppo.after_step2.v_head.summary.bias")) {
        assertTrue(f.contains(n), n + " missing from the dump");
      }
    }
  }
}
