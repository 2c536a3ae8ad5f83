package org.ugda.selection.job;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Supplier;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.springframework.web.client.RestClientResponseException;
import org.ugda.api.job.JobState;
import org.ugda.api.policy.CheckpointView;
import org.ugda.api.policy.PolicyClient;
import org.ugda.api.policy.RunView;
import org.ugda.api.selection.CreateSelection;
import org.ugda.api.selection.SelectionCheckpoint;
import org.ugda.api.selection.SelectionView;
import org.ugda.api.selection.ValidationExample;
import org.ugda.api.selection.ValidationSubtask;
import org.ugda.selection.config.SelectionProperties;
import org.ugda.selection.influence.Selector;
import org.ugda.support.idempotency.IdempotencyKeys;
import org.ugda.support.job.JobProperties;
import org.ugda.support.job.JobWorker;
import org.ugda.support.problem.ConflictException;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.problem.TooLargeException;
import org.ugda.support.problem.UnavailableException;
import org.ugda.world.WorldFiles;
import org.ugda.world.data.WorldData;

/**
 * Selections as asynchronous jobs on one worker thread, the same job design as policy-service's
 * runs. A selection is checked before its row is written (the run has ended, its checkpoints exist,
 * the validation sets are there, the budget fits the log), and its request is stored with
 * everything resolved: the checkpoints' weights and the validation examples themselves, so a
 * resumed or repeated selection does not depend on files that may have changed. A shutdown marks
 * the instance's selections {@code INTERRUPTED}, and so does any instance once a selection's
 * instance stops heart-beating (the lease of {@code JobWorker}; a live replica's selections are
 * never touched); a resume starts the selection again from the log.
 */
@Service
public class SelectionService implements DisposableBean {

  /** The default validation subtasks: the benchmark world's two families. */
  public static final List<String> WORLD_SUBTASKS = List.of("helpful", "harmless");

  /** A submitted selection, and whether an earlier request with the same key created it. */
  public record Submission(SelectionView selection, boolean replayed) {}

  private final SelectionStore store;
  private final SelectionRunner runner;
  private final PolicyClient policy;
  private final SelectionProperties props;
  private final TransactionTemplate tx;
  private final JobWorker worker;

  SelectionService(
      SelectionStore store,
      SelectionRunner runner,
      PolicyClient policy,
      SelectionProperties props,
      TransactionTemplate tx,
      JobProperties lease) {
    this.store = store;
    this.runner = runner;
    this.policy = policy;
    this.props = props;
    this.tx = tx;
    this.worker =
        new JobWorker(store.jobs(), "selection", "/v1/selections/{id}/resume", m -> m, lease);
  }

  @EventListener(ApplicationReadyEvent.class)
  void markInterrupted() {
    worker.interruptStale();
  }

  public Submission submit(CreateSelection request, String idempotencyKey) {
    Optional<String> key = IdempotencyKeys.check(idempotencyKey);
    checkSize(request);
    String fingerprint =
        IdempotencyKeys.fingerprint(SelectionStore.JSON.writeValueAsString(request));
    if (key.isPresent()) {
      Optional<UUID> earlier = store.jobs().byKey(key.get());
      if (earlier.isPresent()) {
        return replay(key.get(), earlier.get(), fingerprint);
      }
    }
    Resolved r = resolve(request);
    UUID id = UUID.randomUUID();
    try {
      tx.executeWithoutResult(
          s ->
              store.insert(
                  id, r.request(), r.weights(), key.orElse(null), fingerprint, Instant.now()));
    } catch (RuntimeException e) {
      Optional<UUID> raced = key.flatMap(store.jobs()::byKey);
      if (raced.isPresent()) {
        return replay(key.get(), raced.get(), fingerprint);
      }
      throw e;
    }
    schedule(id);
    return new Submission(view(id), false);
  }

  private Submission replay(String key, UUID earlier, String fingerprint) {
    String stored = store.jobs().fingerprint(earlier).orElse("");
    return new Submission(
        IdempotencyKeys.replay(key, stored, fingerprint, view(earlier), earlier), true);
  }

  private void checkSize(CreateSelection r) {
    if (r.validation() == null) {
      return;
    }
    int total = 0;
    for (ValidationSubtask s : r.validation()) {
      total += s.examples().size();
      for (int i = 0; i < s.examples().size(); i++) {
        ValidationExample e = s.examples().get(i);
        int chars = e.prompt().length() + e.response().length();
        if (chars > props.maxExampleChars()) {
          throw new TooLargeException(
              "validation subtask '"
                  + s.name()
                  + "' example "
                  + i
                  + " has "
                  + chars
                  + " characters; at most "
                  + props.maxExampleChars()
                  + " (ugda.selection.max-example-chars)");
        }
      }
    }
    if (total > props.maxValidationExamples()) {
      throw new TooLargeException(
          "validation holds "
              + total
              + " examples; at most "
              + props.maxValidationExamples()
              + " per selection (ugda.selection.max-validation-examples)");
    }
  }

  /** The request with every default resolved, and eta-bar_i per checkpoint epoch. */
  record Resolved(CreateSelection request, Map<Integer, Double> weights) {}

