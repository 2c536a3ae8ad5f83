package org.ugda.core.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Embedding;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import org.ugda.core.format.AtomicFiles;
import org.ugda.core.format.CheckpointException;
import org.ugda.core.format.Checkpoints;
import org.ugda.core.format.DType;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.format.SafeTensorsWriter;
import org.ugda.core.format.TensorSource;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.lora.LoraConfig;
import org.ugda.core.tensor.FloatTensor;
import org.ugda.core.tensor.NdData;
import org.ugda.core.tensor.Rng;
import org.ugda.core.tensor.Scalars;
import org.ugda.core.train.Autograd;

/**
 * A decoder-only transformer of the Llama, Gemma or Qwen2 family on DJL's PyTorch engine, with any
 * number of named LoRA adapters on its one copy of the base weights.
 *
 * <p>Computes what transformers computes (eager attention, float32): RMSNorm (Gemma's {@code 1 +
 * weight} form), RoPE in the rotate-half layout, grouped/multi-query attention with a causal +
 * padding mask, SwiGLU or GeGLU MLP, tied or separate LM head, and a scalar score head read at each
 * row's last non-pad token.
 *
 * <p>Thread safety: forward passes may run concurrently (each in its own scope manager); adding and
 * removing adapters is safe at any time; changing weights (an optimizer step) must not race with
 * forwards that use them.
 */
public final class Transformer implements AutoCloseable {

  record Lin(NDArray w, NDArray b) {}

  record Block(NDArray inNorm, NDArray postNorm, Lin[] proj) {}

  private final ModelConfig config;
  private final NDManager manager;
  private final NDArray embed;
  private final Block[] blocks;
  private final NDArray norm;
  private final NDArray lmHead;
  private final NDArray score;
  private final Rope rope;
  private final Map<String, LoraAdapter> adapters = new ConcurrentHashMap<>();

  private Transformer(ModelConfig config, NDManager manager, Map<String, NDArray> w) {
    this.config = config;
    this.manager = manager;
    this.embed = w.get(HfNames.EMBED_TOKENS);
    this.blocks = new Block[config.numLayers()];
    for (int l = 0; l < config.numLayers(); l++) {
      Lin[] proj = new Lin[Proj.values().length];
      for (Proj p : Proj.values()) {
        String key = p.moduleKey(l);
        proj[p.ordinal()] = new Lin(w.get(HfNames.weight(key)), w.get(HfNames.bias(key)));
      }
      blocks[l] = new Block(w.get(HfNames.inputNorm(l)), w.get(HfNames.postAttentionNorm(l)), proj);
    }
    this.norm = w.get(HfNames.FINAL_NORM);
    this.lmHead = w.get(HfNames.LM_HEAD);
    this.score = w.get(HfNames.SCORE);
    this.rope = new Rope(config, manager);
  }

  /** Hugging Face names and shapes of every base weight this config needs, in a stable order. */
  public static Map<String, long[]> expectedShapes(ModelConfig c) {
    Map<String, long[]> out = new LinkedHashMap<>();
    out.put(HfNames.EMBED_TOKENS, new long[] {c.vocabSize(), c.hiddenSize()});
    for (int l = 0; l < c.numLayers(); l++) {
      out.put(HfNames.inputNorm(l), new long[] {c.hiddenSize()});
      for (Proj p : Proj.values()) {
        out.put(HfNames.weight(p.moduleKey(l)), new long[] {Dims.out(p, c), Dims.in(p, c)});
        if (Dims.hasBias(p, c)) {
          out.put(HfNames.bias(p.moduleKey(l)), new long[] {Dims.out(p, c)});
        }
      }
      out.put(HfNames.postAttentionNorm(l), new long[] {c.hiddenSize()});
    }
    out.put(HfNames.FINAL_NORM, new long[] {c.hiddenSize()});
    if (c.head() == ModelConfig.Head.CAUSAL_LM && !c.tieWordEmbeddings()) {
      out.put(HfNames.LM_HEAD, new long[] {c.vocabSize(), c.hiddenSize()});
    }
    if (c.head() == ModelConfig.Head.SEQUENCE_CLASSIFICATION) {
      out.put(HfNames.SCORE, new long[] {c.numLabels(), c.hiddenSize()});
    }
    return out;
  }

