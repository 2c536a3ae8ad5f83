package org.ugda.api.binary;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;
import org.springframework.http.MediaType;

/**
 * The wire format of large float arrays, content type {@value #CONTENT_TYPE}: a shape header, then
 * the values as little-endian float32, row-major.
 *
 * <pre>
 * offset    bytes   field
 * 0         4       magic: ASCII "UGDF" (0x55 0x47 0x44 0x46)
 * 4         1       version: unsigned byte, 1
 * 5         1       rank R: unsigned byte, 1..{@value #MAX_RANK}
 * 6         8 * R   dims d_0..d_(R-1): each a signed 64-bit little-endian integer, >= 0
 * 6 + 8R    4 * N   data: N = d_0 * ... * d_(R-1) IEEE-754 float32 values, each little-endian,
 *                   row-major (the last index varies fastest)
 * </pre>
 *
 * Nothing follows the data: a body is exactly {@code 6 + 8R + 4N} bytes ({@link #byteLength}). A
 * row is one index of the first dimension: d_1 * ... * d_(R-1) values (one value for R = 1), at
 * most {@link Integer#MAX_VALUE}. Because the row count is in the header, a writer must know it up
 * front; it can then stream the rows as they are computed ({@link Writer}), and a reader can take
 * them one at a time ({@link Reader}) without holding the whole array. A body that ends early, or
 * whose magic, version or rank is wrong, is a {@link FloatMatrixFormatException}.
 *
 * <p>Example: a 2 x 3 matrix is {@code 55 47 44 46 | 01 | 02 | 02 00 00 00 00 00 00 00 | 03 00 00
 * 00 00 00 00 00 |} then six float32 values, 46 bytes in all.
 */
public final class FloatMatrices {
  private FloatMatrices() {}

  /** The content type of a body in this format. */
  public static final String CONTENT_TYPE = "application/vnd.ugda.float32";

  public static final MediaType MEDIA_TYPE = MediaType.parseMediaType(CONTENT_TYPE);

  /** The four magic bytes, "UGDF". */
  private static final byte[] MAGIC = "UGDF".getBytes(StandardCharsets.US_ASCII);

  /** The format version this class writes and reads. */
  public static final int VERSION = 1;

  /** The largest rank a header may declare. */
  public static final int MAX_RANK = 8;

  /** Values per encode/decode chunk: 32 KiB of buffer whatever the row length. */
  private static final int CHUNK = 8192;

  /** Bytes of the header for a rank: 6 + 8 * rank. */
  public static int headerLength(int rank) {
    return 6 + 8 * rank;
  }

  /** Bytes of a whole body of this shape: header and data. */
  public static long byteLength(long... shape) {
    checkShape(shape);
    return Math.addExact(headerLength(shape.length), Math.multiplyExact(4L, elements(shape)));
  }