  /** Everything that can be checked before a row is written. */
  Resolved resolve(CreateSelection r) {
    RunView run = call(() -> policy.run(r.runId()), "read run " + r.runId(), r.runId());
    if (run.state() == JobState.QUEUED || run.state() == JobState.RUNNING) {
      throw new ConflictException(
          "run "
              + r.runId()
              + " is "
              + run.state()
              + " and its log still grows; select from it once it has ended");
    }
    Map<Integer, Double> weights = new TreeMap<>();
    List<SelectionCheckpoint> checkpoints = r.checkpoints();
    List<ValidationSubtask> validation = r.validation();
    if (r.strategy().usesInfluence()) {
      List<CheckpointView> have =
          call(() -> policy.checkpoints(r.runId()), "list run " + r.runId(), r.runId());
      if (have.isEmpty()) {
        throw new ConflictException(
            "run "
                + r.runId()
                + " has no checkpoint (it finished no epoch); strategy "
                + r.strategy().wire()
                + " needs one, or choose uncertainty or random");
      }
      Map<Integer, CheckpointView> byEpoch = new TreeMap<>();
      have.forEach(c -> byEpoch.put(c.epoch(), c));
      List<SelectionCheckpoint> wanted =
          checkpoints != null
              ? checkpoints
              : have.stream().map(c -> new SelectionCheckpoint(c.epoch(), null)).toList();
      List<SelectionCheckpoint> out = new ArrayList<>();
      for (SelectionCheckpoint c : wanted) {
        CheckpointView cv = byEpoch.get(c.epoch());
        if (cv == null) {
          throw new NotFoundException(
              "run "
                  + r.runId()
                  + " has no checkpoint of epoch "
                  + c.epoch()
                  + "; it has epochs "
                  + byEpoch.keySet());
        }
        double lr = c.learningRate() != null ? c.learningRate() : cv.meanLearningRate();
        if (!(lr > 0)) {
          throw new IllegalArgumentException(
              "checkpoint "
                  + c.epoch()
                  + " stored a mean learning rate of "
                  + lr
                  + "; give learningRate for it");
        }
        out.add(new SelectionCheckpoint(c.epoch(), lr));
        weights.put(c.epoch(), lr);
      }
      checkpoints = out;
      validation = validation != null ? validation : worldValidation();
    } else {
      checkpoints = null;
      validation = null;
    }
    CreateSelection resolved =
        new CreateSelection(
            r.runId(),
            r.strategy(),
            r.gamma(),
            r.eta(),
            r.budgetFraction(),
            r.budgetCount(),
            checkpoints,
            r.dim(),
            r.seed(),
            r.aggregation(),
            r.influence(),
            r.direction(),
            validation);
    long n = run.loggedRollouts();
    if (n > Integer.MAX_VALUE) {
      throw new TooLargeException("run " + r.runId() + " logged " + n + " rollouts; too many");
    }
    Selector.sizes(
        (int) n,
        Selector.Plan.of(
            resolved, new double[weights.size()], validation == null ? 0 : validation.size()));
    return new Resolved(resolved, weights);
  }

  /** The benchmark world's helpful and harmless validation sets under the storage root. */
  List<ValidationSubtask> worldValidation() {
    List<ValidationSubtask> out = new ArrayList<>();
    for (String name : WORLD_SUBTASKS) {
      Path f = props.world().resolve(WorldFiles.validation(name));
      if (!Files.isRegularFile(f)) {
        throw new IllegalArgumentException(
            "no validation given and the benchmark world's "
                + WorldFiles.validation(name)
                + " is not in the storage root's "
                + props.worldDir()
                + "/ (generate the world there with ./ugda world generate, or send validation:"
                + " [{name, examples: [{prompt, response} or {chosen}]}])");
      }
      List<ValidationExample> examples =
          WorldData.demonstrations(f).stream()
              .map(d -> ValidationExample.of(d.prompt(), d.response()))
              .toList();
      out.add(new ValidationSubtask(name, examples));
    }
    return out;
  }

  /**
   * Calls policy-service: its 404 names the unknown run; unreachable is a 503 to retry; any other
   * answer is passed on in words.
   */
  <T> T call(Supplier<T> c, String what, UUID runId) {
    try {
      return c.get();
    } catch (HttpClientErrorException.NotFound nf) {
      throw new NotFoundException("policy-service has no run " + runId);
    } catch (ResourceAccessException down) {
      throw new UnavailableException(
          "policy-service cannot be reached to " + what + "; try again when it is up",
          Duration.ofSeconds(5));
    } catch (RestClientResponseException e) {
      throw new UnavailableException(
          "policy-service answered " + e.getStatusCode().value() + " to " + what,
          Duration.ofSeconds(5));
    }
  }

  private void schedule(UUID id) {
    worker.submit(id, body(id));
  }

  private JobWorker.Body body(UUID id) {
    return stop -> {
      SelectionStore.Stored s = store.stored(id).orElseThrow(() -> unknown(id));
      runner.run(id, s.request(), s.weights(), stop);
    };
  }

  public SelectionView view(UUID id) {
    return store.view(id).orElseThrow(() -> unknown(id));
  }

  static NotFoundException unknown(UUID id) {
    return new NotFoundException("no selection " + id);
  }

  public List<SelectionView> list(UUID runId, int limit) {
    return store.list(runId, limit);
  }

  /** Cancels a queued or running selection; 409 for one that has ended. */
  public SelectionView cancel(UUID id) {
    worker.cancel(id, view(id).state());
    return view(id);
  }

  /** Runs an interrupted, failed or cancelled selection again from the log. */
  public SelectionView resume(UUID id) {
    worker.resume(id, view(id).state(), body(id));
    return view(id);
  }

  /** The checkpoints' weights a selection resolved, in epoch order. */
  public Map<Integer, Double> weights(UUID id) {
    return new LinkedHashMap<>(
        store.stored(id).map(SelectionStore.Stored::weights).orElseThrow(() -> unknown(id)));
  }

  @Override
  public void destroy() throws InterruptedException {
    worker.close();
  }
}
