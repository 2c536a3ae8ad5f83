package org.ugda.core.format;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ugda.core.model.DjlRuntime;

/**
 * A Hugging Face {@code tokenizer.json} through DJL's bindings of the Rust {@code tokenizers}
 * library (the native library ships inside the jar: nothing is downloaded). Encoding adds no
 * special tokens and never truncates or pads: callers decide where BOS/EOS go and how long a
 * sequence may be.
 */
public final class HfTokenizer implements AutoCloseable {
  private final Path file;
  private final HuggingFaceTokenizer tokenizer;

  private HfTokenizer(Path file, HuggingFaceTokenizer tokenizer) {
    this.file = file;
    this.tokenizer = tokenizer;
  }

  /** Loads {@code tokenizer.json} from a checkpoint directory, or the file itself. */
  public static HfTokenizer load(Path dirOrFile) {
    Path file = Files.isDirectory(dirOrFile) ? dirOrFile.resolve("tokenizer.json") : dirOrFile;
    if (!Files.isRegularFile(file)) {
      throw new CheckpointException(
          file
              + ": no such file; a checkpoint needs tokenizer.json (Hugging Face tokenizers format)");
    }
    DjlRuntime.engine();
    try {
      HuggingFaceTokenizer t =
          HuggingFaceTokenizer.builder()
              .optTokenizerPath(file)
              .optAddSpecialTokens(false)
              .optTruncation(false)
              .optPadding(false)
              .build();
      return new HfTokenizer(file, t);
    } catch (IOException | RuntimeException e) {
      throw new CheckpointException(file + ": not a loadable tokenizer.json: " + e.getMessage(), e);
    }
  }

  public Path file() {
    return file;
  }

  /** Token ids of a text, no special tokens added. */
  public long[] encode(String text) {
    Encoding e = tokenizer.encode(text, false, false);
    return e.getIds();
  }

  /** Text of token ids; special tokens are dropped when {@code skipSpecial}. */
  public String decode(long[] ids, boolean skipSpecial) {
    return tokenizer.decode(ids, skipSpecial);
  }

  /**
   * The id of a single token (a special token such as {@code </s>}), or -1 if it is not one token.
   */
  public long tokenId(String token) {
    long[] ids = tokenizer.encode(token, false, false).getIds();
    return ids.length == 1 ? ids[0] : -1;
  }

  @Override
  public void close() {
    tokenizer.close();
  }
}
