#!/usr/bin/env python3
"""Token ids of the benchmark world's PPO prompts, for tools/ppo_peer.py.

Reads `ppo-prompts.jsonl` and `tokenizer.json` of a world written by
`./ugda world generate --out DIR` and encodes each prompt the way the Java side does
(benchmark's WorldCodec.prompt): `<s>` (id 1) followed by the word-level tokens of the HH
prompt, an over-long prompt keeping `<s>` and its last max_length - 1 tokens.

    python tools/world_prompts.py --world /work/world-data --out /work/world-prompts.json \
        [--max-length 96] [--limit N]

Writes {"prompts": [[ids...], ...], "subtasks": [...], "source": ..., "max_length": ...}.
Needs the `tokenizers` package only.
"""
import argparse
import json
from pathlib import Path

from tokenizers import Tokenizer

BOS = 1
UNK = 3


def encode_prompt(tok, text, max_length):
    ids = [BOS] + tok.encode(text, add_special_tokens=False).ids
    if len(ids) > max_length:
        ids = [BOS] + ids[len(ids) - max_length + 1:]
    return ids


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--world", required=True, help="directory written by ./ugda world generate")
    ap.add_argument("--out", required=True, help="JSON file to write")
    ap.add_argument("--max-length", type=int, default=96, help="the SFT preset's maxLength (96 for small and tiny)")
    ap.add_argument("--limit", type=int, default=0, help="keep only the first N prompts (0: all)")
    args = ap.parse_args()

    world = Path(args.world)
    tok = Tokenizer.from_file(str(world / "tokenizer.json"))
    prompts, subtasks, unknown = [], [], 0
    with open(world / "ppo-prompts.jsonl") as f:
        for line in f:
            if not line.strip():
                continue
            row = json.loads(line)
            ids = encode_prompt(tok, row["prompt"], args.max_length)
            unknown += sum(1 for i in ids if i == UNK)
            prompts.append(ids)
            subtasks.append(row.get("subtask"))
            if args.limit and len(prompts) >= args.limit:
                break
    out = {"prompts": prompts, "subtasks": subtasks, "source": str(world / "ppo-prompts.jsonl"),
           "max_length": args.max_length}
    Path(args.out).write_text(json.dumps(out))
    lens = [len(p) for p in prompts]
    print(f"wrote {len(prompts)} prompts to {args.out}: length {min(lens)}-{max(lens)} "
          f"(mean {sum(lens) / len(lens):.1f}), {unknown} unknown tokens")


if __name__ == "__main__":
    main()
