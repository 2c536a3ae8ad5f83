package org.ugda.api.binary;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FloatMatricesTest {

  static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  @Test
  void shouldWriteTheHeaderAndDataByteForByte() throws IOException {
    FloatMatrix m = FloatMatrix.ofRows(new float[][] {{1f, -2f, 0.5f}, {0f, Float.NaN, 3e38f}});
    byte[] body = FloatMatrices.toBytes(m);
    assertEquals(46, body.length);
    assertEquals(46, FloatMatrices.byteLength(2, 3));
    byte[] header =
        bytes(
            'U', 'G', 'D', 'F', 1, 2, // magic, version 1, rank 2
            2, 0, 0, 0, 0, 0, 0, 0, // 2 rows
            3, 0, 0, 0, 0, 0, 0, 0); // 3 columns
    assertArrayEquals(header, Arrays.copyOf(body, 22));
    // 1.0f = 0x3f800000, -2.0f = 0xc0000000, 0.5f = 0x3f000000: little-endian
    assertArrayEquals(
        bytes(0, 0, 0x80, 0x3f, 0, 0, 0, 0xc0, 0, 0, 0, 0x3f), Arrays.copyOfRange(body, 22, 34));
    int nan = Float.floatToRawIntBits(Float.NaN);
    assertEquals(nan & 0xFF, body[38] & 0xFF);
    assertEquals(nan >>> 24, body[41] & 0xFF);
    assertEquals(FloatMatrices.CONTENT_TYPE, "application/vnd.ugda.float32");
    assertEquals(FloatMatrices.CONTENT_TYPE, FloatMatrices.MEDIA_TYPE.toString());
  }

  @Test
  void shouldRoundTripEveryRankAndEdgeValues() throws IOException {
    float[] data = new float[2 * 3 * 4];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) Math.sin(i) * (i % 5 == 0 ? 1e-40f : 1e30f);
    }
    data[7] = Float.NEGATIVE_INFINITY;
    data[8] = -0f;
    for (long[] shape : new long[][] {{24}, {4, 6}, {2, 3, 4}, {1, 2, 3, 4}}) {
      FloatMatrix m = new FloatMatrix(shape, data);
      FloatMatrix back = FloatMatrices.fromBytes(FloatMatrices.toBytes(m));
      assertEquals(m, back, Arrays.toString(shape));
      assertArrayEquals(shape, back.shape());
    }
    // empty matrices: no rows, or rows of nothing
    for (long[] shape : new long[][] {{0, 8192}, {3, 0}}) {
      FloatMatrix m = new FloatMatrix(shape, new float[0]);
      byte[] body = FloatMatrices.toBytes(m);
      assertEquals(22, body.length);
      assertEquals(m, FloatMatrices.fromBytes(body));
    }
    FloatMatrix m = FloatMatrix.ofRows(new float[][] {{1, 2}, {3, 4}, {5, 6}});
    assertArrayEquals(new float[] {3, 4}, m.row(1));
    assertEquals(2, m.rowLength());
  }

  @Test
  void shouldStreamRowsAndReadThemOneByOne() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    FloatMatrices.Writer w = FloatMatrices.writer(out, 3, 2, 2);
    assertEquals(22 + 8, out.size(), "the header goes out at once");
    w.writeRow(new float[] {1, 2, 3, 4});
    assertEquals(22 + 8 + 16, out.size(), "each row goes out as it comes");
    w.writeRows(new float[][] {{5, 6, 7, 8}, {9, 10, 11, 12}});
    w.finish();
    FloatMatrices.Reader r = FloatMatrices.reader(new ByteArrayInputStream(out.toByteArray()));
    assertArrayEquals(new long[] {3, 2, 2}, r.shape());
    assertEquals(4, r.rowLength());
    assertArrayEquals(new float[] {1, 2, 3, 4}, r.nextRow());
    assertArrayEquals(new float[] {5, 6, 7, 8}, r.nextRow());
    assertArrayEquals(new float[] {9, 10, 11, 12}, r.nextRow());
    assertFalse(r.hasNextRow());
    assertThrows(IllegalStateException.class, r::nextRow);
  }

  @Test
  void shouldRefuseRowsThatDoNotFitTheHeader() throws IOException {
    FloatMatrices.Writer w = FloatMatrices.writer(new ByteArrayOutputStream(), 2, 3);
    var e = assertThrows(IllegalArgumentException.class, () -> w.writeRow(new float[4]));
    assertTrue(e.getMessage().contains("row 0 has 4 values, a row holds 3"), e.getMessage());
    w.writeRow(new float[3]);
    var early = assertThrows(IllegalStateException.class, w::finish);
    assertTrue(early.getMessage().contains("announced 2 rows, only 1"), early.getMessage());
    w.writeRow(new float[3]);
    assertThrows(IllegalStateException.class, () -> w.writeRow(new float[3]));
    w.finish();
    assertThrows(
        IllegalArgumentException.class, () -> FloatMatrices.writer(new ByteArrayOutputStream()));
    assertThrows(
        IllegalArgumentException.class,
        () -> FloatMatrices.writer(new ByteArrayOutputStream(), 2, -1));
    assertThrows(
        IllegalArgumentException.class,
        () -> FloatMatrices.writer(new ByteArrayOutputStream(), 1, 1L << 16, 1L << 16));
  }

  static FloatMatrixFormatException readError(byte[] body) {
    return assertThrows(FloatMatrixFormatException.class, () -> FloatMatrices.fromBytes(body));
  }

  @Test
  void shouldNameWhatIsWrongWithABadBody() throws IOException {
    byte[] good = FloatMatrices.toBytes(FloatMatrix.ofRows(new float[][] {{1, 2, 3}, {4, 5, 6}}));

    byte[] json = "{\"error\":\"x\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    var magic = readError(json);
    assertTrue(magic.getMessage().contains("not a application/vnd.ugda.float32 body"));
    assertTrue(magic.getMessage().contains("7b 22 65 72"), magic.getMessage());

    byte[] v2 = good.clone();
    v2[4] = 2;
    assertTrue(readError(v2).getMessage().contains("version 2; this reader reads 1"));

    byte[] rank0 = good.clone();
    rank0[5] = 0;
    assertTrue(readError(rank0).getMessage().contains("rank must be 1..8, got 0"));

    byte[] negative = good.clone();
    negative[6 + 15] = (byte) 0x80; // the second dimension's sign byte
    assertTrue(readError(negative).getMessage().contains("bad shape"));

    assertTrue(readError(new byte[0]).getMessage().contains("empty body"));
    assertTrue(readError(Arrays.copyOf(good, 5)).getMessage().contains("truncated header"));
    assertTrue(readError(Arrays.copyOf(good, 13)).getMessage().contains("truncated header"));

    var body = readError(Arrays.copyOf(good, good.length - 1));
    assertTrue(
        body.getMessage().contains("truncated body: shape [2, 3] needs 24 bytes of data")
            && body.getMessage().contains("ended after 23 (in row 1)"),
        body.getMessage());
    var noData = readError(Arrays.copyOf(good, 22));
    assertTrue(noData.getMessage().contains("ended after 0 (in row 0)"), noData.getMessage());

    byte[] trailing = Arrays.copyOf(good, good.length + 1);
    assertTrue(readError(trailing).getMessage().contains("trailing bytes"));

    // row by row, the rows before the cut still come through
    FloatMatrices.Reader r =
        FloatMatrices.reader(new ByteArrayInputStream(Arrays.copyOf(good, good.length - 4)));
    assertArrayEquals(new float[] {1, 2, 3}, r.nextRow());
    assertThrows(FloatMatrixFormatException.class, r::nextRow);
  }

  static float value(long row, int col) {
    return (float) (row * 31 + col) * 1e-3f - (col % 7);
  }

  @Test
  void shouldStreamALargeMatrixRowByRow(@TempDir Path dir) throws IOException {
    // 2048 x 8192 (64 MiB of data) written and read one row at a time, never held whole
    int rows = 2048;
    int cols = 8192;
    Path file = dir.resolve("features.ugdf");
    float[] row = new float[cols];
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      FloatMatrices.Writer w = FloatMatrices.writer(out, rows, cols);
      for (int r = 0; r < rows; r++) {
        for (int c = 0; c < cols; c++) {
          row[c] = value(r, c);
        }
        w.writeRow(row);
      }
      w.finish();
    }
    assertEquals(FloatMatrices.byteLength(rows, cols), Files.size(file));
    assertEquals(22 + 4L * rows * cols, Files.size(file));
    try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
      FloatMatrices.Reader r = FloatMatrices.reader(in);
      assertEquals(rows, r.rows());
      float[] got = new float[cols];
      long n = 0;
      while (r.hasNextRow()) {
        r.nextRow(got, 0);
        for (int c = 0; c < cols; c += 97) {
          assertEquals(value(n, c), got[c]);
        }
        assertEquals(value(n, cols - 1), got[cols - 1]);
        n++;
      }
      assertEquals(rows, n);
      assertEquals(-1, in.read());
    }
  }
}
