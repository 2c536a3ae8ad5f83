package org.ugda.core.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.ugda.core.model.DjlRuntime;

/**
 * The smallest reproduction of the defect in DJL 0.36's PyTorch engine, with nothing of core but
 * the engine start: {@code y = (x * 3).sum()} recorded, one {@code System.gc()} before {@code
 * backward}, and dy/dx comes out as garbage instead of 3.
 *
 * <p>{@code PtNDArray.mul(Number)} makes the 3 a 0-dim tensor by {@code torch::from_blob} over a
 * fresh direct ByteBuffer, multiplies, and closes that tensor; autograd's MulBackward0 has saved it
 * (grad_x = grad_y * 3), still pointing into the buffer, which the GC frees. {@code owned} does the
 * same with a scalar from {@code NDManager.full} (libtorch's own memory) and is always right.
 *
 * <pre>
 * java -cp CP org.ugda.core.train.ScalarAliasRepro 50 number gc   # 50 of 50 wrong
 * java -cp CP org.ugda.core.train.ScalarAliasRepro 50 number nogc # 0 wrong
 * java -cp CP org.ugda.core.train.ScalarAliasRepro 50 owned gc    # 0 wrong
 * </pre>
 */
public final class ScalarAliasRepro {
  private ScalarAliasRepro() {}

  public static void main(String[] args) throws Exception {
    int trials = Integer.parseInt(args[0]);
    boolean owned = args[1].equals("owned");
    boolean gc = args[2].equals("gc");
    DjlRuntime.engine();
    int wrong = 0;
    List<ByteBuffer> reuse = new ArrayList<>();
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      for (int t = 0; t < trials; t++) {
        NDArray x = m.create(new float[] {1, 2, 3, 4}, new Shape(4));
        x.setRequiresGradient(true);
        try (GradientCollector c = DjlRuntime.engine().newGradientCollector()) {
          NDArray y;
          if (owned) {
            try (NDArray three = m.full(new Shape(), 3f, DataType.FLOAT32)) {
              y = x.mul(three).sum();
            }
          } else {
            y = x.mul(3f).sum();
          }
          if (gc) {
            System.gc();
            Thread.sleep(5); // the Reference Handler frees the unreachable direct buffer
            reuse.clear();
            for (int i = 0; i < 64; i++) {
              reuse.add(ByteBuffer.allocateDirect(4)); // malloc hands the freed chunk out again
            }
          }
          c.backward(y);
        }
        try (NDArray g = x.getGradient()) {
          float[] d = g.toFloatArray();
          if (d[0] != 3f) {
            wrong++;
            if (wrong <= 3) {
              System.out.println("trial " + t + ": d(3x)/dx = " + Arrays.toString(d));
            }
          }
        }
        x.close();
      }
    }
    System.out.println(
        "REPRO trials="
            + trials
            + " scalar="
            + (owned ? "owned" : "number")
            + " gc="
            + gc
            + " wrongGradients="
            + wrong);
  }
}
