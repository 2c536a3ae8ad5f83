package org.ugda.policy.run;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.client.HttpClientErrorException;
import org.springframework.web.client.HttpServerErrorException;
import org.springframework.web.client.ResourceAccessException;
import org.ugda.api.reward.RewardClient;
import org.ugda.api.reward.ScoreItem;
import org.ugda.api.reward.ScoreRequest;
import org.ugda.api.reward.ScoreResponse;
import org.ugda.api.reward.ScoredItem;
import org.ugda.policy.config.PolicyProperties;

/**
 * Every member's reward of a batch, from reward-service over HTTP (token ids, the run's pinned
 * version). While reward-service is unreachable, or answers 5xx or 429, the call waits with
 * exponential backoff (ugda.policy.reward-retry) and tries again, for as long as it takes, unless
 * the run is cancelled; a 4xx other than 429 is the request's fault and fails the run.
 */
@Component
public class RewardScorer {
  private static final Logger log = LoggerFactory.getLogger(RewardScorer.class);

  private final RewardClient rewards;
  private final PolicyProperties.Retry retry;

  RewardScorer(RewardClient rewards, PolicyProperties props) {
    this.rewards = rewards;
    this.retry = props.rewardRetry();
  }

  /** Items per call: reward-service's default item limit (256) with room to spare. */
  static final int CHUNK = 64;

  /**
   * Members' rewards [rows][k] of the sequences; {@code waiting} hears how long the call has been
   * waiting (null once it got an answer again).
   */
  public double[][] score(
      UUID ensemble,
      int version,
      List<long[]> sequences,
      BooleanSupplier cancelled,
      Consumer<Duration> waiting) {
    List<double[]> out = new ArrayList<>();
    for (int from = 0; from < sequences.size(); from += CHUNK) {
      List<ScoreItem> items = new ArrayList<>();
      for (long[] s : sequences.subList(from, Math.min(sequences.size(), from + CHUNK))) {
        List<Long> ids = new ArrayList<>(s.length);
        for (long id : s) {
          ids.add(id);
        }
        items.add(new ScoreItem(null, null, ids));
      }
      ScoreResponse r = call(ensemble, new ScoreRequest(items, version), cancelled, waiting);
      if (r.items().size() != items.size() || r.version() != version) {
        throw new IllegalStateException(
            "reward-service answered "
                + r.items().size()
                + " items of version "
                + r.version()
                + " for "
                + items.size()
                + " items of version "
                + version);
      }
      for (ScoredItem it : r.items()) {
        double[] m = it.members().stream().mapToDouble(Double::doubleValue).toArray();
        for (double x : m) {
          if (!Double.isFinite(x)) {
            throw new IllegalStateException("reward-service returned a non-finite reward " + x);
          }
        }
        out.add(m);
      }
    }
    return out.toArray(new double[0][]);
  }

  private ScoreResponse call(
      UUID ensemble, ScoreRequest req, BooleanSupplier cancelled, Consumer<Duration> waiting) {
    long start = System.nanoTime();
    Duration wait = retry.initial();
    boolean failedBefore = false;
    while (true) {
      try {
        ScoreResponse r = rewards.score(ensemble, req);
        if (failedBefore) {
          waiting.accept(null);
          log.info("reward-service answers again");
        }
        return r;
      } catch (ResourceAccessException | HttpServerErrorException e) {
        retryable(e);
      } catch (HttpClientErrorException e) {
        if (e.getStatusCode().value() != 429) {
          throw new IllegalStateException(
              "reward-service refused the scores ("
                  + e.getStatusCode().value()
                  + "): "
                  + e.getResponseBodyAsString(),
              e);
        }
        retryable(e);
      }
      failedBefore = true;
      waiting.accept(Duration.ofNanos(System.nanoTime() - start));
      sleep(wait, cancelled);
      wait = wait.multipliedBy(2).compareTo(retry.max()) > 0 ? retry.max() : wait.multipliedBy(2);
    }
  }

  private static void retryable(RuntimeException e) {
    log.warn("reward-service unavailable ({}); waiting to try again", e.getMessage());
  }

  private static void sleep(Duration d, BooleanSupplier cancelled) {
    long until = System.nanoTime() + d.toNanos();
    while (System.nanoTime() < until) {
      if (cancelled.getAsBoolean()) {
        throw new CancellationException("cancelled while waiting for reward-service");
      }
      try {
        Thread.sleep(Math.min(200, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new CancellationException("interrupted while waiting for reward-service");
      }
    }
  }
}
