package org.ugda.core.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.ugda.core.Fixtures;

class ModelConfigTest {

  static final Path F = Path.of("config.json");

  @Test
  void shouldReadLlamaAndGemmaFixtures() {
    ModelConfig llama = ModelConfig.load(Fixtures.arch("llama").resolve("causal-lm"));
    assertEquals(ModelConfig.Family.LLAMA, llama.family());
    assertEquals(2, llama.kvGroups());
    assertFalse(llama.tieWordEmbeddings());
    assertEquals(10000.0, llama.ropeTheta());
    ModelConfig gemma = ModelConfig.load(Fixtures.arch("gemma").resolve("reward-model"));
    assertEquals(ModelConfig.Head.SEQUENCE_CLASSIFICATION, gemma.head());
    assertEquals(1, gemma.numKvHeads());
    assertEquals(ModelConfig.Activation.GELU_TANH, gemma.activation());
    assertTrue(gemma.tieWordEmbeddings());
    assertEquals(1, gemma.numLabels());
  }

  @Test
  void shouldReadRopeThetaAtTopLevelAsOlderCheckpointsWriteIt() {
    String json =
        """
        {"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":32,"hidden_size":16,
         "intermediate_size":32,"num_hidden_layers":1,"num_attention_heads":2,"rope_theta":500000.0,
         "rope_scaling":{"rope_type":"llama3","factor":8.0,"low_freq_factor":1.0,"high_freq_factor":4.0,
         "original_max_position_embeddings":8192}}""";
    ModelConfig c = ModelConfig.parse(json, F);
    assertEquals(500000.0, c.ropeTheta());
    assertEquals("llama3", c.ropeScaling().type());
    assertEquals(2, c.numKvHeads(), "defaults to the number of heads");
    assertEquals(8, c.headDim());
  }

  @Test
  void shouldGiveQwen2QkvBiasAndNoOutputBias() {
    String json =
        """
        {"architectures":["Qwen2ForCausalLM"],"model_type":"qwen2","vocab_size":32,"hidden_size":16,
         "intermediate_size":32,"num_hidden_layers":1,"num_attention_heads":4,"num_key_value_heads":2,
         "rope_theta":1000000.0,"tie_word_embeddings":true,"use_sliding_window":false}""";
    ModelConfig c = ModelConfig.parse(json, F);
    assertTrue(c.qkvBias());
    assertFalse(c.outputBias());
    assertTrue(c.tieWordEmbeddings());
  }

  @Test
  void shouldRoundTripThroughItsOwnJson() {
    ModelConfig c = ModelConfig.load(Fixtures.arch("gemma").resolve("causal-lm"));
    assertEquals(c, ModelConfig.parse(c.toJson(), F));
    ModelConfig r = c.withHead(ModelConfig.Head.SEQUENCE_CLASSIFICATION, 1);
    assertEquals(r, ModelConfig.parse(r.toJson(), F));
  }

  @Test
  void shouldNameTheFileForMalformedJson() {
    CheckpointException e =
        assertThrows(
            CheckpointException.class,
            () -> ModelConfig.parse("{\"hidden_size\": 16,", Path.of("/models/x/config.json")));
    assertTrue(e.getMessage().startsWith("/models/x/config.json: malformed JSON"), e.getMessage());
  }

  @Test
  void shouldNameAMissingRequiredField() {
    CheckpointException e =
        rejected(
            "{\"model_type\":\"llama\",\"vocab_size\":32,\"intermediate_size\":32,\"num_hidden_layers\":1,"
                + "\"num_attention_heads\":2}");
    assertTrue(e.getMessage().contains("\"hidden_size\" is missing"), e.getMessage());
  }

  @Test
  void shouldListSupportedArchitecturesForAnUnsupportedOne() {
    CheckpointException e =
        rejected("{\"architectures\":[\"GPT2LMHeadModel\"],\"model_type\":\"gpt2\"}");
    assertTrue(
        e.getMessage().contains("unsupported architecture 'GPT2LMHeadModel'"), e.getMessage());
    for (String a : ModelConfig.SUPPORTED_ARCHITECTURES) {
      assertTrue(e.getMessage().contains(a), "lists " + a);
    }
  }

  @Test
  void shouldRejectHeadsThatDoNotDivide() {
    CheckpointException e =
        rejected(
            "{\"model_type\":\"llama\",\"vocab_size\":32,\"hidden_size\":16,\"intermediate_size\":32,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":4,\"num_key_value_heads\":3}");
    assertTrue(
        e.getMessage().contains("num_key_value_heads (3) must divide num_attention_heads (4)"),
        e.getMessage());
    assertTrue(e.getMessage().startsWith("config.json"), e.getMessage());
  }

  @Test
  void shouldRejectUnsupportedRopeScaling() {
    CheckpointException e =
        rejected(
            "{\"model_type\":\"llama\",\"vocab_size\":32,\"hidden_size\":16,\"intermediate_size\":32,"
                + "\"num_hidden_layers\":1,\"num_attention_heads\":4,\"rope_scaling\":{\"type\":\"yarn\",\"factor\":4}}");
    assertTrue(
        e.getMessage().contains("'yarn'") && e.getMessage().contains("linear, llama3"),
        e.getMessage());
  }

  /** Parsing {@code json} as {@link #F} fails; the failure. */
  private static CheckpointException rejected(String json) {
    return assertThrows(CheckpointException.class, () -> ModelConfig.parse(json, F));
  }
}
