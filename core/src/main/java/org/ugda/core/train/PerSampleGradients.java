package org.ugda.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.ugda.core.lora.LoraAdapter;
import org.ugda.core.model.ForwardOptions;
import org.ugda.core.model.ForwardOutput;
import org.ugda.core.model.HfNames;
import org.ugda.core.model.LoraCapture;
import org.ugda.core.model.NamedArray;
import org.ugda.core.model.TokenBatch;
import org.ugda.core.model.Transformer;
import org.ugda.core.tensor.Scalars;

/**
 * Per-sample gradients of a loss over one adapter's parameters, each flattened in the adapter's
 * documented parameter order ({@link LoraAdapter#parameters()}): the raw material of the influence
 * step (DESIGN.md section 3.4).
 *
 * <p>{@link #closedForm} needs one backward pass for the whole batch. For y = s * B A x, with G_b =
 * dL_b/dy the output gradient of sample b (read off a zero probe added to y) and X_b its input:
 * dB_b = s * G_b^T (X_b A^T) and dA_b = s * (G_b B)^T X_b, summed over positions; a head W gets
 * dW_b = (dL_b/dscore_b) pooled_b^T. Rows do not interact (attention never crosses rows), so the
 * gradient of sum_b L_b at row b's probes is exactly L_b's. {@link #loop} runs one backward per
 * sample and is the reference the closed form is tested against.
 */
public final class PerSampleGradients {
  private PerSampleGradients() {}

  /**
   * A loss per row, [B], from a forward pass over {@code batch}, whose row i is row {@code
   * source[i]} of the batch the caller passed in.
   */
  @FunctionalInterface
  public interface SampleLoss {
    NDArray perRow(NDManager scope, ForwardOutput out, TokenBatch batch, int[] source);
  }

  /** Mean response-token cross-entropy of each row, given each original row's prompt length. */
  public static SampleLoss responseLm(int[] promptLen) {
    return (scope, out, batch, source) -> {
      int[] len = new int[source.length];
      for (int i = 0; i < source.length; i++) {
        len[i] = promptLen[source[i]];
      }
      return Losses.perSampleLmLoss(scope, out.logits(), batch, Losses.responseLabels(batch, len));
    };
  }

  private static int[] identity(int n) {
    int[] out = new int[n];
    for (int i = 0; i < n; i++) {
      out[i] = i;
    }
    return out;
  }

  /** Per-sample flattened gradients [B][P] by one backward pass over the batch. */
  public static float[][] closedForm(
      Transformer model, String adapter, TokenBatch batch, ForwardOptions opts, SampleLoss loss) {
    LoraAdapter ad = model.adapter(adapter);
    List<NamedArray> params = ad.parameters();
    int rows = batch.rows();
    long total = ad.parameterCount();
    float[][] out = new float[rows][Math.toIntExact(total)];
    try (NDManager scope = model.newScope()) {
      LoraCapture cap = new LoraCapture();
      try (Autograd.Tape tape = Autograd.record()) {
        // Only the probes need gradients here; parameters stay untouched by this pass.
        boolean[] trainable = new boolean[params.size()];
        for (int i = 0; i < params.size(); i++) {
          trainable[i] = params.get(i).array().hasGradient();
          params.get(i).array().setRequiresGradient(false);
        }
        try {
          ForwardOutput fo = model.forward(scope, batch, opts.withCapture(cap));
          NDArray losses = loss.perRow(scope, fo, batch, identity(rows));
          tape.backward(losses.sum());
        } finally {
          for (int i = 0; i < params.size(); i++) {
            if (trainable[i]) {
              params.get(i).array().setRequiresGradient(true);
            }
          }
        }
      }
      // offsets of each parameter in the flat vector
      List<String> names = params.stream().map(NamedArray::name).toList();
      long[] offset = new long[params.size()];
      long at = 0;
      for (int i = 0; i < params.size(); i++) {
        offset[i] = at;
        at += params.get(i).array().size();
      }
      float scale = (float) ad.scale();
      for (LoraCapture.Site site : cap.sites()) {
        NDArray g = site.probe().getGradient();
        g.attach(scope);
        NDArray gT = g.transpose(0, 2, 1); // [B, out, T]
        NDArray dB = Scalars.mul(gT.matMul(site.projected()), scale); // [B, out, r]
        NDArray gb = g.matMul(ad.b(site.layer(), site.proj())); // [B, T, r]
        NDArray dA = Scalars.mul(gb.transpose(0, 2, 1).matMul(site.input()), scale); // [B, r, in]
        scatter(
            out,
            dA.toFloatArray(),
            offset[names.indexOf(HfNames.loraA(site.proj().moduleKey(site.layer())))]);
        scatter(
            out,
            dB.toFloatArray(),
            offset[names.indexOf(HfNames.loraB(site.proj().moduleKey(site.layer())))]);
      }
      if (ad.head() != null && cap.scoreProbe() != null) {
        NDArray gs = cap.scoreProbe().getGradient(); // [B, labels]
        gs.attach(scope);
        long labels = gs.getShape().get(1);
        long hidden = cap.pooled().getShape().get(1);
        NDArray dW = gs.reshape(rows, labels, 1).matMul(cap.pooled().reshape(rows, 1, hidden));
        scatter(
            out,
            dW.toFloatArray(),
            offset[names.indexOf(HfNames.peftHead(ad.config().headModule()))]);
      }
    }
    return out;
  }

  private static void scatter(float[][] out, float[] perRow, long offset) {
    int rows = out.length;
    int n = perRow.length / rows;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(perRow, r * n, out[r], (int) offset, n);
    }
  }

  /** Reference: one backward pass per sample, each row alone, gradients read off the parameters. */
  public static float[][] loop(
      Transformer model, String adapter, TokenBatch batch, ForwardOptions opts, SampleLoss loss) {
    LoraAdapter ad = model.adapter(adapter);
    List<NamedArray> params = ad.parameters();
    float[][] out = new float[batch.rows()][];
    boolean[] wasTrainable = new boolean[params.size()];
    for (int i = 0; i < params.size(); i++) {
      wasTrainable[i] = params.get(i).array().hasGradient();
    }
    ad.setTrainable(true);
    try {
      for (int r = 0; r < batch.rows(); r++) {
        TokenBatch one = TokenBatch.rightPadded(List.of(batch.row(r)), batch.padId());
        try (NDManager scope = model.newScope()) {
          Gradients.zero(params);
          try (Autograd.Tape tape = Autograd.record()) {
            ForwardOutput fo = model.forward(scope, one, opts);
            tape.backward(loss.perRow(scope, fo, one, new int[] {r}).sum());
          }
          out[r] = Gradients.flatten(params);
        }
      }
    } finally {
      Gradients.zero(params);
      for (int i = 0; i < params.size(); i++) {
        if (!wasTrainable[i]) {
          params.get(i).array().setRequiresGradient(false);
        }
      }
    }
    return out;
  }
}
