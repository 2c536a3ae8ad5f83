package org.ugda.reward.scoring;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Service;
import org.ugda.api.reward.ScoreItem;
import org.ugda.api.reward.ScoreRequest;
import org.ugda.api.reward.ScoreResponse;
import org.ugda.api.reward.ScoredItem;
import org.ugda.core.reward.EnsembleStats;
import org.ugda.reward.config.RewardLimits;
import org.ugda.reward.config.RewardProperties;
import org.ugda.reward.ensemble.EnsembleEntity;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.ensemble.VersionEntity;
import org.ugda.reward.runtime.ModelRegistry;
import org.ugda.reward.runtime.RewardCodec;
import org.ugda.support.problem.TooLargeException;
import org.ugda.support.problem.UnavailableException;

/**
 * Scores (prompt, response) items with an ensemble version: every member's reward, the mean and the
 * variance (divided by k, Eq. 8). Concurrent requests for the same version share forward passes
 * through a {@link DynamicBatcher}.
 */
@Service
public class ScoringService implements DisposableBean {

  /** What requests must share to ride in one batch. */
  record Key(EnsembleEntity ensemble, VersionEntity version) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.version.id().equals(version.id());
    }

    @Override
    public int hashCode() {
      return Objects.hash(version.id());
    }
  }

  /** One encoded item. */
  record Encoded(long[] ids, int dropped) {}

  private final EnsembleService ensembles;
  private final ModelRegistry registry;
  private final RewardLimits limits;
  private final DynamicBatcher<Key, Encoded, float[]> batcher;
  private final MeterRegistry meters;
  private final Timer latency;
  private final Timer queue;
  private final DistributionSummary batchItems;
  private final DistributionSummary batchRequests;
  private final Counter items;
  private final Timer forward;
  private final Counter requests;
  private final Map<String, MemberScores> memberScores = new ConcurrentHashMap<>();

  public ScoringService(
      EnsembleService ensembles,
      ModelRegistry registry,
      RewardProperties props,
      RewardLimits limits,
      MeterRegistry meters) {
    this.ensembles = ensembles;
    this.registry = registry;
    this.limits = limits;
    this.meters = meters;
    this.latency =
        Timer.builder("ugda.reward.latency")
            .description("score request latency, queueing included")
            .register(meters);
    this.queue =
        Timer.builder("ugda.reward.queue")
            .description("time a request waited for its batch")
            .register(meters);
    this.batchItems =
        DistributionSummary.builder("ugda.reward.batch.items")
            .description("items per forward pass")
            .register(meters);
    this.batchRequests =
        DistributionSummary.builder("ugda.reward.batch.requests")
            .description("requests merged into one forward pass")
            .register(meters);
    this.items = Counter.builder("ugda.reward.items").description("items scored").register(meters);
    this.requests =
        Counter.builder("ugda.reward.requests").tag("outcome", "received").register(meters);
    this.forward =
        Timer.builder("ugda.reward.forward")
            .description("one forward pass over a batch, all members")
            .register(meters);
    RewardProperties.Batching b = props.batching();
    this.batcher =
        new DynamicBatcher<>(
            b.enabled(),
            b.maxBatchSize(),
            b.maxDelay().toNanos(),
            b.workers(),
            this::run,
            (n, r, q) -> {
              batchItems.record(n);
              batchRequests.record(r);
              for (long ns : q) {
                queue.record(ns, TimeUnit.NANOSECONDS);
              }
            });
  }

  public ScoreResponse score(UUID ensembleId, ScoreRequest req) {
    long t0 = System.nanoTime();
    requests.increment();
    if (req.items().size() > limits.maxItems()) {
      throw new TooLargeException(
          "a request may score at most "
              + limits.maxItems()
              + " items (ugda.reward.limits.max-items), "
              + "got "
              + req.items().size()
              + "; split it");
    }
    EnsembleEntity e = ensembles.entity(ensembleId);
    VersionEntity v = ensembles.version(ensembleId, req.version());
    var base = registry.base(e.baseModel());
    List<Encoded> enc = new ArrayList<>();
    int vocab = base.model().config().vocabSize();
    int maxTokens = base.tokenLimit(limits.maxTokens());
    for (int i = 0; i < req.items().size(); i++) {
      ScoreItem it = req.items().get(i);
      if (it.tokenIds() != null) {
        enc.add(tokens(it, i, vocab, maxTokens));
        continue;
      }
      if (it.prompt().length() > limits.maxTextChars()
          || it.response().length() > limits.maxTextChars()) {
        throw new TooLargeException(
            "items["
                + i
                + "] has a text longer than "
                + limits.maxTextChars()
                + " characters (ugda.reward.limits.max-text-chars)");
      }
      RewardCodec.Encoded x = base.requireCodec().encode(it.prompt(), it.response(), maxTokens);
      enc.add(new Encoded(x.ids(), x.dropped()));
    }
    List<float[]> rewards;
    try {
      rewards = batcher.submit(new Key(e, v), enc).get();
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
      throw new UnavailableException("interrupted while waiting for the model");
    } catch (ExecutionException ex) {
      if (ex.getCause() instanceof RuntimeException re) {
        throw re;
      }
      throw new IllegalStateException(ex.getCause());
    }
    List<ScoredItem> out = new ArrayList<>();
    for (int i = 0; i < enc.size(); i++) {
      float[] r = rewards.get(i);
      EnsembleStats.MeanVariance mv = EnsembleStats.of(r);
      List<Double> members = new ArrayList<>();
      for (int m = 0; m < r.length; m++) {
        members.add((double) r[m]);
        memberScores(e.name(), m).record(r[m]);
      }
      out.add(
          new ScoredItem(
              members,
              mv.mean(),
              mv.variance(),
              enc.get(i).ids().length,
              enc.get(i).dropped() > 0,
              enc.get(i).dropped(),
              maxTokens));
    }
    items.increment(enc.size());
    latency.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    return new ScoreResponse(e.id(), v.number(), out);
  }

  /**
   * Token ids sent by the client (the request checked they are non-negative): checked against the
   * vocabulary, cut from the left past {@code maxTokens} (the limit that applies on this base).
   */
  private Encoded tokens(ScoreItem it, int i, int vocab, int maxTokens) {
    List<Long> ids = it.tokenIds();
    if (ids.size() > limits.maxTextChars()) {
      throw new TooLargeException(
          "items["
              + i
              + "] has "
              + ids.size()
              + " token ids; at most "
              + limits.maxTextChars()
              + " are accepted");
    }
    int dropped = Math.max(0, ids.size() - maxTokens);
    long[] out = new long[ids.size() - dropped];
    for (int j = 0; j < out.length; j++) {
      Long id = ids.get(dropped + j);
      if (id >= vocab) {
        throw new IllegalArgumentException(
            "items["
                + i
                + "].tokenIds["
                + (dropped + j)
                + "] is "
                + id
                + "; ids must be in 0.."
                + (vocab - 1));
      }
      out[j] = id;
    }
    return new Encoded(out, dropped);
  }

  private List<float[]> run(Key key, List<Encoded> batch) {
    List<long[]> seqs = batch.stream().map(Encoded::ids).toList();
    try (ModelRegistry.Lease lease = registry.lease(key.ensemble(), key.version())) {
      long t0 = System.nanoTime();
      float[][] out = lease.version().score(seqs);
      forward.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
      return Arrays.asList(out);
    }
  }

  /** One member's score meters: how many it gave, and a window of the latest with their sign. */
  private record MemberScores(Counter count, ScoreWindow window) {
    void record(double reward) {
      count.increment();
      window.add(reward);
    }
  }

  /**
   * The per-member score meters, registered once per (ensemble, member): {@code
   * ugda.reward.member.scores} counts every reward given; gauges {@code
   * ugda.reward.member.score.mean}, {@code .stddev}, {@code .min}, {@code .max} and {@code .window}
   * (how many rewards they are over) describe the last {@value ScoreWindow#SIZE}, negative ones
   * included.
   */
  private MemberScores memberScores(String ensemble, int member) {
    return memberScores.computeIfAbsent(
        ensemble + "\u0000" + member,
        k -> {
          Tags tags = Tags.of("ensemble", ensemble, "member", Integer.toString(member));
          ScoreWindow window = new ScoreWindow();
          String over = " of the member's last " + ScoreWindow.SIZE + " rewards";
          gauge("mean", "mean" + over, window, ScoreWindow.Stats::mean, tags);
          gauge(
              "stddev",
              "population standard deviation" + over,
              window,
              ScoreWindow.Stats::stddev,
              tags);
          gauge("min", "smallest" + over, window, ScoreWindow.Stats::min, tags);
          gauge("max", "largest" + over, window, ScoreWindow.Stats::max, tags);
          gauge(
              "window",
              "rewards the other gauges are over",
              window,
              ScoreWindow.Stats::count,
              tags);
          Counter count =
              Counter.builder("ugda.reward.member.scores")
                  .description("rewards given, per member, negative ones included")
                  .tags(tags)
                  .register(meters);
          return new MemberScores(count, window);
        });
  }

  private void gauge(
      String statistic,
      String description,
      ScoreWindow window,
      ToDoubleFunction<ScoreWindow.Stats> value,
      Tags tags) {
    Gauge.builder(
            "ugda.reward.member.score." + statistic, window, w -> value.applyAsDouble(w.stats()))
        .description(description)
        .tags(tags)
        .strongReference(true)
        .register(meters);
  }

  @Override
  public void destroy() {
    batcher.close();
  }
}
