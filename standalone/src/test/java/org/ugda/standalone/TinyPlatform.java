package org.ugda.standalone;

import java.nio.file.Path;

/**
 * The whole platform in this JVM on the tiny benchmark world, as the end-to-end tests run it: every
 * service's storage root at {@code root}, an embedded PostgreSQL in {@code dataDir}, the tiny SFT
 * model as every base model, fast polling, and {@code adminKey} as the gateway's admin key.
 */
final class TinyPlatform {
  private TinyPlatform() {}

  static Standalone start(Path root, String dataDir, String adminKey, String... more) {
    String r = root.toString();
    java.util.List<String> args =
        new java.util.ArrayList<>(
            java.util.List.of(
                "--server.port=0",
                "--ugda.device=cpu",
                "--ugda.standalone.data-dir=" + dataDir,
                "--ugda.reward.storage-root=" + r,
                "--ugda.policy.storage-root=" + r,
                "--ugda.selection.storage-root=" + r,
                "--ugda.pipeline.storage-root=" + r,
                "--ugda.reward.default-base-model=sft",
                "--ugda.policy.default-base-model=sft",
                "--ugda.pipeline.poll-interval=200ms",
                "--ugda.gateway.admin-key=" + adminKey));
    args.addAll(java.util.List.of(more));
    return Standalone.start(args.toArray(String[]::new));
  }
}
