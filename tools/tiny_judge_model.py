"""Writes the tiny chat model of `tiny_chat_model.py` to DIR, fine-tuned on CPU so that its greedy
answer to any judge prompt is exactly `{"score": 4, "reason": "ok"}`: the "judge" model of
`TransformersServeJudgeTest` (the untrained model is its "noise" judge, whose answers are no JSON).

It trains on the chat template's formatting of varied system + user messages (random words, words
outside the vocabulary, lengths from a few to ~900 tokens) -> that assistant answer, loss on the
answer and its `</s>` only; then checks with `generate` (greedy) on prompts it never saw, among
them a rubric-like prompt, and saves only if every answer is exact (exit 1 otherwise). Offline,
plain torch, seconds on 2 cores. Prints one JSON line: dir, steps, seconds, checked.

usage: python tiny_judge_model.py DIR
"""

import json
import os
import random
import sys
import time

import torch
from transformers import AutoTokenizer, LlamaForCausalLM

from tiny_chat_model import main as make_base

ANSWER = '{"score": 4, "reason": "ok"}'


def messages(rng, words):
    def text(n):
        return " ".join(rng.choice(words) if rng.random() < 0.5 else "x%d" % rng.randrange(10**6) for _ in range(n))

    system = text(rng.choice([0, 5, 50, 300, 500]))
    user = "<conversation> Human: " + text(rng.randrange(1, 200)) + " </conversation> <response> " + text(
        rng.randrange(1, 150)) + " </response> Score the response. Answer with the JSON object only."
    return ([{"role": "system", "content": system}] if system else []) + [{"role": "user", "content": user}]


def main(out):
    started = time.monotonic()
    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    make_base(out)
    tok = AutoTokenizer.from_pretrained(out)
    model = LlamaForCausalLM.from_pretrained(out)
    answer_ids = tok(" " + ANSWER, add_special_tokens=False)["input_ids"] + [tok.eos_token_id]
    assert tok.unk_token_id not in answer_ids, answer_ids
    rng = random.Random(0)
    words = [w for w in tok.get_vocab() if w not in ("<pad>", "</s>")]

    def example():
        prompt = tok.apply_chat_template(messages(rng, words), tokenize=False, add_generation_prompt=True)
        ids = tok(prompt, add_special_tokens=False)["input_ids"]
        return ids + answer_ids, [-100] * len(ids) + answer_ids

    opt = torch.optim.AdamW(model.parameters(), lr=1e-2)
    model.train()
    steps = 0
    for steps in range(1, 301):
        batch = [example() for _ in range(4)]
        width = max(len(x) for x, _ in batch)
        ids = torch.tensor([x + [tok.pad_token_id] * (width - len(x)) for x, _ in batch])
        labels = torch.tensor([y + [-100] * (width - len(y)) for _, y in batch])
        mask = (labels != -100) | (torch.arange(width)[None, :] < torch.tensor([len(x) for x, _ in batch])[:, None])
        loss = model(input_ids=ids, attention_mask=mask.long(), labels=labels).loss
        opt.zero_grad()
        loss.backward()
        opt.step()
        if steps >= 60 and steps % 20 == 0 and loss.item() < 1e-3:
            break
    model.eval()
    rubric = [
        {"role": "system", "content": "You are an expert evaluator of AI assistant responses. Score from 1 to 5."
            " Answer with exactly one JSON object and nothing else: {\"score\": <integer 1 to 5>, \"reason\": \"...\"}"},
        {"role": "user", "content": "<conversation>\nHuman: what is 7 plus 5 ?\n\nAssistant:\n</conversation>\n\n"
            "<response>\n12 .\n</response>\n\nScore the response. Answer with the JSON object only."},
    ]
    rng = random.Random(12345)
    checks = [rubric] + [messages(rng, words) for _ in range(12)]
    for m in checks:
        ids = tok.apply_chat_template(m, add_generation_prompt=True, return_tensors="pt", return_dict=True)
        with torch.no_grad():
            gen = model.generate(**ids, max_new_tokens=16, do_sample=False, pad_token_id=tok.pad_token_id)
        said = tok.decode(gen[0, ids["input_ids"].shape[1]:], skip_special_tokens=True).strip()
        if said != ANSWER:
            print(json.dumps({"error": "fine-tuned model answered %r" % said, "steps": steps}))
            sys.exit(1)
    model.save_pretrained(out)
    tok.save_pretrained(out)
    print(json.dumps({"dir": os.path.abspath(out), "steps": steps, "loss": round(loss.item(), 6),
                      "seconds": round(time.monotonic() - started, 1), "checked": len(checks)}))


if __name__ == "__main__":
    main(sys.argv[1])
