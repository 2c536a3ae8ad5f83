package org.ugda.core.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * Starts DJL's PyTorch engine offline, with the native library from the classpath, and picks a
 * device. Everything in {@code core} calls {@link #engine()} before its first NDArray.
 */
public final class DjlRuntime {
  private DjlRuntime() {}

  private static volatile Engine engine;

  /**
   * The PyTorch engine, started offline. Intra-op threads default to one, because a busy neighbour
   * process makes libtorch's default two threads 20-70x slower on a 2-core machine; set {@code
   * ugda.threads} (or {@link #setThreads}) where large matmuls pay for more.
   */
  public static Engine engine() {
    Engine e = engine;
    if (e == null) {
      synchronized (DjlRuntime.class) {
        e = engine;
        if (e == null) {
          setIfAbsent("ai.djl.offline", "true");
          setIfAbsent("ai.djl.default_engine", "PyTorch");
          // thread pools are sized once, when libtorch starts: set them before, never after
          setIfAbsent(
              "ai.djl.pytorch.num_threads",
              Integer.toString(Integer.getInteger("ugda.threads", 1)));
          setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
          setIfAbsent("ai.djl.pytorch.graph_optimizer", "false");
          e = Engine.getEngine("PyTorch");
          engine = e;
        }
      }
    }
    return e;
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /**
   * Sets libtorch's intra-op thread count for this process. Prefer {@code -Dugda.threads=N} at
   * start-up: resizing after parallel work has begun is not guaranteed to take effect.
   */
  public static void setThreads(int n) {
    engine();
    JniUtils.setNumThreads(n);
  }

  /**
   * Resolves {@code auto|cpu|cuda|cuda:N}: {@code auto} takes the first GPU where the engine sees
   * one and the CPU otherwise; {@code cuda} without a GPU is an error, not a silent fallback.
   */
  public static Device device(String spec) {
    Engine e = engine();
    String s = spec == null ? "auto" : spec.trim().toLowerCase(Locale.ROOT);
    if (s.equals("auto")) {
      return e.getGpuCount() > 0 ? Device.gpu() : Device.cpu();
    }
    if (s.equals("cpu")) {
      return Device.cpu();
    }
    if (s.equals("cuda") || s.equals("gpu") || s.startsWith("cuda:")) {
      int id = s.startsWith("cuda:") ? Integer.parseInt(s.substring(5)) : 0;
      if (e.getGpuCount() <= id) {
        throw new IllegalArgumentException(
            "ugda.device="
                + spec
                + " but the engine sees "
                + e.getGpuCount()
                + " GPU(s); use auto or cpu, or run with DJL's CUDA flavour of libtorch");
      }
      return Device.gpu(id);
    }
    throw new IllegalArgumentException(
        "ugda.device must be auto, cpu, cuda or cuda:N, got '" + spec + "'");
  }
}
