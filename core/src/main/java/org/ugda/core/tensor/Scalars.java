package org.ugda.core.tensor;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.function.BinaryOperator;

/**
 * Arithmetic of an NDArray with a Java number, through scalars that libtorch owns. Core never calls
 * DJL's {@code NDArray} methods that take a {@link Number} ({@code x.mul(2f)}, {@code x.div(n)},
 * {@code x.maximum(0f)}, ...): use these instead.
 *
 * <p>Why: DJL's PyTorch engine turns the number into a 0-dimensional tensor with {@code from_blob}
 * over a fresh direct {@code ByteBuffer}, runs the operation, and closes that tensor at once; the
 * buffer is then garbage, and the next GC frees its memory. But while a tape records, autograd
 * saves that scalar for the backward pass whenever the gradient needs it ({@code mul}, {@code div},
 * {@code pow}, {@code maximum}: grad = grad_out * s), and the saved tensor still points into the
 * Java buffer. A GC between forward and backward made the backward read freed memory (a malloc
 * free-list pointer, or whatever was allocated there next): gradients scaled by garbage, sometimes
 * non-finite, sometimes just slightly wrong, and only when a GC happened to fall inside that window
 * (more often under CPU contention). A scalar made by {@code torch::full} lives in libtorch's own
 * reference-counted storage, which autograd keeps alive as long as it needs it; its Java handle can
 * be closed right after the operation.
 */
public final class Scalars {
  private Scalars() {}

  /** A 0-dimensional float32 tensor holding {@code v}, in libtorch memory, on x's device. */
  public static NDArray of(NDArray like, float v) {
    return like.getManager().full(new Shape(), v, DataType.FLOAT32);
  }

  public static NDArray add(NDArray x, float s) {
    return withScalar(x, s, NDArray::add);
  }

  public static NDArray mul(NDArray x, float s) {
    return withScalar(x, s, NDArray::mul);
  }

  public static NDArray div(NDArray x, float s) {
    return withScalar(x, s, NDArray::div);
  }

  public static NDArray pow(NDArray x, float s) {
    return withScalar(x, s, NDArray::pow);
  }

  /** Element-wise max(x, s). */
  public static NDArray maximum(NDArray x, float s) {
    return withScalar(x, s, NDArray::maximum);
  }

  /** Element-wise min(x, s). */
  public static NDArray minimum(NDArray x, float s) {
    return withScalar(x, s, NDArray::minimum);
  }

  /** Element-wise clamp of x to [lo, hi] (torch.clamp: the gradient passes inside the range). */
  public static NDArray clip(NDArray x, float lo, float hi) {
    return minimum(maximum(x, lo), hi);
  }

  /** In place: x += s; returns x. */
  public static NDArray addi(NDArray x, float s) {
    return withScalar(x, s, NDArray::addi);
  }

  /** In place: x *= s; returns x. */
  public static NDArray muli(NDArray x, float s) {
    return withScalar(x, s, NDArray::muli);
  }

  /** In place: every element of x set to s (NaN and infinity included); returns x. */
  public static NDArray fill(NDArray x, float s) {
    return withScalar(
        x,
        s,
        (target, t) -> {
          target.set(new NDIndex("..."), t);
          return target;
        });
  }

  /** Applies {@code op(x, scalar s)} and closes the scalar right after. */
  private static NDArray withScalar(NDArray x, float s, BinaryOperator<NDArray> op) {
    try (NDArray t = of(x, s)) {
      return op.apply(x, t);
    }
  }
}
