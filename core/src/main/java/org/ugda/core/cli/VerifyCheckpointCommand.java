package org.ugda.core.cli;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.verify.CheckpointVerifier;
import org.ugda.core.verify.Comparison;

/**
 * {@code ugda verify-checkpoint DIR [--dump FILE] [--device auto|cpu|cuda]}: recomputes every
 * reference output of DIR and prints, per tensor, max absolute and relative error and PASS/FAIL,
 * then {@code N passed, M failed}. Exit code 0 only if every comparison passed.
 */
public final class VerifyCheckpointCommand {
  private VerifyCheckpointCommand() {}

  static final String USAGE =
      """
      usage: ugda verify-checkpoint DIR [--dump FILE] [--device auto|cpu|cuda]

      DIR is laid out like shared/fixtures/<arch>/: causal-lm/, reward-model/, lora-adapter/,
      reward-lora-adapter/ (Hugging Face and PEFT layouts), reference.safetensors (inputs and
      expected outputs), lora-grads.safetensors/.json, reward-lora-grads.safetensors/.json, and
      ppo/ (ppo.safetensors, ppo.json, value-head.safetensors, adaptive-kl.json: one rollout
      and two PPO updates of the LoRA policy with its value head, the KL controller).
      Parts that are absent are skipped and listed. Tolerance: |a-b| <= 1e-4 + 1e-3*|b|.
        --dump FILE   also write every computed tensor, under the reference's names, to FILE
                      (safetensors), to compare with your own tools
      """;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  public static int run(String[] args) {
    Path dir = null;
    Path dump = null;
    String device = "cpu";
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--dump" -> dump = Path.of(need(args, ++i, "--dump"));
        case "--device" -> device = need(args, ++i, "--device");
        case "-h", "--help" -> {
          System.out.print(USAGE);
          return 0;
        }
        default -> {
          if (args[i].startsWith("--") || dir != null) {
            System.err.println("unexpected argument: " + args[i]);
            System.err.print(USAGE);
            return 2;
          }
          dir = Path.of(args[i]);
        }
      }
    }
    if (dir == null) {
      System.err.print(USAGE);
      return 2;
    }
    if (!Files.isDirectory(dir)) {
      System.err.println("error: " + dir + " is not a directory");
      return 2;
    }
    try {
      Device dev = DjlRuntime.device(device);
      CheckpointVerifier.Report report = new CheckpointVerifier(dir, dev).run();
      System.out.printf(
          Locale.ROOT, "%-96s %12s %12s  %s%n", "tensor", "max_abs_err", "max_rel_err", "result");
      for (Comparison c : report.comparisons()) {
        System.out.printf(
            Locale.ROOT,
            "%-96s %12.3e %12.3e  %s%s%n",
            c.name(),
            c.maxAbs(),
            c.maxRel(),
            c.pass() ? "PASS" : "FAIL",
            c.note().isEmpty() || c.note().equals("exact") ? "" : "  (" + c.note() + ")");
      }
      for (String s : report.skipped()) {
        System.out.println("skipped: " + s);
      }
      if (dump != null) {
        CheckpointVerifier.dump(report, dump);
        System.out.println("wrote " + report.computed().size() + " computed tensors to " + dump);
      }
      System.out.println(report.passed() + " passed, " + report.failed() + " failed");
      return report.allPassed() ? 0 : 1;
    } catch (IllegalArgumentException e) { // CheckpointException included
      System.err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private static String need(String[] args, int i, String flag) {
    if (i >= args.length) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args[i];
  }
}
