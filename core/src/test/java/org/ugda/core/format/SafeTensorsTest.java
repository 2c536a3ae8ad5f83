package org.ugda.core.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.core.tensor.FloatTensor;

class SafeTensorsTest {

  @TempDir Path dir;

  static FloatTensor ramp(long... shape) {
    float[] d = new float[(int) FloatTensor.numel(shape)];
    for (int i = 0; i < d.length; i++) {
      d[i] = (i - d.length / 2f) * 0.37f;
    }
    return new FloatTensor(shape, d);
  }

  @Test
  void shouldRoundTripFloat32ExactlyAndWidenHalfPrecisions() {
    FloatTensor t = ramp(3, 5);
    Path f = dir.resolve("m.safetensors");
    new SafeTensorsWriter()
        .add("a", t, DType.F32)
        .add("b", t, DType.BF16)
        .add("c", t, DType.F16)
        .addLongs("ids", new long[] {1, -2, 3}, 3)
        .metadata("seed", "7")
        .write(f);
    try (SafeTensorsFile r = SafeTensorsFile.open(f)) {
      assertEquals("7", r.metadata().get("seed"));
      assertEquals(DType.BF16, r.info("b").dtype());
      assertArrayEquals(t.data(), r.readFloats("a"));
      float[] bf = r.readFloats("b");
      float[] hf = r.readFloats("c");
      for (int i = 0; i < t.size(); i++) {
        float x = t.data()[i];
        assertEquals(x, bf[i], Math.abs(x) * 1.0 / 128 + 1e-6, "bf16 keeps 8 bits of mantissa");
        assertEquals(x, hf[i], Math.abs(x) * 1.0 / 1024 + 1e-6, "f16 keeps 11 bits of mantissa");
      }
      assertArrayEquals(new long[] {1, -2, 3}, r.readLongs("ids"));
    }
  }

  @Test
  void shouldConvertHalfPrecisionEdgeCasesExactly() {
    assertEquals(65504f, Half.toFloat(Half.fromFloat(65504f)));
    assertEquals(Float.POSITIVE_INFINITY, Half.toFloat(Half.fromFloat(1e6f)));
    assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN))));
    assertEquals(5.9604645e-8f, Half.toFloat((short) 1), "smallest subnormal");
    assertEquals(-0.0f, Half.toFloat((short) 0x8000));
    assertEquals(1.0f, Half.bf16ToFloat(Half.floatToBf16(1.0f)));
    assertEquals(
        Float.intBitsToFloat(0x3F810000),
        Half.bf16ToFloat(Half.floatToBf16(Float.intBitsToFloat(0x3F80C000))),
        "ties round to even");
  }

  @Test
  void shouldReadShardedCheckpointsThroughTheIndex() {
    SafeTensorsWriter w = new SafeTensorsWriter();
    for (int i = 0; i < 5; i++) {
      w.add("t" + i, ramp(100, 10 + i));
    }
    w.writeSharded(dir, "model", 5000);
    assertTrue(Files.exists(dir.resolve("model.safetensors.index.json")));
    assertFalse(Files.exists(dir.resolve("model.safetensors")));
    try (TensorSource src = Checkpoints.open(dir)) {
      assertEquals(5, src.names().size());
      for (int i = 0; i < 5; i++) {
        assertArrayEquals(ramp(100, 10 + i).data(), src.readFloats("t" + i));
      }
      assertTrue(
          src.fileOf("t4")
              .getFileName()
              .toString()
              .matches("model-0000\\d-of-0000\\d.safetensors"));
    }
  }

  @Test
  void shouldNameFileAndTensorWhenATensorIsMissing() {
    Path f = dir.resolve("m.safetensors");
    new SafeTensorsWriter().add("present", ramp(2)).write(f);
    try (SafeTensorsFile r = SafeTensorsFile.open(f)) {
      CheckpointException e = assertThrows(CheckpointException.class, () -> r.readFloats("absent"));
      assertTrue(
          e.getMessage().contains(f.toString()) && e.getMessage().contains("'absent'"),
          e.getMessage());
    }
  }

  @Test
  void shouldRejectTruncatedAndHostileHeaders() throws IOException {
    Path f = dir.resolve("m.safetensors");
    new SafeTensorsWriter().add("w", ramp(64, 64)).write(f);
    byte[] whole = Files.readAllBytes(f);
    Path cut = dir.resolve("cut.safetensors");
    Files.write(cut, Arrays.copyOf(whole, whole.length - 100));
    CheckpointException e =
        assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(cut));
    assertTrue(
        e.getMessage().contains("'w'") && e.getMessage().contains("truncated"), e.getMessage());

    Path huge = dir.resolve("huge.safetensors");
    ByteBuffer b =
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(Long.MAX_VALUE).putLong(0);
    Files.write(huge, b.array());
    e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(huge));
    assertTrue(e.getMessage().contains("not a safetensors file"), e.getMessage());

    Path badJson = writeRaw(dir.resolve("bad.safetensors"), "{not json", 0);
    e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(badJson));
    assertTrue(e.getMessage().contains(badJson.toString()), e.getMessage());

    Path lying =
        writeRaw(
            dir.resolve("lying.safetensors"),
            "{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,8]}}",
            8);
    e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(lying));
    assertTrue(e.getMessage().contains("'x'") && e.getMessage().contains("[4]"), e.getMessage());

    Path dtype =
        writeRaw(
            dir.resolve("dtype.safetensors"),
            "{\"x\":{\"dtype\":\"F8_E4M3\",\"shape\":[1],\"data_offsets\":[0,1]}}",
            1);
    e = assertThrows(CheckpointException.class, () -> SafeTensorsFile.open(dtype));
    assertTrue(
        e.getMessage().contains("F8_E4M3") && e.getMessage().contains("supported"), e.getMessage());
  }

  /**
   * Writes a safetensors file by hand: the header's length, the header, then {@code dataBytes} zero
   * bytes; returns the file.
   */
  static Path writeRaw(Path file, String header, int dataBytes) throws IOException {
    byte[] json = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b =
        ByteBuffer.allocate(8 + json.length + dataBytes)
            .order(ByteOrder.LITTLE_ENDIAN)
            .putLong(json.length)
            .put(json);
    Files.write(file, b.array());
    return file;
  }

  @Test
  void shouldRefuseShardIndexPointingOutsideTheDirectory() throws IOException {
    Files.writeString(
        dir.resolve(Checkpoints.INDEX), "{\"weight_map\":{\"w\":\"../../etc/passwd\"}}");
    CheckpointException e = assertThrows(CheckpointException.class, () -> Checkpoints.open(dir));
    assertTrue(e.getMessage().contains("outside the checkpoint directory"), e.getMessage());
  }

  @Test
  void shouldLeaveNoPartialFileWhenWritingFails() throws IOException {
    Path target = dir.resolve("out.safetensors");
    Files.writeString(target, "previous");
    assertThrows(
        RuntimeException.class,
        () ->
            AtomicFiles.write(
                target,
                tmp -> {
                  Files.writeString(tmp, "half");
                  throw new IOException("disk full");
                }));
    assertEquals("previous", Files.readString(target));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary file left behind");
    }
  }
}
