package org.ugda.api.policy;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /v1/runs/{runId}/checkpoints/{epoch}/features}: per sample, the gradient of the
 * policy's response LM loss (mean token cross-entropy over the response given the prompt) over the
 * checkpoint's LoRA parameters (DESIGN.md section 3, step 4), answered as {@code
 * application/vnd.ugda.float32} [samples, d] (or [samples, P] unprojected), rows in request order.
 *
 * @param rolloutIds logged rollouts of the run (their prompt and response tokens), or
 * @param samples inline samples; exactly one of the two
 * @param mode {@code plain} (SGD: validation samples), {@code adam} (Eq. 6 from the checkpoint's
 *     moments, bias corrected with its step count: training samples, the default) or {@code
 *     adam-less} (LESS's variant without bias correction)
 * @param dim projection dimension, one of 1024, 2048, 4096, 8192 (default 8192); 0 = unprojected
 * @param seed the Rademacher matrix's seed (default 0): the same for every sample and checkpoint
 */
public record FeatureRequest(
    List<Long> rolloutIds, List<FeatureSample> samples, Mode mode, Integer dim, Long seed) {

  /** The samples one request may hold (a larger set goes in several requests). */
  public static final int MAX_SAMPLES = 4096;

  public FeatureRequest {
    boolean ids = rolloutIds != null && !rolloutIds.isEmpty();
    boolean inline = samples != null && !samples.isEmpty();
    if (ids == inline) {
      throw new IllegalArgumentException(
          "send rolloutIds (logged rollouts of the run) or samples (inline token ids), one of them");
    }
    int n = ids ? rolloutIds.size() : samples.size();
    if (n > MAX_SAMPLES) {
      throw new IllegalArgumentException(
          n + " samples in one request; at most " + MAX_SAMPLES + ": split the request");
    }
    if (ids) {
      for (int i = 0; i < rolloutIds.size(); i++) {
        if (rolloutIds.get(i) == null) {
          throw new IllegalArgumentException("rolloutIds[" + i + "] is null");
        }
      }
      rolloutIds = List.copyOf(rolloutIds);
    } else {
      for (int i = 0; i < samples.size(); i++) {
        if (samples.get(i) == null) {
          throw new IllegalArgumentException("samples[" + i + "] is null");
        }
      }
      samples = List.copyOf(samples);
    }
    mode = mode == null ? Mode.ADAM : mode;
    dim = dim == null ? 8192 : dim;
    if (dim != 0 && dim != 1024 && dim != 2048 && dim != 4096 && dim != 8192) {
      throw new IllegalArgumentException(
          "dim must be one of 1024, 2048, 4096, 8192 (or 0 for unprojected), got " + dim);
    }
    seed = seed == null ? 0L : seed;
  }

  /**
   * One inline sample: prompt and response as token ids (at least one of each), or as text ({@code
   * prompt} in the HH layout or plain, taken as one human turn; {@code response} the assistant's
   * answer), which the service tokenizes as a run's prompts and a finished response: BOS and the HH
   * prompt, then the response closed by EOS. Exactly one of the two forms.
   */
  public record FeatureSample(
      List<Long> promptTokens, List<Long> responseTokens, String prompt, String response) {
    public FeatureSample {
      boolean text = prompt != null || response != null;
      boolean tokens = promptTokens != null || responseTokens != null;
      if (text == tokens) {
        throw new IllegalArgumentException(
            "every sample needs promptTokens and responseTokens, or prompt and response as text;"
                + " one of the two forms");
      }
      if (text) {
        if (prompt == null || prompt.isBlank() || response == null || response.isBlank()) {
          throw new IllegalArgumentException(
              "a text sample needs a non-blank prompt and a non-blank response");
        }
      } else {
        if (promptTokens == null
            || promptTokens.isEmpty()
            || responseTokens == null
            || responseTokens.isEmpty()) {
          throw new IllegalArgumentException(
              "every sample needs promptTokens and responseTokens, at least one of each");
        }
        for (List<Long> l : List.of(promptTokens, responseTokens)) {
          for (Long id : l) {
            if (id == null || id < 0) {
              throw new IllegalArgumentException("token ids must be 0 or more, got " + id);
            }
          }
        }
        promptTokens = List.copyOf(promptTokens);
        responseTokens = List.copyOf(responseTokens);
      }
    }

    /** A sample given as token ids. */
    public static FeatureSample tokens(List<Long> promptTokens, List<Long> responseTokens) {
      return new FeatureSample(promptTokens, responseTokens, null, null);
    }

    /** A sample given as text. */
    public static FeatureSample text(String prompt, String response) {
      return new FeatureSample(null, null, prompt, response);
    }

    /** Whether the sample is given as text. */
    public boolean isText() {
      return prompt != null;
    }
  }

  /** What a feature is. */
  public enum Mode {
    PLAIN,
    ADAM,
    ADAM_LESS;

    @JsonValue
    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    @JsonCreator
    public static Mode of(String s) {
      for (Mode m : values()) {
        if (m.wire().equalsIgnoreCase(s)) {
          return m;
        }
      }
      throw new IllegalArgumentException("mode must be plain, adam or adam-less, got '" + s + "'");
    }
  }
}
