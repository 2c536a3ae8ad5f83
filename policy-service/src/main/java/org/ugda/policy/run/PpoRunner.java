package org.ugda.policy.run;

import ai.djl.Device;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.ugda.api.policy.CreateRun;
import org.ugda.api.policy.PpoSettings;
import org.ugda.api.policy.RunPrompt;
import org.ugda.api.policy.Sampling;
import org.ugda.api.policy.Shaping;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.GenerationConfig;
import org.ugda.core.model.Generator;
import org.ugda.core.model.Transformer;
import org.ugda.core.ppo.AdaptiveKlController;
import org.ugda.core.ppo.KlEstimator;
import org.ugda.core.ppo.PpoBatch;
import org.ugda.core.ppo.PpoConfig;
import org.ugda.core.ppo.PpoTrainer;
import org.ugda.core.ppo.RolloutTensors;
import org.ugda.core.ppo.ValueHead;
import org.ugda.core.reward.EnsembleStats;
import org.ugda.core.tensor.Rng;
import org.ugda.core.train.Adam;
import org.ugda.core.train.CosineSchedule;
import org.ugda.policy.config.PolicyProperties;
import org.ugda.policy.rollout.Rollout;
import org.ugda.policy.rollout.RolloutLog;
import org.ugda.policy.runtime.LoadedPolicy;
import org.ugda.policy.runtime.PolicyState;
import org.ugda.policy.runtime.PolicyStorage;
import org.ugda.support.device.DeviceProperties;
import org.ugda.world.gold.GoldReward;

/**
 * One PPO run, step by step (DESIGN.md section 3, step 2): per step, a batch of prompts (a fresh
 * seeded order each epoch), sampled responses (KV cache), every member's reward from reward-service
 * (or the world's gold reward), the shaped score, the rollout tensors, the rows logged with their
 * rewards, the PPO epochs; then the state after the step is saved (the resume point) and the step
 * recorded. The last step of an epoch also writes that epoch's checkpoint.
 *
 * <p>A step that did not finish is redone from the saved state with the same seed, so it samples
 * the same rows again: the log's (run, step, index) identity keeps them once.
 */
@Component
public class PpoRunner {
  private static final Logger log = LoggerFactory.getLogger(PpoRunner.class);
  static final String ADAPTER = "policy";

  private final PolicyStorage storage;
  private final PolicyProperties props;
  private final RewardScorer scorer;
  private final RolloutLog rollouts;
  private final RunStore store;
  private final Device device;

  PpoRunner(
      PolicyStorage storage,
      PolicyProperties props,
      RewardScorer scorer,
      RolloutLog rollouts,
      RunStore store,
      DeviceProperties device) {
    this.storage = storage;
    this.props = props;
    this.scorer = scorer;
    this.rollouts = rollouts;
    this.store = store;
    this.device = DjlRuntime.device(device.device());
  }

  /** Steps a run of {@code prompts} prompts takes: full batches only, per epoch. */
  static int stepsPerEpoch(int prompts, int batch) {
    return prompts / batch;
  }

  static PpoConfig ppoConfig(PpoSettings s) {
    return new PpoConfig(
        s.gamma(),
        s.lambda(),
        "k3".equals(s.klEstimator()) ? KlEstimator.K3 : KlEstimator.K1,
        s.clipRange(),
        s.clipRangeValue(),
        s.valueCoef(),
        s.ppoEpochs(),
        s.minibatchSize(),
        true,
        s.maxGradNorm(),
        s.seed());
  }

  /** Optimizer steps of one PPO step. */
  static int updatesPerStep(PpoSettings s) {
    return s.ppoEpochs() * ((s.batchSize() + s.minibatchSize() - 1) / s.minibatchSize());
  }

