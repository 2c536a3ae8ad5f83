package org.ugda.core.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.ugda.core.model.DjlRuntime;
import org.ugda.core.train.Autograd;

class ScalarsTest {

  /**
   * Records {@code f(x).sum()}, then collects garbage and hands freed small blocks out again before
   * the backward pass, as happens now and then between a forward and its backward. DJL's {@code
   * x.mul(3f)} fails this every time (the saved scalar pointed into a freed Java buffer; see
   * ScalarAliasRepro); Scalars' libtorch-owned scalars must not.
   */
  private static float[] gradientAfterGc(float[] at, UnaryOperator<NDArray> f) throws Exception {
    DjlRuntime.engine();
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = NdData.floats(m, at, new Shape(at.length));
      x.setRequiresGradient(true);
      try (NDManager s = m.newSubManager();
          Autograd.Tape tape = Autograd.record()) {
        NDArray y = f.apply(x).sum();
        y.attach(s);
        System.gc();
        Thread.sleep(5);
        List<ByteBuffer> reuse = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          reuse.add(ByteBuffer.allocateDirect(4).putFloat(0, Float.NaN));
        }
        tape.backward(y);
      }
      try (NDArray g = x.getGradient()) {
        return g.toFloatArray();
      }
    }
  }

  @Test
  void shouldKeepEveryRecordedScalarAliveUntilTheBackwardPass() throws Exception {
    float[] x = {1, 2, 3, 4};
    for (int trial = 0; trial < 5; trial++) {
      assertArrayEquals(new float[] {3, 3, 3, 3}, gradientAfterGc(x, a -> Scalars.mul(a, 3f)));
      assertArrayEquals(
          new float[] {0.5f, 0.5f, 0.5f, 0.5f}, gradientAfterGc(x, a -> Scalars.div(a, 2f)));
      assertArrayEquals(new float[] {3, 12, 27, 48}, gradientAfterGc(x, a -> Scalars.pow(a, 3f)));
      assertArrayEquals(
          new float[] {0, 0, 1, 1}, gradientAfterGc(x, a -> Scalars.maximum(a, 2.5f)));
      assertArrayEquals(
          new float[] {4, 6, 8, 10}, gradientAfterGc(x, a -> Scalars.add(a, 1f).square()));
    }
  }

  @Test
  void shouldComputeLikeTheNumberOverloadsAndLeaveNothingBehind() {
    DjlRuntime.engine();
    try (NDManager m = NDManager.newBaseManager(Device.cpu())) {
      NDArray x = NdData.floats(m, new float[] {-1.5f, 0.1f, 7f}, new Shape(3));
      assertArrayEquals(x.mul(0.3f).toFloatArray(), Scalars.mul(x, 0.3f).toFloatArray());
      assertArrayEquals(x.div(3f).toFloatArray(), Scalars.div(x, 3f).toFloatArray());
      assertArrayEquals(x.add(1e-6f).toFloatArray(), Scalars.add(x, 1e-6f).toFloatArray());
      assertArrayEquals(x.maximum(0f).toFloatArray(), Scalars.maximum(x, 0f).toFloatArray());
      int before = ((BaseNDManager) m).getManagedArrays().size();
      Scalars.muli(x, 2f);
      Scalars.addi(x, 1f);
      assertEquals(before, ((BaseNDManager) m).getManagedArrays().size(), "scalars are closed");
      assertArrayEquals(new float[] {-2f, 1.2f, 15f}, x.toFloatArray());
      Scalars.fill(x, 0f);
      assertArrayEquals(new float[] {0, 0, 0}, x.toFloatArray());
    }
  }

  /**
   * The rule behind the fix, checked on core's compiled classes: no call of an NDArray method that
   * takes a Java Number (DJL makes a tensor over a Java buffer for it and frees the buffer while
   * autograd may still hold the tensor), and Java data reaches NDManager.create only in NdData,
   * which copies it into libtorch memory at once (never NDArray.set(Buffer), which points the
   * array's storage into the Java buffer).
   */
  @Test
  void shouldNeverHandDjlAJavaNumberOrBufferOutsideNdDataAndScalars() throws Exception {
    Path classes = classesDir();
    List<String> offences = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
        String cls = classes.relativize(f).toString().replace('\\', '/');
        for (String[] ref : methodRefs(f)) {
          String owner = ref[0];
          String name = ref[1];
          String desc = ref[2];
          boolean ndarray =
              owner.equals("ai/djl/ndarray/NDArray") || owner.startsWith("ai/djl/pytorch/");
          if (ndarray && desc.contains("Ljava/lang/Number;")) {
            offences.add(cls + " calls " + owner + "." + name + desc);
          }
          boolean create =
              (owner.equals("ai/djl/ndarray/NDManager") || owner.startsWith("ai/djl/pytorch/"))
                  && name.equals("create")
                  && !desc.startsWith("(Lai/djl/ndarray/types/Shape;");
          boolean setBuffer = ndarray && name.equals("set") && desc.equals("(Ljava/nio/Buffer;)V");
          if ((create || setBuffer) && !cls.equals("org/ugda/core/tensor/NdData.class")) {
            offences.add(cls + " calls " + owner + "." + name + desc);
          }
        }
      }
    }
    assertTrue(offences.isEmpty(), String.join("\n", offences));
  }

  private static Path classesDir() throws URISyntaxException {
    return Path.of(Scalars.class.getProtectionDomain().getCodeSource().getLocation().toURI());
  }

  /** (owner, name, descriptor) of every method reference in a class file's constant pool. */
  static List<String[]> methodRefs(Path classFile) throws IOException {
    try (InputStream raw = Files.newInputStream(classFile);
        DataInputStream in = new DataInputStream(raw)) {
      if (in.readInt() != 0xCAFEBABE) {
        throw new IOException("not a class file: " + classFile);
      }
      in.readUnsignedShort();
      in.readUnsignedShort();
      int count = in.readUnsignedShort();
      String[] utf8 = new String[count];
      int[] classNameIndex = new int[count];
      int[][] refs = new int[count][];
      int[][] nameAndType = new int[count][];
      for (int i = 1; i < count; i++) {
        int tag = in.readUnsignedByte();
        switch (tag) {
          case 1 -> utf8[i] = in.readUTF();
          case 7 -> classNameIndex[i] = in.readUnsignedShort();
          case 10, 11 -> refs[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
          case 12 -> nameAndType[i] = new int[] {in.readUnsignedShort(), in.readUnsignedShort()};
          case 3, 4, 9, 17, 18 -> in.readInt();
          case 5, 6 -> {
            in.readLong();
            i++;
          }
          case 8, 16, 19, 20 -> in.readUnsignedShort();
          case 15 -> {
            in.readUnsignedByte();
            in.readUnsignedShort();
          }
          default -> throw new IOException("constant pool tag " + tag + " in " + classFile);
        }
      }
      List<String[]> out = new ArrayList<>();
      for (int[] r : refs) {
        if (r != null) {
          int[] nt = nameAndType[r[1]];
          out.add(new String[] {utf8[classNameIndex[r[0]]], utf8[nt[0]], utf8[nt[1]]});
        }
      }
      return out;
    }
  }
}