  static void checkShape(long[] shape) {
    Objects.requireNonNull(shape, "shape");
    if (shape.length < 1 || shape.length > MAX_RANK) {
      throw new IllegalArgumentException(
          "rank must be 1.." + MAX_RANK + ", got " + shape.length + " " + Arrays.toString(shape));
    }
    for (long d : shape) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
      }
    }
    long row = 1;
    for (int i = 1; i < shape.length; i++) {
      row = Math.multiplyExact(row, shape[i]);
    }
    if (row > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "a row of shape " + Arrays.toString(shape) + " has " + row + " values, over 2^31 - 1");
    }
    elements(shape);
  }

  static long elements(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  static int rowLength(long[] shape) {
    long row = 1;
    for (int i = 1; i < shape.length; i++) {
      row *= shape[i];
    }
    return (int) row;
  }

  // ---------------------------------------------------------------- whole bodies

  /** Writes {@code m} as one body. */
  public static void write(OutputStream out, FloatMatrix m) throws IOException {
    Writer w = writer(out, m.shape());
    int n = m.rowLength();
    for (long r = 0; r < m.rows(); r++) {
      w.writeRow(m.data(), (int) (r * n));
    }
    w.finish();
  }

  /** Writes a rows x cols matrix (all rows of one length) as one body. */
  public static void write(OutputStream out, float[][] rows) throws IOException {
    int cols = rows.length == 0 ? 0 : rows[0].length;
    Writer w = writer(out, rows.length, cols);
    w.writeRows(rows);
    w.finish();
  }

  /** The body of {@code m}. */
  public static byte[] toBytes(FloatMatrix m) {
    long n = byteLength(m.shape());
    if (n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          m + " takes " + n + " bytes, too many for one array: stream it with a Writer");
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) n);
    try {
      write(bytes, m);
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads one whole body; the stream must end right after it.
   *
   * @throws FloatMatrixFormatException on a bad header, a truncated body, trailing bytes, or an
   *     array over 2^31 - 1 values (read such a body row by row)
   */
  public static FloatMatrix read(InputStream in) throws IOException {
    Reader r = reader(in);
    long n = elements(r.shape());
    if (n > Integer.MAX_VALUE - 8) {
      throw new FloatMatrixFormatException(
          "a body of shape "
              + Arrays.toString(r.shape())
              + " holds "
              + n
              + " values, too many to read whole: read it row by row");
    }
    float[] data = new float[(int) n];
    int len = r.rowLength();
    for (int at = 0; r.hasNextRow(); at += len) {
      r.nextRow(data, at);
    }
    if (in.read() != -1) {
      throw new FloatMatrixFormatException(
          "trailing bytes after the data of a body of shape " + Arrays.toString(r.shape()));
    }
    return new FloatMatrix(r.shape(), data);
  }

  /** Reads a body from bytes (as {@link #read}). */
  public static FloatMatrix fromBytes(byte[] body) throws FloatMatrixFormatException {
    try {
      return read(new ByteArrayInputStream(body));
    } catch (FloatMatrixFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("reading from memory failed", e);
    }
  }

  // ---------------------------------------------------------------- streaming

  /**
   * Writes the header of a body of {@code shape} to {@code out} and returns the writer of its rows.
   */
  public static Writer writer(OutputStream out, long... shape) throws IOException {
    return new Writer(out, shape.clone());
  }

  /** Reads and checks the header from {@code in}; returns the reader of its rows. */
  public static Reader reader(InputStream in) throws IOException {
    return new Reader(in);
  }

  /**
   * Writes the rows of a body whose header is already written, in order. It does not close the
   * stream; {@link #finish} checks that every announced row came.
   */
  public static final class Writer {
    private final OutputStream out;
    private final long[] shape;
    private final int rowLength;
    private final ByteBuffer buf;
    private long rowsWritten;

    private Writer(OutputStream out, long[] shape) throws IOException {
      checkShape(shape);
      this.out = Objects.requireNonNull(out, "out");
      this.shape = shape;
      this.rowLength = FloatMatrices.rowLength(shape);
      ByteBuffer header = ByteBuffer.allocate(headerLength(shape.length));
      header.order(ByteOrder.LITTLE_ENDIAN);
      header.put(MAGIC).put((byte) VERSION).put((byte) shape.length);
      for (long d : shape) {
        header.putLong(d);
      }
      out.write(header.array());
      int chunk = Math.max(1, Math.min(CHUNK, rowLength));
      this.buf = ByteBuffer.allocate(4 * chunk).order(ByteOrder.LITTLE_ENDIAN);
    }

    public long[] shape() {
      return shape.clone();
    }

    public long rows() {
      return shape[0];
    }

    public int rowLength() {
      return rowLength;
    }

    public long rowsWritten() {
      return rowsWritten;
    }

    /** Writes the next row: exactly {@link #rowLength} values. */
    public Writer writeRow(float[] row) throws IOException {
      if (row.length != rowLength) {
        throw new IllegalArgumentException(
            "row " + rowsWritten + " has " + row.length + " values, a row holds " + rowLength);
      }
      return writeRow(row, 0);
    }

    /** Writes the next row from {@code src[offset .. offset + rowLength)}. */
    public Writer writeRow(float[] src, int offset) throws IOException {
      if (rowsWritten >= shape[0]) {
        throw new IllegalStateException(
            "all " + shape[0] + " rows announced in the header are written already");
      }
      Objects.checkFromIndexSize(offset, rowLength, src.length);
      int at = 0;
      while (at < rowLength) {
        int n = Math.min(rowLength - at, buf.capacity() / 4);
        buf.clear();
        buf.asFloatBuffer().put(src, offset + at, n);
        out.write(buf.array(), 0, 4 * n);
        at += n;
      }
      rowsWritten++;
      return this;
    }

    /** Writes several rows in order. */
    public Writer writeRows(float[][] rows) throws IOException {
      for (float[] row : rows) {
        writeRow(row);
      }
      return this;
    }

    /**
     * Checks that every announced row is written and flushes the stream (without closing it).
     *
     * @throws IllegalStateException if rows are missing: the body would be truncated
     */
    public void finish() throws IOException {
      if (rowsWritten != shape[0]) {
        throw new IllegalStateException(
            "the header announced " + shape[0] + " rows, only " + rowsWritten + " were written");
      }
      out.flush();
    }
  }

  /** Reads the rows of a body after its header, in order. It does not close the stream. */
  public static final class Reader {
    private final InputStream in;
    private final long[] shape;
    private final int rowLength;
    private final byte[] buf;
    private long rowsRead;

    private Reader(InputStream in) throws IOException {
      this.in = Objects.requireNonNull(in, "in");
      byte[] head = in.readNBytes(6);
      int k = Math.min(4, head.length);
      if (!Arrays.equals(head, 0, k, MAGIC, 0, k)) {
        throw new FloatMatrixFormatException(
            "not a " + CONTENT_TYPE + " body: it starts with " + describe(head) + ", not \"UGDF\"");
      }
      if (head.length < 6) {
        throw new FloatMatrixFormatException(
            head.length == 0
                ? "empty body: a "
                    + CONTENT_TYPE
                    + " body starts with a header of at least 14 bytes"
                : "truncated header: " + head.length + " bytes, the fixed part alone is 6");
      }
      int version = head[4] & 0xFF;
      if (version != VERSION) {
        throw new FloatMatrixFormatException(
            "unsupported "
                + CONTENT_TYPE
                + " version "
                + version
                + "; this reader reads "
                + VERSION);
      }
      int rank = head[5] & 0xFF;
      if (rank < 1 || rank > MAX_RANK) {
        throw new FloatMatrixFormatException("rank must be 1.." + MAX_RANK + ", got " + rank);
      }
      byte[] dims = in.readNBytes(8 * rank);
      if (dims.length < 8 * rank) {
        throw new FloatMatrixFormatException(
            "truncated header: rank "
                + rank
                + " needs "
                + 8 * rank
                + " bytes of dimensions, the body has "
                + dims.length);
      }
      ByteBuffer d = ByteBuffer.wrap(dims).order(ByteOrder.LITTLE_ENDIAN);
      long[] s = new long[rank];
      for (int i = 0; i < rank; i++) {
        s[i] = d.getLong();
      }
      try {
        checkShape(s);
      } catch (IllegalArgumentException | ArithmeticException e) {
        throw new FloatMatrixFormatException(
            "bad shape " + Arrays.toString(s) + " in the header: " + e.getMessage());
      }
      this.shape = s;
      this.rowLength = FloatMatrices.rowLength(s);
      this.buf = new byte[4 * Math.max(1, Math.min(CHUNK, rowLength))];
    }

    private static String describe(byte[] head) {
      if (head.length == 0) {
        return "nothing (an empty body)";
      }
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < Math.min(4, head.length); i++) {
        sb.append(String.format("%02x ", head[i] & 0xFF));
      }
      return sb.toString().trim()
          + " (\""
          + new String(head, 0, Math.min(4, head.length), StandardCharsets.ISO_8859_1)
          + "\")";
    }

    public long[] shape() {
      return shape.clone();
    }

    public long rows() {
      return shape[0];
    }

    public int rowLength() {
      return rowLength;
    }

    public long rowsRead() {
      return rowsRead;
    }

    public boolean hasNextRow() {
      return rowsRead < shape[0];
    }

    /** The next row, {@link #rowLength} values. */
    public float[] nextRow() throws IOException {
      float[] row = new float[rowLength];
      nextRow(row, 0);
      return row;
    }

    /** Reads the next row into {@code dst[offset .. offset + rowLength)}. */
    public void nextRow(float[] dst, int offset) throws IOException {
      if (!hasNextRow()) {
        throw new IllegalStateException("all " + shape[0] + " rows are read already");
      }
      Objects.checkFromIndexSize(offset, rowLength, dst.length);
      int at = 0;
      while (at < rowLength) {
        int n = Math.min(rowLength - at, buf.length / 4);
        int got = in.readNBytes(buf, 0, 4 * n);
        if (got < 4 * n) {
          long bytesBefore = (rowsRead * rowLength + at) * 4L + got;
          throw new FloatMatrixFormatException(
              "truncated body: shape "
                  + Arrays.toString(shape)
                  + " needs "
                  + 4 * elements(shape)
                  + " bytes of data, it ended after "
                  + bytesBefore
                  + " (in row "
                  + rowsRead
                  + ")");
        }
        ByteBuffer.wrap(buf, 0, 4 * n)
            .order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer()
            .get(dst, offset + at, n);
        at += n;
      }
      rowsRead++;
    }
  }
}