  void run(UUID id, CreateRun req, BooleanSupplier cancelled) {
    PpoSettings s = req.settings();
    String baseName = req.baseModel() == null ? props.defaultBaseModel() : req.baseModel();
    Path base = storage.baseModel(baseName);
    try (LoadedPolicy lp = LoadedPolicy.open(base, device, props.limits().maxPromptTokens())) {
      Transformer model = lp.model();
      List<RunPrompt> prompts = req.prompts();
      List<long[]> promptIds = new ArrayList<>();
      for (RunPrompt p : prompts) {
        promptIds.add(lp.encodePrompt(p.prompt()));
      }
      int perEpoch = stepsPerEpoch(prompts.size(), s.batchSize());
      int total = perEpoch * s.epochs();
      int updates = updatesPerStep(s);
      CosineSchedule schedule =
          new CosineSchedule(s.learningRate(), s.floorLearningRate(), 0, total * updates);
      Path latest = PolicyState.find(storage.latest(id));
      LoraAdapter ad;
      ValueHead head;
      if (latest != null) {
        ad = PolicyState.loadAdapter(model, latest, ADAPTER);
        head = ValueHead.read(model, latest);
      } else {
        ad =
            model.addAdapter(
                ADAPTER,
                new LoraConfig(s.loraRank(), s.loraAlpha(), s.loraTargets(), 0.0, false, null),
                s.seed());
        head = ValueHead.initialise(model, s.seed());
      }
      AdaptiveKlController kl =
          s.adaptiveKl()
              ? AdaptiveKlController.adaptive(s.beta(), s.klTarget(), s.klHorizon())
              : AdaptiveKlController.fixed(s.beta());
      int start = 0;
      try (head;
          PpoTrainer trainer =
              new PpoTrainer(model, ADAPTER, head, ppoConfig(s), kl, Adam.Hyper.paper())) {
        if (latest != null) {
          PolicyState.Trainer t = PolicyState.trainer(latest);
          trainer.adam().restore(PolicyState.optimizer(latest));
          kl.restore(t.klCoefficient());
          start = t.finishedSteps();
          log.info("run {}: resuming after step {} of {}", id, start, total);
        }
        Sampling sampling = s.sampling().withDefaults(64);
        for (int step = start; step < total; step++) {
          if (cancelled.getAsBoolean()) {
            throw new CancellationException("cancelled after " + step + " of " + total + " steps");
          }
          int epoch = step / perEpoch;
          int[] rows = batchRows(prompts.size(), s.batchSize(), s.seed(), epoch, step % perEpoch);
          long t0 = System.nanoTime();
          Map<String, Object> m =
              step(
                  id, req, lp, trainer, schedule, sampling, prompts, promptIds, rows, step, epoch,
                  cancelled);
          double secs = (System.nanoTime() - t0) / 1e9;
          m.put("samplesPerSecond", rows.length / secs);
          m.put("totalSteps", total);
          boolean epochEnd = (step + 1) % perEpoch == 0;
          double meanLr =
              schedule.mean(epoch * perEpoch * updates, (epoch + 1) * perEpoch * updates);
          PolicyState.Trainer ts =
              new PolicyState.Trainer(step + 1, trainer.adam().stepCount(), kl.value(), meanLr);
          PolicyState.write(storage.latest(id), ad, head, trainer.adam(), ts, baseName);
          if (epochEnd) {
            Path cp = storage.checkpoint(id, epoch + 1);
            PolicyState.write(cp, ad, head, trainer.adam(), ts, baseName);
            store.insertCheckpoint(
                id, epoch + 1, trainer.adam().stepCount(), meanLr, storage.shown(cp));
          }
          store.finishStep(id, step, epoch, m);
        }
      } finally {
        model.removeAdapter(ADAPTER);
      }
    }
  }

  /**
   * Rows of step {@code within} of {@code epoch}: a seeded permutation of the prompts per epoch.
   */
  static int[] batchRows(int prompts, int batch, long seed, int epoch, int within) {
    SplittableRandom r = Rng.stream(seed * 31 + epoch, "ppo-prompt-order");
    int[] p = new int[prompts];
    for (int i = 0; i < prompts; i++) {
      p[i] = i;
    }
    for (int i = prompts - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      int t = p[i];
      p[i] = p[j];
      p[j] = t;
    }
    int[] out = new int[batch];
    System.arraycopy(p, within * batch, out, 0, batch);
    return out;
  }

