package org.ugda.reward.remote;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.ugda.reward.support.Http;
import org.ugda.reward.support.RewardServer;
import org.ugda.reward.support.TestWorld;
import org.ugda.testsupport.TestDatabase;

/**
 * TRL's own {@code GRPOTrainer} (trl 1.13, torch on the CPU) trains the tiny world's SFT model for
 * a few steps with {@code UgdaReward} as its reward function against this running reward-service
 * ({@code clients/python/tests/grpo_against_service.py}); every reward TRL got is the ensemble's
 * mean from {@code /score}, and TRL's own logged reward means are those rewards'. It needs a Python
 * with trl and torch, named by {@code UGDA_TRL_PYTHON} (e.g. a venv made from the machine's pip
 * mirror); without it the test is skipped and says so, which is how it stands in the default CI
 * run: {@code UGDA_TRL_PYTHON=/path/to/python ./mvnw -pl reward-service -am verify
 * -Dtest=TrlGrpoHttpTest}.
 */
class TrlGrpoHttpTest {
  static final TestDatabase DB = TestDatabase.fresh();

  @RegisterExtension static final RewardServer SERVER = new RewardServer(DB);

  static final Http http = SERVER.http();

  @Test
  void grpoTrainsOnTheEnsemblesRewards() throws Exception {
    String python = System.getenv("UGDA_TRL_PYTHON");
    Assumptions.assumeTrue(
        python != null && Files.isExecutable(Path.of(python)),
        "UGDA_TRL_PYTHON names no Python with trl and torch; TRL's GRPOTrainer proof skipped");
    String id =
        http.createEnsemble(Map.of("name", "grpo", "baseModel", "sft", "members", 3, "seed", 4));
    Path root = TestWorld.root();
    Path script =
        Path.of("..", "clients", "python", "tests", "grpo_against_service.py").toAbsolutePath();
    ProcessBuilder pb =
        new ProcessBuilder(
            python,
            script.normalize().toString(),
            "--model",
            root.resolve("sft").toString(),
            "--prompts",
            root.resolve("world").resolve("ppo-prompts.jsonl").toString(),
            "--url",
            "http://localhost:" + SERVER.port(),
            "--ensemble",
            id);
    pb.redirectErrorStream(true);
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes());
    int rc = p.waitFor();
    System.out.println(output);
    assertThat(rc).as(output).isZero();
    assertThat(output).contains("PASS: TRL trained on the ensemble's rewards");
  }
}
