package org.ugda.policy.run;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import org.ugda.api.policy.CreateRun;
import org.ugda.api.policy.RunPrompt;
import org.ugda.api.policy.RunView;
import org.ugda.api.policy.Shaping;
import org.ugda.api.reward.Ensemble;
import org.ugda.api.reward.RewardClient;
import org.ugda.policy.config.PolicyProperties;
import org.ugda.policy.runtime.PolicyStorage;
import org.ugda.support.idempotency.IdempotencyKeys;
import org.ugda.support.job.JobProperties;
import org.ugda.support.job.JobWorker;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.problem.TooLargeException;
import org.ugda.support.problem.UnavailableException;

/**
 * PPO runs as asynchronous jobs on one worker thread. A run is checked before its row is written
 * (the base model, the prompts, the ensemble and its version, which is pinned then): bad input
 * leaves nothing behind. A shutdown marks the instance's runs {@code INTERRUPTED}, and so does any
 * instance once a run's instance stops heart-beating (the lease of {@code JobWorker}; a live
 * replica's runs are never touched); a resume continues after the last finished step.
 */
@Service
public class RunService implements DisposableBean {

  /** A submitted run, and whether an earlier request with the same key created it. */
  public record Submission(RunView run, boolean replayed) {}

  private final RunStore store;
  private final PpoRunner runner;
  private final RewardClient rewards;
  private final PolicyStorage storage;
  private final PolicyProperties props;
  private final TransactionTemplate tx;
  private final JobWorker worker;

  RunService(
      RunStore store,
      PpoRunner runner,
      RewardClient rewards,
      PolicyStorage storage,
      PolicyProperties props,
      TransactionTemplate tx,
      JobProperties lease) {
    this.store = store;
    this.runner = runner;
    this.rewards = rewards;
    this.storage = storage;
    this.props = props;
    this.tx = tx;
    this.worker = new JobWorker(store.jobs(), "run", "/v1/runs/{id}/resume", storage::hide, lease);
  }

  @EventListener(ApplicationReadyEvent.class)
  void markInterrupted() {
    worker.interruptStale();
  }

  public Submission submit(CreateRun request, String idempotencyKey) {
    Optional<String> key = IdempotencyKeys.check(idempotencyKey);
    CreateRun checked = validate(request);
    String fingerprint = IdempotencyKeys.fingerprint(RunStore.JSON.writeValueAsString(request));
    if (key.isPresent()) {
      Optional<UUID> earlier = store.jobs().byKey(key.get());
      if (earlier.isPresent()) {
        return replay(key.get(), earlier.get(), fingerprint);
      }
    }
    UUID id = UUID.randomUUID();
    int total =
        PpoRunner.stepsPerEpoch(checked.prompts().size(), checked.settings().batchSize())
            * checked.settings().epochs();
    try {
      tx.executeWithoutResult(
          s -> store.insert(id, checked, total, key.orElse(null), fingerprint, Instant.now()));
    } catch (RuntimeException e) {
      Optional<UUID> raced = key.flatMap(store.jobs()::byKey);
      if (raced.isPresent()) {
        return replay(key.get(), raced.get(), fingerprint);
      }
      throw e;
    }
    schedule(id, checked);
    return new Submission(view(id), false);
  }

  private Submission replay(String key, UUID earlier, String fingerprint) {
    String stored = store.jobs().fingerprint(earlier).orElse("");
    return new Submission(
        IdempotencyKeys.replay(key, stored, fingerprint, view(earlier), earlier), true);
  }

  /** Everything that can be checked before a row is written; pins the ensemble version. */
  CreateRun validate(CreateRun r) {
    PolicyProperties.Limits lim = props.limits();
    if (r.prompts().size() > lim.maxPrompts()) {
      throw new TooLargeException(
          "prompts holds "
              + r.prompts().size()
              + " prompts; at most "
              + lim.maxPrompts()
              + " per run (ugda.policy.limits.max-prompts)");
    }
    for (int i = 0; i < r.prompts().size(); i++) {
      RunPrompt p = r.prompts().get(i);
      if (p.prompt().length() > lim.maxPromptChars()) {
        throw new TooLargeException(
            "prompts["
                + i
                + "] has "
                + p.prompt().length()
                + " characters; at most "
                + lim.maxPromptChars());
      }
    }
    Integer maxNew = r.settings().sampling().maxNewTokens();
    if (maxNew != null && maxNew > lim.maxNewTokens()) {
      throw new IllegalArgumentException(
          "settings.sampling.maxNewTokens is "
              + maxNew
              + "; at most "
              + lim.maxNewTokens()
              + " (ugda.policy.limits.max-new-tokens)");
    }
    storage.baseModel(r.baseModel() == null ? props.defaultBaseModel() : r.baseModel());
    if (r.shaping() == Shaping.GOLD) {
      return r;
    }
    Ensemble e;
    try {
      e = rewards.ensemble(r.ensembleId());
    } catch (HttpClientErrorException.NotFound nf) {
      throw new IllegalArgumentException(
          "ensembleId " + r.ensembleId() + " is not an ensemble of reward-service");
    } catch (ResourceAccessException | RestClientResponseException down) {
      throw new UnavailableException(
          "reward-service cannot be reached to check ensemble "
              + r.ensembleId()
              + "; try again when it is up",
          Duration.ofSeconds(5));
    }
    if (e.latestVersion() < 1) {
      throw new IllegalArgumentException(
          "ensemble " + e.id() + " has no trained version yet; train it first");
    }
    int version = r.ensembleVersion() == null ? e.latestVersion() : r.ensembleVersion();
    if (version > e.latestVersion()) {
      throw new IllegalArgumentException(
          "ensembleVersion "
              + version
              + " does not exist; ensemble "
              + e.id()
              + " has versions 1.."
              + e.latestVersion());
    }
    if (r.shaping() == Shaping.SINGLE && r.member() >= e.members()) {
      throw new IllegalArgumentException(
          "member " + r.member() + " does not exist: the ensemble has " + e.members() + " members");
    }
    return new CreateRun(
        r.baseModel(),
        r.ensembleId(),
        version,
        r.shaping(),
        r.shapingLambda(),
        r.member(),
        r.prompts(),
        r.settings());
  }

  private void schedule(UUID id, CreateRun request) {
    worker.submit(id, body(id, request));
  }

  private JobWorker.Body body(UUID id, CreateRun request) {
    return stop -> runner.run(id, request, stop);
  }

  public RunView view(UUID id) {
    return store.view(id).orElseThrow(() -> unknown(id));
  }

  static NotFoundException unknown(UUID id) {
    return new NotFoundException("no run " + id);
  }

  public List<RunView> list(int limit) {
    return store.list(limit);
  }

  /** Cancels a queued or running run; 409 for one that has ended. */
  public RunView cancel(UUID id) {
    worker.cancel(id, view(id).state());
    return view(id);
  }

  /** Continues an interrupted, failed or cancelled run after its last finished step. */
  public RunView resume(UUID id) {
    RunStore.StoredRun r = store.stored(id).orElseThrow(() -> unknown(id));
    worker.resume(id, r.state(), body(id, r.request()));
    return view(id);
  }

  @Override
  public void destroy() throws InterruptedException {
    worker.close();
  }
}
