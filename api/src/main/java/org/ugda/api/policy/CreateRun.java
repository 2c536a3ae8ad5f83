package org.ugda.api.policy;

import java.util.List;
import java.util.UUID;
import org.ugda.api.check.RequestChecks;

/**
 * {@code POST /v1/runs}: a PPO run of a fresh LoRA policy on {@code baseModel} against a reward
 * ensemble's version (pinned when the run starts: null takes the latest then).
 *
 * @param baseModel the SFT checkpoint (relative to the storage root); null: the service's default
 * @param ensembleId reward-service's ensemble; required unless shaping is {@code gold}
 * @param ensembleVersion 1 or more; null: the latest, pinned at submission
 * @param shaping how member rewards become the score (default {@code mean})
 * @param shapingLambda lcb's and uwo's lambda (defaults 1 and 0.1)
 * @param member the member {@code single} shaping uses (default 0)
 * @param prompts the prompt set, at least {@code settings.batchSize} of them
 * @param settings PPO settings; null fields take their defaults
 */
public record CreateRun(
    String baseModel,
    UUID ensembleId,
    Integer ensembleVersion,
    Shaping shaping,
    Double shapingLambda,
    Integer member,
    List<RunPrompt> prompts,
    PpoSettings settings) {

  public CreateRun {
    if (baseModel != null) {
      RequestChecks.baseModel(baseModel);
    }
    shaping = shaping == null ? Shaping.MEAN : shaping;
    if (shaping != Shaping.GOLD && ensembleId == null) {
      throw new IllegalArgumentException(
          "ensembleId is required for shaping " + shaping.wire() + " (only gold needs none)");
    }
    RequestChecks.version(ensembleVersion, "ensembleVersion");
    RequestChecks.range(shapingLambda, "shapingLambda", 0, 1e6);
    RequestChecks.range(member, "member", 0, 1023);
    if (member != null && shaping != Shaping.SINGLE) {
      throw new IllegalArgumentException("member applies to shaping single only");
    }
    if (prompts == null || prompts.isEmpty()) {
      throw new IllegalArgumentException("prompts must hold at least one {prompt, subtask}");
    }
    for (int i = 0; i < prompts.size(); i++) {
      if (prompts.get(i) == null) {
        throw new IllegalArgumentException("prompts[" + i + "] is null");
      }
    }
    prompts = List.copyOf(prompts);
    settings = (settings == null ? PpoSettings.defaults() : settings).withDefaults();
    if (prompts.size() < settings.batchSize()) {
      throw new IllegalArgumentException(
          "prompts holds "
              + prompts.size()
              + " prompts, fewer than settings.batchSize ("
              + settings.batchSize()
              + "); send more prompts or a smaller batch");
    }
    if (shapingLambda == null) {
      shapingLambda = shaping.defaultLambda();
    }
    if (shaping == Shaping.SINGLE && member == null) {
      member = 0;
    }
  }
}
