package org.ugda.relabel.job;

import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.ugda.api.relabel.Expert;
import org.ugda.relabel.judge.JudgeUnavailableException;
import org.ugda.relabel.judge.LlmJudge;
import org.ugda.relabel.judge.Verdict;
import org.ugda.relabel.label.LabelStore;
import org.ugda.relabel.simulated.SimulatedExpertProperties;
import org.ugda.world.expert.SimulatedExpert;

/**
 * Gives one item to the job's expert and stores what came of it: a label, a task in the human
 * queue, or a failure. An item is never given a score the expert did not give, and nothing is
 * stored for an item of a job cancelled meanwhile ({@link ItemStore}).
 */
@Component
class ItemProcessor {

  private static final Logger log = LoggerFactory.getLogger(ItemProcessor.class);

  private final ItemStore items;
  private final LlmJudge judge;
  private final SimulatedExpert simulated;
  private final SimulatedExpertProperties simulatedSettings;

  ItemProcessor(
      ItemStore items,
      LlmJudge judge,
      SimulatedExpert simulated,
      SimulatedExpertProperties simulatedSettings) {
    this.items = items;
    this.judge = judge;
    this.simulated = simulated;
    this.simulatedSettings = simulatedSettings;
  }

  /**
   * Labels {@code item}. Returns a reason to stop the whole job (the judge is misconfigured, so no
   * other item can succeed either) or null. An interrupt leaves the item pending.
   */
  String process(JobStore.Job job, Item item) throws InterruptedException {
    try {
      switch (job.expert()) {
        case HUMAN -> items.toHumans(item, "expert human: this job is labelled by people");
        case SIMULATED -> simulated(job, item);
        case OPENAI, OPENAI_THEN_HUMAN -> {
          return llm(job, item);
        }
      }
    } catch (RuntimeException e) {
      log.error("item {} of job {} failed", item.ordinal(), job.id(), e);
      items.failed(
          item,
          "internal error while labelling ("
              + e.getClass().getSimpleName()
              + "); resume the job to retry");
    }
    return null;
  }

  private void simulated(JobStore.Job job, Item item) {
    OptionalInt score = simulated.label(item.prompt(), item.response());
    if (score.isPresent()) {
      items.labelled(
          item,
          score.getAsInt(),
          new LabelStore.Origin(
              Expert.SIMULATED,
              simulatedSettings.labeller(),
              null,
              job.rubricVersion(),
              null,
              null,
              null));
    } else {
      items.failed(
          item,
          "the simulated expert labels only prompts of the benchmark world; use expert "
              + "human or openai for this item");
    }
  }

  private String llm(JobStore.Job job, Item item) throws InterruptedException {
    try {
      LlmJudge.Judgement judgement = judge.judge(item.prompt(), item.response());
      if (judgement.verdict() instanceof Verdict.Scored scored) {
        items.labelled(
            item,
            scored.score(),
            new LabelStore.Origin(
                Expert.OPENAI,
                job.model(),
                scored.reason(),
                job.rubricVersion(),
                null,
                null,
                judgement.cacheKey()));
      } else {
        items.toHumans(
            item,
            "the LLM's answer could not be used: "
                + ((Verdict.Unusable) judgement.verdict()).why());
      }
      return null;
    } catch (JudgeUnavailableException e) {
      String message = judge.redact(e.getMessage());
      if (e.reason() == JudgeUnavailableException.Reason.MISCONFIGURED) {
        return message;
      }
      if (job.expert() == Expert.OPENAI_THEN_HUMAN) {
        if (items.toHumans(item, "the LLM judge could not label it: " + message)) {
          items.error(job.id(), item.id(), "sent to the human queue: " + message);
        }
      } else {
        items.failed(item, message);
      }
      return null;
    }
  }
}