  /** Loads {@code config.json} and the safetensors weights (single or sharded) of a directory. */
  public static Transformer load(Path dir, Device device) {
    ModelConfig config = ModelConfig.load(dir);
    DjlRuntime.engine();
    NDManager manager = NDManager.newBaseManager(device);
    try (TensorSource src = Checkpoints.open(dir)) {
      Map<String, NDArray> w = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
        if (!src.contains(e.getKey())) {
          throw new CheckpointException(
              dir + ": missing tensor '" + e.getKey() + "' required by " + config.architecture());
        }
        src.requireShape(e.getKey(), e.getValue());
        ByteBuffer data = src.readFloat32(e.getKey());
        w.put(e.getKey(), NdData.floats(manager, data, new Shape(e.getValue())));
      }
      return new Transformer(config, manager, w);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /** A model from plain tensors keyed by Hugging Face names (shapes checked). */
  public static Transformer fromTensors(
      ModelConfig config, Map<String, FloatTensor> tensors, Device device) {
    DjlRuntime.engine();
    NDManager manager = NDManager.newBaseManager(device);
    try {
      Map<String, NDArray> w = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
        FloatTensor t = tensors.get(e.getKey());
        if (t == null) {
          throw new CheckpointException(
              "missing tensor '" + e.getKey() + "' required by " + config.architecture());
        }
        if (!Arrays.equals(t.shape(), e.getValue())) {
          throw new CheckpointException(
              "tensor '"
                  + e.getKey()
                  + "' has shape "
                  + Arrays.toString(t.shape())
                  + " but the config expects "
                  + Arrays.toString(e.getValue()));
        }
        w.put(e.getKey(), NdData.floats(manager, t.data(), new Shape(e.getValue())));
      }
      return new Transformer(config, manager, w);
    } catch (RuntimeException e) {
      manager.close();
      throw e;
    }
  }

