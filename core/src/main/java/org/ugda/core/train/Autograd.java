package org.ugda.core.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.concurrent.locks.ReentrantLock;
import org.ugda.core.model.DjlRuntime;

/**
 * The one way to run a backward pass in this JVM.
 *
 * <p>DJL's PyTorch engine allows a single open {@link GradientCollector} per JVM (a static flag; a
 * second one throws). Several training jobs, or several services in one standalone JVM, would trip
 * on it. {@code core} owns that constraint: a fair JVM-wide lock serialises tape sessions, so
 * callers just open one, record, call {@link #backward} and close it. Optimizer steps run after the
 * session closes (PyTorch forbids in-place updates of leaves while recording).
 *
 * <pre>{@code
 * try (Autograd.Tape tape = Autograd.record()) {
 *   NDArray loss = ...;             // forward passes recorded here
 *   tape.backward(loss);            // gradients accumulate into each parameter's .grad
 * }
 * adam.step(...);                   // outside the tape
 * }</pre>
 */
public final class Autograd {
  private Autograd() {}

  private static final ReentrantLock LOCK = new ReentrantLock(true);

  /** Opens a recording session, waiting for any other session in the JVM to close. */
  public static Tape record() {
    DjlRuntime.engine();
    LOCK.lock();
    try {
      return new Tape(DjlRuntime.engine().newGradientCollector());
    } catch (RuntimeException e) {
      LOCK.unlock();
      throw e;
    }
  }

  /**
   * Turns gradient recording off on the calling thread unless it holds the tape. PyTorch's grad
   * mode is per thread and on by default for every new thread (DJL turns it off only on the thread
   * that started the engine): without this, an inference forward on a pool thread would build an
   * autograd graph, and an optimizer step there would fail on in-place updates.
   */
  public static void noGradUnlessRecording() {
    if (!LOCK.isHeldByCurrentThread()) {
      JniUtils.setGradMode(false);
    }
  }

  /** Whether the calling thread holds the tape. */
  public static boolean isRecordingOnThisThread() {
    return LOCK.isHeldByCurrentThread();
  }

  /** An open recording session; close it on the thread that opened it. */
  public static final class Tape implements AutoCloseable {
    private final GradientCollector collector;
    private boolean closed;

    private Tape(GradientCollector collector) {
      this.collector = collector;
    }

    /** Back-propagates a scalar loss; a non-finite loss is an error, never a step. */
    public void backward(NDArray loss) {
      if (loss.getShape().size() != 1) {
        throw new IllegalArgumentException(
            "backward needs a scalar loss, got shape " + loss.getShape());
      }
      float v = loss.toType(DataType.FLOAT32, false).getFloat();
      if (!Float.isFinite(v)) {
        throw new NonFiniteException("loss is " + v + "; refusing to back-propagate it");
      }
      collector.backward(loss);
    }

    @Override
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      try {
        collector.close();
      } finally {
        LOCK.unlock();
      }
    }
  }
}
