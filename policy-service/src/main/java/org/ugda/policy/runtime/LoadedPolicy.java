package org.ugda.policy.runtime;

import ai.djl.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.ugda.core.format.HfTokenizer;
import org.ugda.core.format.ModelConfig;
import org.ugda.core.model.Transformer;
import org.ugda.world.text.Dialogue;

/**
 * A base (SFT) model with its tokenizer, as one run or one generation uses it: prompts become
 * {@code <bos>} + tokens of the HH prompt (plain text is taken as one human turn and the assistant
 * turn opened), the start of an over-long prompt cut after BOS; responses decode without special
 * tokens.
 */
public final class LoadedPolicy implements AutoCloseable {
  private final Transformer model;
  private final HfTokenizer tokenizer;
  private final int maxPromptTokens;

  private LoadedPolicy(Transformer model, HfTokenizer tokenizer, int maxPromptTokens) {
    this.model = model;
    this.tokenizer = tokenizer;
    this.maxPromptTokens = maxPromptTokens;
  }

  public static LoadedPolicy open(Path dir, Device device, int maxPromptTokens) {
    if (!Files.isRegularFile(dir.resolve("tokenizer.json"))) {
      throw new IllegalArgumentException(
          "the base model has no tokenizer.json beside its config.json; policy runs need one");
    }
    Transformer m = Transformer.load(dir, device);
    try {
      return new LoadedPolicy(m, HfTokenizer.load(dir), maxPromptTokens);
    } catch (RuntimeException e) {
      m.close();
      throw e;
    }
  }

  /** The model alone, for work on token ids (gradient features): no tokenizer needed. */
  public static LoadedPolicy weightsOnly(Path dir, Device device) {
    return new LoadedPolicy(Transformer.load(dir, device), null, 0);
  }

  public Transformer model() {
    return model;
  }

  public ModelConfig config() {
    return model.config();
  }

  /** The HH form of a prompt: as given when it has a human turn, else one human turn. */
  public static String hh(String prompt) {
    String p = prompt.contains(Dialogue.HUMAN) ? prompt : Dialogue.prompt(prompt);
    if (!p.strip().endsWith(Dialogue.ASSISTANT.strip())) {
      p = p + Dialogue.ASSISTANT;
    }
    return p;
  }

  /** Token ids generation starts from. */
  public long[] encodePrompt(String prompt) {
    long[] text = tokenizer.encode(hh(prompt));
    int bos = config().bosTokenId();
    int room = bos >= 0 ? maxPromptTokens - 1 : maxPromptTokens;
    if (text.length > room) {
      text = Arrays.copyOfRange(text, text.length - room, text.length);
    }
    if (bos < 0) {
      return text;
    }
    long[] out = new long[text.length + 1];
    out[0] = bos;
    System.arraycopy(text, 0, out, 1, text.length);
    return out;
  }

  /**
   * Token ids of a finished response (a validation answer): its text, stripped, closed by the
   * model's first EOS token as a generated response that stopped is.
   */
  public long[] encodeResponse(String response) {
    long[] text = tokenizer.encode(" " + response.strip());
    List<Integer> eos = eosIds();
    if (eos.isEmpty()) {
      return text;
    }
    long[] out = Arrays.copyOf(text, text.length + 1);
    out[text.length] = eos.get(0);
    return out;
  }

  public String decode(long[] ids) {
    return tokenizer.decode(ids, true);
  }

  public List<Integer> eosIds() {
    return config().eosTokenIds();
  }

  /**
   * The room left for a response after a prompt of {@code promptTokens}, in the model's positions.
   */
  public int responseRoom(int promptTokens, int wanted) {
    int positions = config().maxPositionEmbeddings();
    return positions > 0 ? Math.max(1, Math.min(wanted, positions - promptTokens)) : wanted;
  }

  @Override
  public void close() {
    try {
      if (tokenizer != null) {
        tokenizer.close();
      }
    } finally {
      model.close();
    }
  }
}
