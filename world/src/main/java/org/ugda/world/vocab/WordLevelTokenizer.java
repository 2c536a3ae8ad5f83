package org.ugda.world.vocab;

import com.google.gson.GsonBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.ugda.world.data.Jsonl;

/**
 * Writes a word-level {@code tokenizer.json} in the Hugging Face tokenizers format: whitespace
 * pre-tokenisation, a fixed vocabulary, {@code <unk>} for anything else, and specials {@code
 * <pad>}=0, {@code <s>}=1, {@code </s>}=2, {@code <unk>}=3. Decoding joins words with spaces, which
 * is exactly the world's text layout.
 */
public final class WordLevelTokenizer {
  private WordLevelTokenizer() {}

  public static final List<String> SPECIALS = List.of("<pad>", "<s>", "</s>", "<unk>");
  public static final int PAD = 0;
  public static final int BOS = 1;
  public static final int EOS = 2;
  public static final int UNK = 3;

  /** Specials first, then the words in sorted order: the same corpus always gives the same ids. */
  public static Map<String, Integer> vocabulary(Collection<String> words) {
    Map<String, Integer> v = new LinkedHashMap<>();
    for (String s : SPECIALS) {
      v.put(s, v.size());
    }
    for (String w : new TreeSet<>(words)) {
      if (!v.containsKey(w)) {
        v.put(w, v.size());
      }
    }
    return v;
  }

  public static String json(Map<String, Integer> vocab) {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("version", "1.0");
    root.put("truncation", null);
    root.put("padding", null);
    List<Map<String, Object>> added = new ArrayList<>();
    for (String s : SPECIALS) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("id", vocab.get(s));
      t.put("content", s);
      t.put("single_word", false);
      t.put("lstrip", false);
      t.put("rstrip", false);
      t.put("normalized", false);
      t.put("special", true);
      added.add(t);
    }
    root.put("added_tokens", added);
    root.put("normalizer", null);
    root.put("pre_tokenizer", Map.of("type", "WhitespaceSplit"));
    root.put("post_processor", null);
    root.put("decoder", null);
    Map<String, Object> model = new LinkedHashMap<>();
    model.put("type", "WordLevel");
    model.put("vocab", vocab);
    model.put("unk_token", "<unk>");
    root.put("model", model);
    return new GsonBuilder()
        .serializeNulls()
        .disableHtmlEscaping()
        .setPrettyPrinting()
        .create()
        .toJson(root);
  }

  public static void write(Path file, Map<String, Integer> vocab) {
    try {
      Path tmp = Files.createTempFile(file.toAbsolutePath().getParent(), ".tokenizer", ".tmp");
      Files.writeString(tmp, json(vocab), StandardCharsets.UTF_8);
      Jsonl.readableByAll(tmp);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }
}