  private Map<String, Object> step(
      UUID id,
      CreateRun req,
      LoadedPolicy lp,
      PpoTrainer trainer,
      CosineSchedule schedule,
      Sampling sampling,
      List<RunPrompt> prompts,
      List<long[]> promptIds,
      int[] rows,
      int step,
      int epoch,
      BooleanSupplier cancelled) {
    PpoSettings s = req.settings();
    Transformer model = lp.model();
    List<long[]> batchPrompts = new ArrayList<>();
    int longest = 0;
    for (int r : rows) {
      batchPrompts.add(promptIds.get(r));
      longest = Math.max(longest, promptIds.get(r).length);
    }
    int maxNew =
        lp.responseRoom(longest, Math.min(sampling.maxNewTokens(), props.limits().maxNewTokens()));
    GenerationConfig gen =
        new GenerationConfig(
            maxNew,
            sampling.temperature(),
            sampling.topK(),
            sampling.topP(),
            Rng.mix(s.seed() * 1_000_003L + step),
            lp.eosIds(),
            true);
    Generator.Result g = Generator.generate(model, ADAPTER, batchPrompts, gen);
    List<long[]> responses = g.tokens();
    for (int b = 0; b < responses.size(); b++) {
      if (responses.get(b).length == 0) {
        throw new IllegalStateException("the policy produced an empty response");
      }
    }
    List<String> texts = new ArrayList<>();
    Double[] gold = new Double[rows.length];
    for (int b = 0; b < rows.length; b++) {
      String text = lp.decode(responses.get(b));
      texts.add(text);
      Optional<GoldReward.Score> sc =
          GoldReward.score(LoadedPolicy.hh(prompts.get(rows[b]).prompt()), text);
      gold[b] = sc.map(GoldReward.Score::total).orElse(null);
    }
    double[][] members;
    if (req.shaping() == Shaping.GOLD) {
      members = new double[rows.length][];
      for (int b = 0; b < rows.length; b++) {
        if (gold[b] == null) {
          throw new IllegalArgumentException(
              "gold shaping needs the benchmark world's prompts; prompt "
                  + rows[b]
                  + " is not one of them");
        }
        members[b] = new double[] {gold[b]};
      }
    } else {
      List<long[]> seqs = new ArrayList<>();
      long eos = lp.eosIds().isEmpty() ? -1 : lp.eosIds().get(0);
      for (int b = 0; b < rows.length; b++) {
        long[] p = batchPrompts.get(b);
        long[] r = responses.get(b);
        boolean ended = g.finish().get(b) == Generator.Finish.EOS;
        int extra = !ended && eos >= 0 ? 1 : 0;
        long[] q = new long[p.length + r.length + extra];
        System.arraycopy(p, 0, q, 0, p.length);
        System.arraycopy(r, 0, q, p.length, r.length);
        if (extra == 1) {
          q[q.length - 1] = eos; // the reward models were trained on dialogues closed by EOS
        }
        seqs.add(q);
      }
      Consumer<Duration> waiting =
          d -> {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("step", step);
            p.put("epoch", epoch);
            if (d != null) {
              p.put("waitingForRewardsSeconds", d.toMillis() / 1000.0);
            }
            store.progress(id, p);
          };
      members = scorer.score(req.ensembleId(), req.ensembleVersion(), seqs, cancelled, waiting);
      int k = members[0].length;
      if (req.shaping() == Shaping.SINGLE && req.member() >= k) {
        throw new IllegalArgumentException(
            "member " + req.member() + " does not exist: the ensemble has " + k + " members");
      }
    }
    double[] scores = new double[rows.length];
    double[] mean = new double[rows.length];
    double[] var = new double[rows.length];
    for (int b = 0; b < rows.length; b++) {
      double[] mm = members[b];
      EnsembleStats.MeanVariance mv = EnsembleStats.of(mm);
      mean[b] = mv.mean();
      var[b] = mv.variance();
      scores[b] =
          req.shaping()
              .apply(
                  mv.mean(),
                  mv.variance(),
                  mm[req.member() == null ? 0 : req.member()],
                  req.shapingLambda());
      if (g.finish().get(b) != Generator.Finish.EOS) {
        scores[b] -= s.missingEosPenalty();
      }
    }
    PpoBatch batch = PpoBatch.of(batchPrompts, responses);
    RolloutTensors ro = trainer.rollout(batch, scores);
    List<Rollout> logged = new ArrayList<>();
    for (int b = 0; b < rows.length; b++) {
      RunPrompt p = prompts.get(rows[b]);
      logged.add(
          new Rollout(
              id,
              epoch,
              step,
              b,
              p.subtask(),
              p.prompt(),
              texts.get(b),
              batchPrompts.get(b),
              responses.get(b),
              g.finish().get(b) == Generator.Finish.EOS,
              members[b],
              mean[b],
              var[b],
              ro.klSum()[b],
              scores[b],
              gold[b],
              step,
              req.ensembleId(),
              req.ensembleVersion()));
    }
    rollouts.append(logged);
    PpoTrainer.StepStats st =
        trainer.step(ro, t -> schedule.at((int) Math.min(Integer.MAX_VALUE, t)), cancelled);
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("step", step);
    m.put("epoch", epoch);
    m.put("proxyMean", avg(mean));
    m.put("proxyVariance", avg(var));
    m.put("scoreMean", avg(scores));
    double goldSum = 0;
    int goldN = 0;
    for (Double x : gold) {
      if (x != null) {
        goldSum += x;
        goldN++;
      }
    }
    if (goldN > 0) {
      m.put("goldMean", goldSum / goldN);
    }
    m.put("kl", ro.klObjective());
    m.put("klCoefficient", st.klCoefficient());
    m.put("pgLoss", st.pgLoss());
    m.put("vfLoss", st.vfLoss());
    m.put("loss", st.loss());
    m.put("pgClipfrac", st.pgClipfrac());
    m.put("vfClipfrac", st.vfClipfrac());
    m.put("approxKl", st.approxKl());
    m.put("gradNorm", st.gradNorm());
    m.put("learningRate", st.learningRate());
    m.put("responseTokensMean", (double) batch.responseTokens() / rows.length);
    return m;
  }

  private static double avg(double[] a) {
    double s = 0;
    for (double x : a) {
      s += x;
    }
    return s / a.length;
  }
}
