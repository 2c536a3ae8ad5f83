#!/usr/bin/env python3
"""Checks an exported reward-ensemble version against Python transformers + peft.

Loads every member of the zip that reward-service's export endpoint returns
(GET /v1/ensembles/{id}/versions/{n}/export) onto the base checkpoint with
`PeftModel.from_pretrained`, scores token sequences with it, asks the running
service to score the same token ids, and compares each member's rewards.

    python tools/peft-export-check.py --base DIR --zip FILE \
        --service http://localhost:8081 --ensemble ID --version N [--items 16]

Needs torch, transformers and peft. Exit status 0 when every reward agrees
within --atol + --rtol * |reward|, 1 otherwise.
"""
import argparse
import json
import random
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path


def service_rewards(url, ensemble, version, seqs):
    body = json.dumps({"version": version, "items": [{"tokenIds": s} for s in seqs]}).encode()
    req = urllib.request.Request(f"{url}/v1/ensembles/{ensemble}/score", data=body,
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req) as r:
        out = json.load(r)
    return [item["members"] for item in out["items"]]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--base", required=True, help="the ensemble's base checkpoint directory (HF layout)")
    ap.add_argument("--zip", required=True, help="the exported version")
    ap.add_argument("--service", required=True, help="reward-service base URL")
    ap.add_argument("--ensemble", required=True)
    ap.add_argument("--version", type=int, required=True)
    ap.add_argument("--items", type=int, default=16)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--atol", type=float, default=1e-4)
    ap.add_argument("--rtol", type=float, default=1e-4)
    a = ap.parse_args()

    import torch
    from peft import PeftModel
    from transformers import AutoConfig, AutoModelForSequenceClassification

    config = AutoConfig.from_pretrained(a.base)
    rng = random.Random(a.seed)
    # token ids drawn past the special tokens, of varied lengths, each starting with <bos>
    bos = config.bos_token_id if config.bos_token_id is not None else 1
    seqs = [[bos] + [rng.randrange(4, config.vocab_size) for _ in range(rng.randrange(3, 40))] for _ in range(a.items)]
    expected = service_rewards(a.service, a.ensemble, a.version, seqs)

    worst = 0.0
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        with zipfile.ZipFile(a.zip) as z:
            z.extractall(tmp)
        members = sorted(p for p in Path(tmp).iterdir() if (p / "adapter_config.json").exists())
        if not members:
            sys.exit(f"{a.zip} holds no member-*/adapter_config.json")
        for m, member in enumerate(members):
            from safetensors.torch import load_file
            weights = load_file(member / "adapter_model.safetensors")
            head = [v for k, v in weights.items() if k.endswith("score.weight")]
            labels = head[0].shape[0] if head else 1
            model = AutoModelForSequenceClassification.from_pretrained(a.base, num_labels=labels,
                                                                        torch_dtype=torch.float32)
            model = PeftModel.from_pretrained(model, str(member)).eval()
            for i, seq in enumerate(seqs):
                with torch.no_grad():
                    got = model(input_ids=torch.tensor([seq])).logits[0].tolist()
                # a lora member gives one reward; a heads-mode version's single "member" gives k
                want = [expected[i][m]] if labels == 1 else expected[i]
                for g, w in zip(got, want):
                    err = abs(g - w)
                    worst = max(worst, err)
                    if err > a.atol + a.rtol * abs(w):
                        failed += 1
                        print(f"{member.name} item {i}: peft {g:.6f}, service {w:.6f}")
            print(f"{member.name}: {len(seqs)} items scored by peft ({labels} output(s) each)")
    print(f"largest difference {worst:.3g}; {failed} outside atol {a.atol} + rtol {a.rtol}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
