package org.ugda.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.ugda.core.tensor.Rng;

/**
 * Batched sampling with a KV cache. Prompts of any length are left-padded internally (a padded
 * batch, left or right, is first stripped to its real tokens), with positions counted over real
 * tokens, so a row's output does not depend on what else is in the batch.
 */
public final class Generator {
  private Generator() {}

  /** Why a row stopped. */
  public enum Finish {
    EOS,
    LENGTH
  }

  /** Generated tokens per row (the EOS token included when one ended the row, no padding). */
  public record Result(List<long[]> tokens, List<Finish> finish, int steps) {
    public long totalTokens() {
      return tokens.stream().mapToLong(t -> t.length).sum();
    }
  }

  /** Generates from a padded batch (left- or right-padded), using only each row's real tokens. */
  public static Result generate(
      Transformer model, String adapter, TokenBatch padded, GenerationConfig cfg) {
    List<long[]> prompts = new ArrayList<>();
    for (int r = 0; r < padded.rows(); r++) {
      prompts.add(padded.row(r));
    }
    return generate(model, adapter, prompts, cfg);
  }

  public static Result generate(
      Transformer model, String adapter, List<long[]> prompts, GenerationConfig cfg) {
    int rows = prompts.size();
    int vocab = model.config().vocabSize();
    long pad = Math.max(0, model.config().padTokenId());
    SplittableRandom[] rng = new SplittableRandom[rows];
    for (int r = 0; r < rows; r++) {
      rng[r] = new SplittableRandom(Rng.mix(cfg.seed() * 0x9E3779B97F4A7C15L + r));
    }
    List<List<Long>> out = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      out.add(new ArrayList<>());
    }
    boolean[] done = new boolean[rows];
    Finish[] finish = new Finish[rows];
    Arrays.fill(finish, Finish.LENGTH);
    long[] nextPos = new long[rows];
    for (int r = 0; r < rows; r++) {
      nextPos[r] = prompts.get(r).length;
    }
    int steps = 0;
    try (NDManager gen = model.newScope();
        KvCache cache = cfg.useCache() ? new KvCache(gen, model.config().numLayers()) : null) {
      TokenBatch step = TokenBatch.leftPadded(prompts, pad);
      ForwardOptions opts = ForwardOptions.logits(adapter).withLastLogitsOnly().withCache(cache);
      while (steps < cfg.maxNewTokens()) {
        float[] logits;
        try (NDManager scope = gen.newSubManager()) {
          NDArray l = model.forward(scope, step, opts).logits();
          logits = l.toFloatArray();
        }
        steps++;
        long[] next = new long[rows];
        boolean all = true;
        for (int r = 0; r < rows; r++) {
          if (done[r]) {
            next[r] = pad;
            continue;
          }
          int tok = Sampler.next(logits, r * vocab, vocab, cfg, rng[r]);
          next[r] = tok;
          out.get(r).add((long) tok);
          if (cfg.eosIds().contains(tok)) {
            done[r] = true;
            finish[r] = Finish.EOS;
          }
          all &= done[r];
        }
        if (all || steps == cfg.maxNewTokens()) {
          break;
        }
        if (cache != null) {
          long[] mask = new long[rows];
          Arrays.fill(mask, 1);
          step = new TokenBatch(rows, 1, next, mask, nextPos.clone(), pad);
          for (int r = 0; r < rows; r++) {
            nextPos[r]++;
          }
        } else {
          List<long[]> seqs = new ArrayList<>();
          for (int r = 0; r < rows; r++) {
            long[] p = prompts.get(r);
            long[] s = Arrays.copyOf(p, p.length + steps);
            List<Long> o = out.get(r);
            for (int i = 0; i < steps; i++) {
              s[p.length + i] = i < o.size() ? o.get(i) : pad;
            }
            seqs.add(s);
          }
          step = TokenBatch.leftPadded(seqs, pad);
        }
      }
    }
    List<long[]> tokens = new ArrayList<>();
    for (List<Long> o : out) {
      tokens.add(o.stream().mapToLong(Long::longValue).toArray());
    }
    return new Result(tokens, List.of(finish), steps);
  }
}
