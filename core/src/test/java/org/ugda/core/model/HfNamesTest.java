package org.ugda.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HfNamesTest {

  @Test
  void shouldNameBaseWeightsAsTransformersDoes() {
    assertEquals("model.embed_tokens.weight", HfNames.EMBED_TOKENS);
    assertEquals("model.norm.weight", HfNames.FINAL_NORM);
    assertEquals("lm_head.weight", HfNames.LM_HEAD);
    assertEquals("score.weight", HfNames.SCORE);
    assertEquals("model.layers.3.input_layernorm.weight", HfNames.inputNorm(3));
    assertEquals("model.layers.3.post_attention_layernorm.weight", HfNames.postAttentionNorm(3));
    assertEquals("model.layers.0.mlp.down_proj", Proj.DOWN.moduleKey(0));
    assertEquals(
        "model.layers.2.self_attn.q_proj.weight",
        HfNames.weight(HfNames.layer(2, "self_attn.q_proj")));
    assertEquals("model.layers.2.self_attn.k_proj.bias", HfNames.bias(Proj.K.moduleKey(2)));
    assertTrue(HfNames.isNorm(HfNames.inputNorm(0)));
    assertTrue(HfNames.isNorm(HfNames.FINAL_NORM));
    assertFalse(HfNames.isNorm(HfNames.EMBED_TOKENS));
    assertTrue(HfNames.isBias(HfNames.bias(Proj.Q.moduleKey(0))));
  }

  @Test
  void shouldNameAdapterParametersAsPeftDoesInMemory() {
    assertEquals(
        "base_model.model.model.layers.0.self_attn.q_proj.lora_A.default.weight",
        HfNames.loraA(Proj.Q.moduleKey(0)));
    assertEquals(
        "base_model.model.model.layers.1.self_attn.v_proj.lora_B.default.weight",
        HfNames.loraB(Proj.V.moduleKey(1)));
    assertEquals(
        "base_model.model.score.modules_to_save.default.weight",
        HfNames.peftHead(HfNames.SCORE_MODULE));
  }

  @Test
  void shouldMapAdapterFileKeysBothWays() {
    String a = HfNames.loraA(Proj.Q.moduleKey(0));
    String file = "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight";
    assertEquals(file, HfNames.toAdapterFile(a, null));
    assertEquals(file, HfNames.toAdapterFile(a, "score"));
    assertEquals(a, HfNames.fromAdapterFile(file, null));
    String head = HfNames.peftHead("score");
    assertEquals("base_model.model.score.weight", HfNames.toAdapterFile(head, "score"));
    assertEquals(head, HfNames.fromAdapterFile("base_model.model.score.weight", "score"));
    assertNull(HfNames.fromAdapterFile("base_model.model.score.weight", null));
    assertNull(HfNames.fromAdapterFile("base_model.model.model.norm.weight", "score"));
  }
}