  /**
   * A freshly initialised model, as transformers initialises one: linear and embedding weights ~
   * N(0, 0.02), norms at identity (ones, or zeros for Gemma's 1 + w), biases zero.
   */
  public static Transformer initialise(ModelConfig config, long seed, Device device) {
    Map<String, FloatTensor> t = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : expectedShapes(config).entrySet()) {
      String name = e.getKey();
      long[] shape = e.getValue();
      int n = (int) FloatTensor.numel(shape);
      float[] data;
      if (HfNames.isNorm(name)) {
        data = new float[n];
        if (!config.family().normAddsOne()) {
          Arrays.fill(data, 1f);
        }
      } else if (HfNames.isBias(name)) {
        data = new float[n];
      } else {
        SplittableRandom r = Rng.stream(seed, "init/" + name);
        data = Rng.gaussian(r, n, 0.02);
      }
      t.put(name, new FloatTensor(shape, data));
    }
    return fromTensors(config, t, device);
  }

  public ModelConfig config() {
    return config;
  }

  public Device device() {
    return manager.getDevice();
  }

  /** A scope for one request or step; close it to free everything a forward pass made. */
  public NDManager newScope() {
    return manager.newSubManager();
  }

  /** Base weights by Hugging Face name, in checkpoint order. */
  public List<NamedArray> baseParameters() {
    List<NamedArray> out = new ArrayList<>();
    out.add(new NamedArray(HfNames.EMBED_TOKENS, embed));
    for (int l = 0; l < blocks.length; l++) {
      Block b = blocks[l];
      out.add(new NamedArray(HfNames.inputNorm(l), b.inNorm));
      for (Proj p : Proj.values()) {
        Lin lin = b.proj[p.ordinal()];
        out.add(new NamedArray(HfNames.weight(p.moduleKey(l)), lin.w));
        if (lin.b != null) {
          out.add(new NamedArray(HfNames.bias(p.moduleKey(l)), lin.b));
        }
      }
      out.add(new NamedArray(HfNames.postAttentionNorm(l), b.postNorm));
    }
    out.add(new NamedArray(HfNames.FINAL_NORM, norm));
    if (lmHead != null) {
      out.add(new NamedArray(HfNames.LM_HEAD, lmHead));
    }
    if (score != null) {
      out.add(new NamedArray(HfNames.SCORE, score));
    }
    return out;
  }

  /** Makes every base weight trainable (full training from scratch) or frozen (LoRA). */
  public void setBaseTrainable(boolean trainable) {
    for (NamedArray p : baseParameters()) {
      p.array().setRequiresGradient(trainable);
    }
  }

  /** Writes {@code config.json} and {@code model.safetensors} (sharded above 2 GB) atomically. */
  public void save(Path dir) {
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    SafeTensorsWriter w = new SafeTensorsWriter();
    for (NamedArray p : baseParameters()) {
      w.add(
          p.name(),
          new FloatTensor(p.array().getShape().getShape(), p.array().toFloatArray()),
          DType.F32);
    }
    w.writeSharded(dir, "model", 2L << 30);
    AtomicFiles.writeString(dir.resolve("config.json"), config.toJson());
  }

  // ---------------------------------------------------------------- adapters

  /** Creates a fresh adapter (PEFT initialisation from {@code seed}) and registers it. */
  public LoraAdapter addAdapter(String name, LoraConfig cfg, long seed) {
    return register(LoraAdapter.initialise(name, cfg, config, manager, seed));
  }

  /** Registers an adapter with given weights (PEFT in-memory names). */
  public LoraAdapter addAdapter(
      String name, LoraConfig cfg, Map<String, FloatTensor> tensors, String source) {
    return register(LoraAdapter.fromTensors(name, cfg, config, manager, tensors, source));
  }

  private LoraAdapter register(LoraAdapter ad) {
    LoraAdapter prev = adapters.putIfAbsent(ad.name(), ad);
    if (prev != null) {
      ad.close();
      throw new IllegalArgumentException("an adapter named '" + ad.name() + "' is already loaded");
    }
    return ad;
  }

  public LoraAdapter adapter(String name) {
    LoraAdapter ad = adapters.get(name);
    if (ad == null) {
      throw new IllegalArgumentException(
          "no adapter named '" + name + "'; loaded: " + adapters.keySet());
    }
    return ad;
  }

  public boolean hasAdapter(String name) {
    return adapters.containsKey(name);
  }

  public Set<String> adapterNames() {
    return Set.copyOf(adapters.keySet());
  }

  /** Unloads an adapter and frees its arrays. The caller ensures no forward still uses it. */
  public void removeAdapter(String name) {
    LoraAdapter ad = adapters.remove(name);
    if (ad != null) {
      ad.close();
    }
  }

  // ---------------------------------------------------------------- forward

  /**
   * One forward pass over a padded batch, in three steps: embed the tokens, run the decoder layers,
   * apply the final norm and the heads. Every array made lives in {@code scope}.
   *
   * <p>Attention: query i of row b (absolute position past + i) sees key j when j <= past + i and
   * the key is a real token.
   */
  public ForwardOutput forward(NDManager scope, TokenBatch batch, ForwardOptions opt) {
    Autograd.noGradUnlessRecording();
    if (opt.stack() != null) {
      batch = batch.repeated(opt.stack().members());
    }
    Pass pass = prepare(scope, batch, opt);
    NDArray x = embed(scope, batch);
    x = layers(scope, pass, x);
    if (opt.cache() != null) {
      opt.cache().advance(batch.rows(), batch.cols(), batch.mask());
    }
    return heads(scope, pass, batch, x);
  }

  /**
   * What every layer of one forward pass shares: the options, the adapter (or the stack's block
   * mask), the KV cache, RoPE's cos and sin at the batch's positions shaped for queries [B, 1, 1,
   * T, D] and for keys [B, 1, T, D], and the additive attention mask [B, 1, 1, T, S].
   */
  private record Pass(
      ForwardOptions opt,
      LoraAdapter ad,
      NDArray stackMask,
      KvCache cache,
      NDArray cosQ,
      NDArray sinQ,
      NDArray cosK,
      NDArray sinK,
      NDArray mask) {}

  /** What the layers share, made once per pass: positions, RoPE tables, masks. */
  private Pass prepare(NDManager scope, TokenBatch batch, ForwardOptions opt) {
    LoraAdapter ad = opt.adapter() == null ? null : adapter(opt.adapter());
    KvCache cache = opt.cache();
    int rows = batch.rows();
    int cols = batch.cols();
    int past = cache == null ? 0 : cache.length();
    long[] posData = positions(batch, past);
    long maxPos = 0;
    for (long p : posData) {
      maxPos = Math.max(maxPos, p);
    }
    NDArray pos = NdData.longs(scope, posData, new Shape(rows, cols));
    NDArray[] cs = rope.lookup(pos, maxPos);
    int keys = past + cols;
    NDArray mask =
        NdData.floats(scope, attentionMask(batch, cache, past), new Shape(rows, 1, 1, cols, keys));
    NDArray stackMask = opt.stack() == null ? null : opt.stack().mask(scope, rows);
    int hd = config.headDim();
    return new Pass(
        opt,
        ad,
        stackMask,
        cache,
        cs[0].reshape(rows, 1, 1, cols, hd),
        cs[1].reshape(rows, 1, 1, cols, hd),
        cs[0].reshape(rows, 1, cols, hd),
        cs[1].reshape(rows, 1, cols, hd),
        mask);
  }

  /** Step 1: token embeddings [B, T, H], times sqrt(H) where the family scales them (Gemma). */
  private NDArray embed(NDManager scope, TokenBatch batch) {
    NDArray ids = NdData.longs(scope, batch.ids(), new Shape(batch.rows(), batch.cols()));
    NDArray x = Embedding.embedding(ids, embed, SparseFormat.DENSE).singletonOrThrow();
    if (config.family().scalesEmbeddings()) {
      x = Scalars.mul(x, (float) Math.sqrt(config.hiddenSize()));
    }
    return x;
  }

  /** Step 2: every decoder layer in turn; returns the last layer's output, in {@code scope}. */
  private NDArray layers(NDManager scope, Pass pass, NDArray x) {
    // Without a tape or a capture nothing needs a layer's intermediates once the layer is done:
    // each layer then runs in its own sub-scope, freed as soon as its output is moved out. The
    // pass's peak memory is one layer's, and the allocator hands the next layer the memory
    // (warm in cache) the last one freed, instead of fresh pages it must fault in and zero.
    boolean perLayer = pass.opt().capture() == null && !Autograd.isRecordingOnThisThread();
    for (int l = 0; l < blocks.length; l++) {
      NDManager layerScope = perLayer ? scope.newSubManager() : scope;
      try {
        if (perLayer) {
          x.attach(layerScope);
        }
        x = layer(layerScope, pass, l, x);
        if (perLayer) {
          x.attach(scope);
        }
      } finally {
        if (perLayer) {
          layerScope.close();
        }
      }
    }
    return x;
  }

  /**
   * One pre-norm decoder layer: x + attention(norm(x)), then that + mlp(norm(that)). Every array
   * made lives in {@code scope}.
   */
  private NDArray layer(NDManager scope, Pass pass, int l, NDArray x) {
    Block blk = blocks[l];
    NDArray h = rmsNorm(x, blk.inNorm);
    x = x.add(attention(scope, pass, l, h));
    NDArray h2 = rmsNorm(x, blk.postNorm);
    return x.add(mlp(scope, pass, l, h2));
  }

  /**
   * Step 3: the final norm, then what the options ask for: LM logits and/or scores at each row's
   * last non-pad token (one head, or every member's head of a stack at once).
   */
  private ForwardOutput heads(NDManager scope, Pass pass, TokenBatch batch, NDArray x) {
    ForwardOptions opt = pass.opt();
    NDArray hidden = rmsNorm(x, norm);
    NDArray logits = opt.logits() ? lmLogits(hidden, opt.lastLogitsOnly()) : null;
    if (!opt.scores()) {
      return new ForwardOutput(hidden, logits, null, null);
    }
    AdapterStack stack = opt.stack();
    if (stack != null && stack.headsT() != null) {
      int rows = batch.rows();
      int k = stack.members();
      NDArray last = pool(scope, hidden, batch);
      NDArray perMember = last.reshape(k, rows / k, config.hiddenSize()).matMul(stack.headsT());
      return new ForwardOutput(hidden, logits, perMember.reshape(rows, -1), last);
    }
    NDArray head = scoreHead(pass.ad());
    NDArray pooled = pool(scope, hidden, batch);
    NDArray scores = Linear.linear(pooled, head).singletonOrThrow();
    if (opt.capture() != null) {
      NDArray probe = scope.zeros(scores.getShape());
      probe.setRequiresGradient(true);
      scores = scores.add(probe);
      opt.capture().head(pooled, probe);
    }
    return new ForwardOutput(hidden, logits, scores, pooled);
  }

  /** Logits [B, T, V] (or [B, 1, V] at the last column): the LM head, or the tied embeddings. */
  private NDArray lmLogits(NDArray hidden, boolean lastOnly) {
    NDArray head = lmHead != null ? lmHead : embed;
    if (config.head() != ModelConfig.Head.CAUSAL_LM
        && lmHead == null
        && !config.tieWordEmbeddings()) {
      throw new IllegalStateException(
          config.architecture() + " has no LM head; load a *ForCausalLM checkpoint");
    }
    NDArray src = lastOnly ? hidden.get(":, -1:, :") : hidden;
    return Linear.linear(src, head).singletonOrThrow();
  }

  /** The adapter's own score head if it has one, else the base's. */
  private NDArray scoreHead(LoraAdapter ad) {
    NDArray head = ad != null && ad.head() != null ? ad.head() : score;
    if (head == null) {
      throw new IllegalStateException(
          "no score head: the base is "
              + config.architecture()
              + (ad == null
                  ? " and no adapter was given"
                  : " and adapter '" + ad.name() + "' has none"));
    }
    return head;
  }

  /** The hidden state at each row's last non-pad token, [B, H]: where a score is read. */
  private NDArray pool(NDManager scope, NDArray hidden, TokenBatch batch) {
    int rows = batch.rows();
    int cols = batch.cols();
    int[] last = batch.lastTokenIndex(config.padTokenId());
    long[] flat = new long[rows];
    for (int r = 0; r < rows; r++) {
      flat[r] = (long) r * cols + last[r];
    }
    NDArray idx = NdData.longs(scope, flat, new Shape(rows));
    return hidden.reshape(rows * (long) cols, config.hiddenSize()).get(idx);
  }

  private static long[] positions(TokenBatch batch, int past) {
    if (batch.positions() != null) {
      return batch.positions();
    }
    long[] p = new long[batch.rows() * batch.cols()];
    for (int r = 0; r < batch.rows(); r++) {
      for (int c = 0; c < batch.cols(); c++) {
        p[r * batch.cols() + c] = past + c;
      }
    }
    return p;
  }

  /**
   * The additive mask [B,1,1,T,S]: 0 where query i may see key j, float32's lowest value where not
   * (transformers' eager attention adds the same, so a fully masked row stays finite).
   */
  private static float[] attentionMask(TokenBatch batch, KvCache cache, int past) {
    int rows = batch.rows();
    int cols = batch.cols();
    int keys = past + cols;
    long[] pastMask = cache == null ? new long[0] : cache.mask();
    float[] m = new float[rows * cols * keys];
    Arrays.fill(m, -Float.MAX_VALUE);
    for (int r = 0; r < rows; r++) {
      for (int i = 0; i < cols; i++) {
        int base = (r * cols + i) * keys;
        for (int j = 0; j <= past + i; j++) {
          long real = j < past ? pastMask[r * past + j] : batch.mask()[r * cols + (j - past)];
          if (real != 0) {
            m[base + j] = 0f;
          }
        }
      }
    }
    return m;
  }

  private NDArray rmsNorm(NDArray x, NDArray w) {
    NDArray var = x.square().mean(new int[] {-1}, true);
    NDArray normed = x.div(Scalars.add(var, (float) config.rmsNormEps()).sqrt());
    NDArray scaled = normed.mul(w);
    return config.family().normAddsOne() ? scaled.add(normed) : scaled;
  }

  /**
   * A linear layer of a block: the base weight (and bias), plus the stack's or the adapter's
   * low-rank update where that module is adapted.
   */
  private NDArray linear(NDManager scope, Pass ps, int layer, Proj p, NDArray x) {
    LoraAdapter ad = ps.ad();
    ForwardOptions opt = ps.opt();
    Lin lin = blocks[layer].proj[p.ordinal()];
    NDArray y =
        lin.b == null
            ? Linear.linear(x, lin.w).singletonOrThrow()
            : Linear.linear(x, lin.w, lin.b).singletonOrThrow();
    AdapterStack stack = opt.stack();
    if (stack != null && stack.aAll(layer, p) != null) {
      NDArray every = Linear.linear(x, stack.aAll(layer, p)).singletonOrThrow(); // [kB, T, k*r]
      NDArray own = every.mul(ps.stackMask());
      return y.add(Linear.linear(own, stack.bAll(layer, p)).singletonOrThrow());
    }
    if (ad == null) {
      return y;
    }
    NDArray a = ad.a(layer, p);
    if (a == null) {
      return y;
    }
    NDArray in = x;
    if (opt.training() && ad.config().dropout() > 0) {
      in = Dropout.dropout(x, (float) ad.config().dropout(), true).singletonOrThrow();
    }
    NDArray xa = Linear.linear(in, a).singletonOrThrow();
    NDArray delta =
        Scalars.mul(Linear.linear(xa, ad.b(layer, p)).singletonOrThrow(), (float) ad.scale());
    y = y.add(delta);
    if (opt.capture() != null) {
      NDArray probe = scope.zeros(y.getShape());
      probe.setRequiresGradient(true);
      y = y.add(probe);
      opt.capture().add(new LoraCapture.Site(layer, p, in, xa, probe));
    }
    return y;
  }

  /** Grouped-query self-attention of layer {@code l} over the normed input {@code h}. */
  private NDArray attention(NDManager scope, Pass ps, int l, NDArray h) {
    KvCache cache = ps.cache();
    long rows = h.getShape().get(0);
    long cols = h.getShape().get(1);
    int hd = config.headDim();
    int kvh = config.numKvHeads();
    int groups = config.kvGroups();
    NDArray q =
        linear(scope, ps, l, Proj.Q, h)
            .reshape(rows, cols, kvh, groups, hd)
            .transpose(0, 2, 3, 1, 4);
    NDArray k = linear(scope, ps, l, Proj.K, h).reshape(rows, cols, kvh, hd).transpose(0, 2, 1, 3);
    NDArray v = linear(scope, ps, l, Proj.V, h).reshape(rows, cols, kvh, hd).transpose(0, 2, 1, 3);
    q = Rope.apply(q, ps.cosQ(), ps.sinQ());
    k = Rope.apply(k, ps.cosK(), ps.sinK());
    if (cache != null) {
      cache.put(l, k, v);
      k = cache.keys(l);
      v = cache.values(l);
    }
    long keys = k.getShape().get(2);
    // views of cached arrays would land in the cache's manager: move them to this scope
    NDArray kT = inScope(scope, k.reshape(rows, kvh, 1, keys, hd)).transpose(0, 1, 2, 4, 3);
    NDArray v5 = inScope(scope, v.reshape(rows, kvh, 1, keys, hd));
    NDArray scores = Scalars.mul(q.matMul(kT), (float) (1.0 / Math.sqrt(hd)));
    scores = scores.add(ps.mask());
    NDArray probs = scores.softmax(-1);
    NDArray out = probs.matMul(v5);
    out = out.transpose(0, 3, 1, 2, 4).reshape(rows, cols, (long) config.numHeads() * hd);
    return linear(scope, ps, l, Proj.O, out);
  }

  private static NDArray inScope(NDManager scope, NDArray a) {
    a.attach(scope);
    return a;
  }

  /** The gated MLP of layer {@code l}: down(act(gate(h)) * up(h)), SwiGLU or GeGLU. */
  private NDArray mlp(NDManager scope, Pass ps, int l, NDArray h) {
    NDArray gate = linear(scope, ps, l, Proj.GATE, h);
    NDArray up = linear(scope, ps, l, Proj.UP, h);
    NDArray act =
        switch (config.activation()) {
          case SILU -> gate.mul(Activation.sigmoid(gate));
          case GELU -> Activation.gelu(gate);
          case GELU_TANH -> geluTanh(gate);
        };
    return linear(scope, ps, l, Proj.DOWN, act.mul(up));
  }

  /** GELU, tanh approximation: 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))). */
  private static NDArray geluTanh(NDArray x) {
    NDArray inner =
        Scalars.mul(
            x.add(Scalars.mul(Scalars.pow(x, 3f), 0.044715f)), (float) Math.sqrt(2.0 / Math.PI));
    return Scalars.mul(x.mul(Scalars.add(inner.tanh(), 1f)), 0.5f);
  }

  @Override
  public void close() {
    adapters.values().forEach(LoraAdapter::close);
    adapters.clear();
    manager.close();
  }
}
