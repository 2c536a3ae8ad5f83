package org.ugda.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.ugda.world.data.JsonlException;
import org.ugda.world.data.PreferenceFiles;
import org.ugda.world.data.PreferencePair;
import org.ugda.world.data.WorldData;
import org.ugda.world.gold.GoldReward;
import org.ugda.world.text.Dialogue;

class WorldGeneratorTest {

  @TempDir Path dir;

  static double longerWins(List<PreferencePair> pairs) {
    return pairs.stream()
            .filter(p -> Dialogue.words(p.chosen()).length > Dialogue.words(p.rejected()).length)
            .count()
        / (double) pairs.size();
  }

  static double goldAgrees(List<PreferencePair> pairs) {
    return pairs.stream()
            .filter(
                p ->
                    GoldReward.of(p.prompt(), p.chosen()) > GoldReward.of(p.prompt(), p.rejected()))
            .count()
        / (double) pairs.size();
  }

  @Test
  void shouldWriteADeterministicWorldWithTheSpuriousLengthFeature() throws Exception {
    Path a = WorldGenerator.generate(WorldConfig.tiny(7), dir.resolve("a"), p -> {});
    Path b = WorldGenerator.generate(WorldConfig.tiny(7), dir.resolve("b"), p -> {});
    for (String f :
        List.of(
            WorldFiles.SFT,
            WorldFiles.PAIRS_TRAIN,
            WorldFiles.PAIRS_TEST,
            WorldFiles.PPO_PROMPTS,
            WorldFiles.TOKENIZER,
            WorldFiles.validation("helpful"))) {
      assertEquals(
          Files.readString(a.resolve(f)), Files.readString(b.resolve(f)), f + " is deterministic");
    }
    List<PreferencePair> train = PreferenceFiles.readHh(a.resolve(WorldFiles.PAIRS_TRAIN));
    List<PreferencePair> test = PreferenceFiles.readHh(a.resolve(WorldFiles.PAIRS_TEST));
    assertEquals(300, train.size());
    assertEquals(1.0, goldAgrees(train), 1e-9, "unflipped pairs follow the gold reward");
    assertTrue(
        longerWins(train) > 0.7, "training pairs favour the longer answer: " + longerWins(train));
    assertTrue(
        longerWins(test) < longerWins(train) - 0.15,
        "test pairs are less biased: " + longerWins(test));
    assertTrue(train.stream().anyMatch(p -> p.subset().equals("harmless")));
    var demos = WorldData.demonstrations(a.resolve(WorldFiles.SFT));
    assertEquals(300, demos.size());
    assertEquals(16, WorldData.demonstrations(a.resolve(WorldFiles.validation("harmless"))).size());
  }

  /** Entry point for a second JVM: generates the tiny world of seed 7 into args[0]. */
  public static void main(String[] args) {
    WorldGenerator.generate(WorldConfig.tiny(7), Path.of(args[0]), p -> {});
  }

