"""TRL's own GRPOTrainer with UgdaReward as its reward function, against a running reward-service.

Runs a few GRPO steps of a tiny causal LM on the CPU (use_cpu=True, bf16=False), records every
(prompt, completion, reward) UgdaReward returned to TRL, then checks (1) each reward is the
ensemble's mean for the same texts from /v1/ensembles/{id}/score and (2) the per-step reward means
TRL itself logged (rewards/<name>/mean) are the means of those rewards. Exit 0 only if both hold.

usage: python grpo_against_service.py --model DIR --prompts FILE --url URL --ensemble ID
"""

import argparse
import json
import math
import os
import sys
import tempfile
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from ugda_client import UgdaReward  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--prompts", required=True)
    ap.add_argument("--url", required=True)
    ap.add_argument("--ensemble", required=True)
    ap.add_argument("--steps", type=int, default=2)
    a = ap.parse_args()

    from datasets import Dataset
    from transformers import AutoModelForCausalLM, PreTrainedTokenizerFast
    from trl import GRPOConfig, GRPOTrainer

    tok = PreTrainedTokenizerFast(tokenizer_file=os.path.join(a.model, "tokenizer.json"))
    cfg = json.load(open(os.path.join(a.model, "config.json")))
    vocab = {v: k for k, v in tok.get_vocab().items()}
    for name, key in (("bos_token", "bos_token_id"), ("eos_token", "eos_token_id"), ("pad_token", "pad_token_id")):
        tid = cfg.get(key)
        if isinstance(tid, list):
            tid = tid[0]
        if tid is not None and tid in vocab:
            setattr(tok, name, vocab[tid])
    if tok.pad_token is None:
        tok.pad_token = tok.eos_token
    model = AutoModelForCausalLM.from_pretrained(a.model)

    prompts = [json.loads(l)["prompt"] for l in open(a.prompts) if l.strip()][:8]
    data = Dataset.from_dict({"prompt": prompts})

    client = UgdaReward(a.url, a.ensemble)
    seen = []

    def ugda_mean(prompts, completions, **kwargs):
        r = client(completions=completions, prompts=prompts)
        seen.append(list(zip(prompts, completions, r)))
        return r

    out = tempfile.mkdtemp(prefix="ugda-grpo-")
    args = GRPOConfig(
        output_dir=out,
        use_cpu=True,
        bf16=False,
        per_device_train_batch_size=4,
        num_generations=4,
        max_completion_length=8,
        max_steps=a.steps,
        logging_steps=1,
        report_to=[],
        save_strategy="no",
        seed=0,
    )
    trainer = GRPOTrainer(
        model=model, reward_funcs=[ugda_mean], args=args, train_dataset=data, processing_class=tok
    )
    trainer.train()

    bad = 0
    for batch in seen:
        body = json.dumps({"items": [{"prompt": p, "response": c} for p, c, _ in batch]}).encode()
        req = urllib.request.Request(a.url + "/v1/ensembles/" + a.ensemble + "/score", data=body, method="POST")
        req.add_header("Content-Type", "application/json")
        ref = json.loads(urllib.request.urlopen(req).read())["items"]
        for (p, c, r), s in zip(batch, ref):
            if abs(r - s["mean"]) > 1e-4 + 1e-4 * abs(s["mean"]):
                bad += 1
                print("MISMATCH", repr(c), r, s["mean"])
    logged = [h["rewards/ugda_mean/mean"] for h in trainer.state.log_history if "rewards/ugda_mean/mean" in h]
    ours = [sum(r for _, _, r in b) / len(b) for b in seen]
    print("GRPO steps %d, reward calls %d, samples %d, mismatches vs /score %d" % (a.steps, len(seen), sum(map(len, seen)), bad))
    print("TRL logged reward means", [round(x, 6) for x in logged])
    print("UgdaReward batch means ", [round(x, 6) for x in ours])
    ok_logged = len(logged) > 0 and all(
        any(math.isclose(l, o, rel_tol=1e-4, abs_tol=1e-4) for o in ours) for l in logged
    )
    if bad or not ok_logged:
        print("FAIL")
        sys.exit(1)
    print("PASS: TRL trained on the ensemble's rewards")


if __name__ == "__main__":
    main()
