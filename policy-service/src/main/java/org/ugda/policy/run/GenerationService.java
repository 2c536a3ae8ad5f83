package org.ugda.policy.run;

import ai.djl.Device;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Service;
import org.ugda.api.policy.CheckpointView;
import org.ugda.api.policy.GenerateRequest;
import org.ugda.api.policy.GenerateResponse;
import org.ugda.api.policy.Generated;
import org.ugda.api.policy.Sampling;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.model.GenerationConfig;
import org.ugda.core.model.Generator;
import org.ugda.policy.config.PolicyProperties;
import org.ugda.policy.runtime.LoadedPolicy;
import org.ugda.policy.runtime.PolicyState;
import org.ugda.policy.runtime.PolicyStorage;
import org.ugda.support.device.DeviceProperties;
import org.ugda.support.problem.NotFoundException;
import org.ugda.support.problem.TooLargeException;

/**
 * {@code POST /v1/generate}: responses of the base model or of a run's checkpoint, for evaluation.
 * Each call loads what it needs and frees it after (the world's models load in well under a
 * second); calls run one at a time.
 */
@Service
public class GenerationService {
  private final PolicyStorage storage;
  private final PolicyProperties props;
  private final RunStore store;
  private final Device device;

  GenerationService(
      PolicyStorage storage, PolicyProperties props, RunStore store, DeviceProperties device) {
    this.storage = storage;
    this.props = props;
    this.store = store;
    this.device = DjlRuntime.device(device.device());
  }

  public synchronized GenerateResponse generate(GenerateRequest req) {
    PolicyProperties.Limits lim = props.limits();
    if (req.prompts().size() > lim.maxGeneratePrompts()) {
      throw new TooLargeException(
          "prompts holds "
              + req.prompts().size()
              + "; at most "
              + lim.maxGeneratePrompts()
              + " per call (ugda.policy.limits.max-generate-prompts)");
    }
    for (int i = 0; i < req.prompts().size(); i++) {
      if (req.prompts().get(i).length() > lim.maxPromptChars()) {
        throw new TooLargeException(
            "prompts["
                + i
                + "] has "
                + req.prompts().get(i).length()
                + " characters; at most "
                + lim.maxPromptChars());
      }
    }
    Sampling s =
        (req.sampling() == null ? new Sampling(null, null, null, null, null) : req.sampling())
            .withDefaults(64);
    if (s.maxNewTokens() > lim.maxNewTokens()) {
      throw new IllegalArgumentException(
          "sampling.maxNewTokens is " + s.maxNewTokens() + "; at most " + lim.maxNewTokens());
    }
    String baseName;
    Path state = null;
    if (req.runId() != null) {
      var run = store.view(req.runId()).orElseThrow(() -> RunService.unknown(req.runId()));
      CheckpointView cp =
          store
              .checkpoint(req.runId(), req.epoch())
              .orElseThrow(
                  () ->
                      new NotFoundException(
                          "run " + req.runId() + " has no checkpoint of epoch " + req.epoch()));
      state = storage.root().resolve(cp.path());
      baseName = store.stored(run.id()).map(r -> r.request().baseModel()).orElse(null);
    } else {
      baseName = req.baseModel();
    }
    Path base = storage.baseModel(baseName == null ? props.defaultBaseModel() : baseName);
    try (LoadedPolicy lp = LoadedPolicy.open(base, device, lim.maxPromptTokens())) {
      String adapter = null;
      if (state != null) {
        adapter = "checkpoint";
        PolicyState.loadAdapter(lp.model(), state, adapter);
      }
      List<long[]> prompts = new ArrayList<>();
      int longest = 0;
      for (String p : req.prompts()) {
        long[] ids = lp.encodePrompt(p);
        prompts.add(ids);
        longest = Math.max(longest, ids.length);
      }
      GenerationConfig cfg =
          new GenerationConfig(
              lp.responseRoom(longest, s.maxNewTokens()),
              s.temperature(),
              s.topK(),
              s.topP(),
              s.seed(),
              lp.eosIds(),
              true);
      Generator.Result g = Generator.generate(lp.model(), adapter, prompts, cfg);
      List<Generated> out = new ArrayList<>();
      for (int i = 0; i < prompts.size(); i++) {
        long[] t = g.tokens().get(i);
        List<Long> ids = new ArrayList<>(t.length);
        for (long x : t) {
          ids.add(x);
        }
        out.add(new Generated(lp.decode(t), ids, g.finish().get(i) == Generator.Finish.EOS));
      }
      return new GenerateResponse(out);
    }
  }
}
