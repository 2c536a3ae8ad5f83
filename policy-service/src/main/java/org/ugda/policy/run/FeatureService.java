package org.ugda.policy.run;

import ai.djl.Device;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Service;
import org.ugda.api.binary.FloatMatrices;
import org.ugda.api.policy.CheckpointView;
import org.ugda.api.policy.FeatureRequest;
import org.ugda.api.policy.RolloutView;
import org.ugda.core.influence.GradientFeatures;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.projection.RademacherProjector;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.train.Adam;
import org.ugda.policy.config.PolicyProperties;
import org.ugda.policy.rollout.RolloutLog;
import org.ugda.policy.runtime.LoadedPolicy;
import org.ugda.policy.runtime.PolicyState;
import org.ugda.policy.runtime.PolicyStorage;
import org.ugda.support.device.DeviceProperties;
import org.ugda.support.problem.NotFoundException;

/**
 * Gradient features of samples at a run's checkpoint (DESIGN.md section 3, step 4): everything is
 * checked and loaded before the answer starts (so a refusal is a problem+json), then the rows are
 * computed in batches and streamed as they come; the features of a large request are never all in
 * memory.
 */
@Service
public class FeatureService {
  static final int BATCH = 16;

  private final RunStore store;
  private final RolloutLog rollouts;
  private final PolicyStorage storage;
  private final PolicyProperties props;
  private final Device device;

  FeatureService(
      RunStore store,
      RolloutLog rollouts,
      PolicyStorage storage,
      PolicyProperties props,
      DeviceProperties device) {
    this.store = store;
    this.rollouts = rollouts;
    this.storage = storage;
    this.props = props;
    this.device = DjlRuntime.device(device.device());
  }

  /** A checked request with its model loaded: write it once, then it frees what it holds. */
  public final class Prepared {
    private final LoadedPolicy lp;
    private final List<GradientFeatures.Sample> samples;
    private final GradientFeatures.Spec spec;
    private final int width;

    private Prepared(
        LoadedPolicy lp, List<GradientFeatures.Sample> samples, GradientFeatures.Spec spec, int w) {
      this.lp = lp;
      this.samples = samples;
      this.spec = spec;
      this.width = w;
    }

    public long[] shape() {
      return new long[] {samples.size(), width};
    }

    public void writeTo(OutputStream out) throws IOException {
      try (lp) {
        FloatMatrices.Writer w = FloatMatrices.writer(out, samples.size(), width);
        GradientFeatures.compute(
            lp.model(),
            PpoRunner.ADAPTER,
            samples,
            spec,
            BATCH,
            (first, rows) -> {
              for (float[] r : rows) {
                try {
                  w.writeRow(r);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }
            });
        out.flush();
      }
    }
  }

  public Prepared prepare(UUID runId, int epoch, FeatureRequest req) {
    RunStore.StoredRun run = store.stored(runId).orElseThrow(() -> RunService.unknown(runId));
    CheckpointView cp =
        store
            .checkpoint(runId, epoch)
            .orElseThrow(
                () ->
                    new NotFoundException(
                        "run " + runId + " has no checkpoint of epoch " + epoch + " (yet)"));
    List<long[]> prompts = new ArrayList<>();
    List<long[]> responses = new ArrayList<>();
    if (req.rolloutIds() != null) {
      List<RolloutView> found = rollouts.findByIds(runId, req.rolloutIds());
      Map<Long, RolloutView> byId = new HashMap<>();
      for (RolloutView v : found) {
        byId.put(v.id(), v);
      }
      for (Long id : req.rolloutIds()) {
        RolloutView v = byId.get(id);
        if (v == null) {
          throw new NotFoundException("run " + runId + " has no rollout " + id);
        }
        prompts.add(v.promptTokens());
        responses.add(v.responseTokens());
      }
    }
    String baseName =
        run.request().baseModel() == null ? props.defaultBaseModel() : run.request().baseModel();
    Path base = storage.baseModel(baseName);
    Path dir = storage.root().resolve(cp.path());
    boolean text = req.samples() != null && req.samples().stream().anyMatch(s -> s.isText());
    LoadedPolicy lp =
        text
            ? LoadedPolicy.open(base, device, props.limits().maxPromptTokens())
            : LoadedPolicy.weightsOnly(base, device);
    try {
      if (req.samples() != null) {
        for (FeatureRequest.FeatureSample s : req.samples()) {
          if (s.isText()) {
            prompts.add(lp.encodePrompt(s.prompt()));
            responses.add(lp.encodeResponse(s.response()));
          } else {
            prompts.add(longs(s.promptTokens()));
            responses.add(longs(s.responseTokens()));
          }
        }
      }
      int vocab = lp.config().vocabSize();
      List<GradientFeatures.Sample> samples = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        long[] p = prompts.get(i);
        long[] r = responses.get(i);
        long[] ids = new long[p.length + r.length];
        System.arraycopy(p, 0, ids, 0, p.length);
        System.arraycopy(r, 0, ids, p.length, r.length);
        for (long id : ids) {
          if (id >= vocab) {
            throw new IllegalArgumentException(
                "sample "
                    + i
                    + " has token id "
                    + id
                    + "; the model's vocabulary is 0.."
                    + (vocab - 1));
          }
        }
        int positions = lp.config().maxPositionEmbeddings();
        if (positions > 0 && ids.length > positions) {
          throw new IllegalArgumentException(
              "sample "
                  + i
                  + " has "
                  + ids.length
                  + " tokens; the model has "
                  + positions
                  + " positions");
        }
        samples.add(new GradientFeatures.Sample(ids, p.length));
      }
      LoraAdapter ad = PolicyState.loadAdapter(lp.model(), dir, PpoRunner.ADAPTER);
      GradientFeatures.Mode mode =
          switch (req.mode()) {
            case PLAIN -> GradientFeatures.Mode.PLAIN;
            case ADAM -> GradientFeatures.Mode.ADAM;
            case ADAM_LESS -> GradientFeatures.Mode.ADAM_LESS;
          };
      Adam.State state = null;
      if (mode != GradientFeatures.Mode.PLAIN) {
        Adam.State all = PolicyState.optimizer(dir);
        Map<String, FloatTensor> m = PolicyState.only(all.expAvg(), ad);
        Map<String, FloatTensor> v = PolicyState.only(all.expAvgSq(), ad);
        state = new Adam.State(all.step(), m, v);
      }
      RademacherProjector proj =
          req.dim() == 0 ? null : GradientFeatures.projector(ad, req.dim(), req.seed(), 1);
      int width = req.dim() == 0 ? Math.toIntExact(ad.parameterCount()) : req.dim();
      return new Prepared(
          lp, samples, new GradientFeatures.Spec(mode, state, Adam.Hyper.paper(), proj), width);
    } catch (RuntimeException e) {
      lp.close();
      throw e;
    }
  }

  private static long[] longs(List<Long> l) {
    long[] out = new long[l.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = l.get(i);
    }
    return out;
  }
}
