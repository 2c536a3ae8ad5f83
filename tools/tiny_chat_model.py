"""Writes a tiny random Llama with a word-level tokenizer and an HH chat_template to DIR: a model
`transformers serve DIR` can load offline, for the judge's test against that server.

The vocabulary also holds the four whitespace-separated pieces of `{"score": 4, "reason": "ok"}`,
so that `tiny_judge_model.py` can teach the same model that answer. Seeded: the same untrained
("noise") model every time.

usage: python tiny_chat_model.py DIR
"""

import json
import os
import sys

import torch
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast


def main(out):
    torch.manual_seed(0)
    words = ["<pad>", "<s>", "</s>", "<unk>", "Human:", "Assistant:", "score", "reason", "ok", "{", "}", ":", ",", '"']
    words += ['{"score":', "4,", '"reason":', '"ok"}']
    words += ["w%d" % i for i in range(50)]
    tok = Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tok, bos_token="<s>", eos_token="</s>", pad_token="<pad>", unk_token="<unk>",
        clean_up_tokenization_spaces=False,
    )
    fast.chat_template = (
        "{% for m in messages %}{% if m['role'] == 'assistant' %}\n\nAssistant: {{ m['content'] }}"
        "{% else %}\n\nHuman: {{ m['content'] }}{% endif %}{% endfor %}"
        "{% if add_generation_prompt %}\n\nAssistant:{% endif %}"
    )
    cfg = LlamaConfig(
        vocab_size=len(words), hidden_size=32, intermediate_size=64, num_hidden_layers=1,
        num_attention_heads=2, num_key_value_heads=2, max_position_embeddings=4096,
        bos_token_id=1, eos_token_id=2, pad_token_id=0,
    )
    LlamaForCausalLM(cfg).save_pretrained(out)
    fast.save_pretrained(out)
    print(json.dumps({"dir": os.path.abspath(out)}))


if __name__ == "__main__":
    main(sys.argv[1])