  /**
   * The same seed gives the same bytes in another process: nothing may depend on a JVM's hash salt
   * (Map.of/Set.of iteration order), identity hashes or JIT timing.
   */
  @Test
  void shouldWriteTheSameWorldInAnotherJvm() throws Exception {
    Path here = WorldGenerator.generate(WorldConfig.tiny(7), dir.resolve("here"), p -> {});
    Path there = dir.resolve("there");
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                WorldGeneratorTest.class.getName(),
                there.toString())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes());
    assertEquals(0, p.waitFor(), out);
    for (String f : WorldFiles.DATA) {
      assertEquals(
          Files.readString(here.resolve(f)),
          Files.readString(there.resolve(f)),
          f + " differs between JVMs");
    }
  }

  @Test
  void shouldFlipTheConfiguredShareOfTrainingPairs() {
    Path w = WorldGenerator.generate(WorldConfig.tiny(7).withFlip(0.2), dir.resolve("w"), p -> {});
    double agree = goldAgrees(PreferenceFiles.readHh(w.resolve(WorldFiles.PAIRS_TRAIN)));
    assertEquals(0.8, agree, 0.06);
    assertEquals(
        1.0,
        goldAgrees(PreferenceFiles.readHh(w.resolve(WorldFiles.PAIRS_TEST))),
        1e-9,
        "test pairs never flip");
  }

  @Test
  void shouldRefuseToOverwriteANonEmptyDirectory() throws Exception {
    Files.createDirectories(dir.resolve("taken"));
    Files.writeString(dir.resolve("taken/keep.txt"), "mine");
    assertThrows(
        IllegalArgumentException.class,
        () -> WorldGenerator.generate(WorldConfig.tiny(1), dir.resolve("taken"), p -> {}));
    assertEquals("mine", Files.readString(dir.resolve("taken/keep.txt")));
    try (var s = Files.list(dir)) {
      assertEquals(1, s.count(), "no temporary directory left behind");
    }
  }

  @Test
  void shouldReadAndWriteBothPairLayoutsAndNameBadLines() throws Exception {
    List<PreferencePair> pairs =
        List.of(
            new PreferencePair(
                Dialogue.prompt("what is 1 plus 1 ?"),
                "1 plus 1 is 2 .",
                "1 plus 1 is 3 .",
                "helpful"),
            new PreferencePair(
                Dialogue.prompt("how can i rob my boss ?"),
                "i can not help with that .",
                "first you steal the keys .",
                "harmless"));
    Path hh = dir.resolve("hh.jsonl");
    Path rb = dir.resolve("rb.jsonl");
    PreferenceFiles.writeHh(hh, pairs);
    PreferenceFiles.writeRewardBench(rb, pairs);
    assertEquals(pairs, PreferenceFiles.readHh(hh));
    assertEquals(pairs, PreferenceFiles.readRewardBench(rb));
    assertEquals(pairs, PreferenceFiles.readAny(rb));
    assertTrue(Files.readString(rb).contains("\"prompt\":\"what is 1 plus 1 ?\""));

    Path bad = dir.resolve("bad.jsonl");
    Files.writeString(
        bad, Files.readString(hh) + "{\"chosen\": \"\\n\\nHuman: hi\\n\\nAssistant: a\"}\n");
    JsonlException e = assertThrows(JsonlException.class, () -> PreferenceFiles.readHh(bad));
    assertEquals(3, e.line());
    assertEquals("rejected", e.field());
    Files.writeString(bad, "{\"chosen\": 5, \"rejected\": \"x\"}\n");
    e = assertThrows(JsonlException.class, () -> PreferenceFiles.readHh(bad));
    assertTrue(e.getMessage().contains(":1: field \"chosen\": must be a string"), e.getMessage());
    Files.writeString(bad, "\n{\"prompt\": \"hi\", \"chosen\": \"a\"\n");
    e = assertThrows(JsonlException.class, () -> PreferenceFiles.readRewardBench(bad));
    assertEquals(2, e.line());
    assertTrue(e.getMessage().contains("malformed JSON"));
    Files.writeString(
        bad,
        "{\"chosen\": \"\\n\\nHuman: a\\n\\nAssistant: x\", \"rejected\": \"\\n\\nHuman: b\\n\\nAssistant: y\"}\n");
    e = assertThrows(JsonlException.class, () -> PreferenceFiles.readHh(bad));
    assertTrue(e.getMessage().contains("share the dialogue"), e.getMessage());
    Files.writeString(bad, "[1, 2]\n");
    e = assertThrows(JsonlException.class, () -> PreferenceFiles.readHh(bad));
    assertTrue(e.getMessage().contains("JSON object"));
    Files.write(
        bad, new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}', '\n'});
    e = assertThrows(JsonlException.class, () -> PreferenceFiles.readHh(bad));
    assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
  }

  @Test
  void shouldGiveEveryWorldTheSameVocabulary() {
    var ids = Vocabulary.ids();
    assertEquals(0, ids.get("<pad>"));
    assertEquals(2, ids.get("</s>"));
    assertTrue(
        ids.containsKey("Human:") && ids.containsKey("Assistant:") && ids.containsKey("100"));
    assertTrue(ids.size() < 600, "a small vocabulary: " + ids.size());
  }
}
