package org.ugda.core.format;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.core.Fixtures;

class HfTokenizerTest {

  @Test
  void shouldEncodeAndDecodeAsTheReferenceTokenizerDoes() throws Exception {
    var ref =
        JsonParser.parseString(
                Files.readString(Fixtures.root().resolve("tokenizer-reference.json")))
            .getAsJsonArray();
    try (HfTokenizer t = HfTokenizer.load(Fixtures.root().resolve("tokenizer.json"))) {
      for (JsonElement e : ref) {
        var o = e.getAsJsonObject();
        long[] expected = new long[o.getAsJsonArray("ids").size()];
        for (int i = 0; i < expected.length; i++) {
          expected[i] = o.getAsJsonArray("ids").get(i).getAsLong();
        }
        String text = o.get("text").getAsString();
        assertArrayEquals(expected, t.encode(text), text);
        assertEquals(o.get("decoded").getAsString(), t.decode(expected, true), text);
      }
      assertEquals(2, t.tokenId("</s>"));
    }
  }

  @Test
  void shouldExplainAMissingOrBrokenTokenizer(@TempDir Path dir) throws Exception {
    CheckpointException e = assertThrows(CheckpointException.class, () -> HfTokenizer.load(dir));
    assertTrue(e.getMessage().contains("tokenizer.json"), e.getMessage());
    Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": 3}");
    e = assertThrows(CheckpointException.class, () -> HfTokenizer.load(dir));
    assertTrue(e.getMessage().contains("not a loadable tokenizer.json"), e.getMessage());
  }
}
