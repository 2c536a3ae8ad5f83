#!/usr/bin/env python3
"""One PPO iteration in plain PyTorch + transformers + peft: the Python peer of `./ugda bench policy`.

What it measures. One iteration of the policy loop as a Python user would run it on CPU, phase by
phase, on an HF Llama checkpoint (token ids in, no tokenizer):

  1. generate   `generate(use_cache=True, do_sample=True, top_p, temperature, top_k=0)` from
                left-padded prompts with an attention mask, policy = base + LoRA (adapter on);
  2. score      every response with K LoRA reward members on a LlamaForSequenceClassification of
                the same base (num_labels=1, reward = score at the last non-pad token), one batch
                forward per member; the policy's score is the members' mean;
  3. rollout    forwards for old logprobs + values (policy, LoRA on) and ref logprobs (adapter
                disabled), no grad;
  4. advantages per-token rewards, GAE, whitening (cheap; timed apart);
  5. ppo        --ppo-epochs epochs over fixed minibatches: forward, loss, backward, Adam step.

The formulas are TRL v0.9.6's classic PPOTrainer as DESIGN.md section 3 step 2 and
shared/fixtures/README.md "PPO (`llama/ppo/`)" fix them, written here from those texts (TRL 1.x no
longer ships that trainer): k1 KL per token times beta, the score added at the last response token,
GAE gamma 1 lambda 0.95, advantages whitened over the batch's response tokens (unbiased variance,
mean not added back), clipped policy loss (0.2), clipped value loss (0.2) times vf_coef 0.1 with the
0.5 factor, value head Linear(hidden, 1) on the policy's final hidden state (after the final norm,
LoRA on; the value loss trains the LoRA trunk too), reference = the same model with the adapter
disabled. Adam betas (0.9, 0.95), eps 1e-8, no weight decay, no clipping unless --max-grad-norm.

Layout, shared with the Java side: each row is prompt + response, right-padded with 0, positions
0.. from the row's first token (generation uses left padding and HF derives the same positions from
the attention mask). Response token j of row b is input token i = prompt_len[b] + j; its logprob
comes from logits[b, i-1] and its value from value[b, i-1]. A response runs to its first eos
(included) or to --max-new-tokens. Minibatch m of every PPO epoch is rows [m*mb, (m+1)*mb) of the
batch (no shuffling unless --shuffle), and each minibatch forward is cut to its longest row.
Before the timed phases one untimed warm-up pass (a 4-token generate, a score, a forward + backward,
all on two rows; no optimizer step) takes the first-call costs out (--no-warmup keeps them in);
model loading is not timed either ("setup_seconds" in the report).

Run (CPU; torch, transformers, peft, safetensors, numpy):

    # the formulas against the golden fixture (must print PASS for every tensor)
    python tools/ppo_peer.py --check-fixture ../shared/fixtures/llama

    # one iteration on the benchmark world's SFT model (see tools/world_prompts.py)
    python tools/ppo_peer.py --model /work/world-sft --prompts /work/world-prompts.json \
        --batch 64 --max-new-tokens 32 --reward-adapters 3 --threads 2 --out peer.json \
        [--rollout-out rollout.json] [--save-init init/]

    # PPO epochs only, on a fixed rollout (the same one the Java side reads)
    python tools/ppo_peer.py --model /work/world-sft --rollout-in rollout.json \
        --init-dir init/ --threads 2 --out peer-ppo.json

--out gets the timings in seconds per phase and in total, the tokens generated, the rollout stats
(mean score, mean KL) and per PPO epoch and minibatch pg_loss, vf_loss, loss, pg_clipfrac,
vf_clipfrac, approxkl, policykl. --save-init writes the policy adapter (PEFT layout) and value head
the run started from; --init-dir loads them, so both implementations can start from one point.
"""
import argparse
import json
import math
import os
import platform
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file

PAD, BOS, EOS = 0, 1, 2


# ---------------------------------------------------------------------------------------------
# Small pure helpers (every [B, R] tensor is over response tokens; mask is float 0/1)

def masked_mean(x, mask):
    return (x * mask).sum() / mask.sum()


def masked_var_unbiased(x, mask):
    mean = masked_mean(x, mask)
    n = mask.sum()
    return masked_mean((x - mean) ** 2, mask) * n / (n - 1)


def whiten_no_mean(x, mask):
    """(x - mean_m(x)) * rsqrt(var + 1e-8): unbiased variance, the mean is not added back."""
    mean = masked_mean(x, mask)
    var = masked_var_unbiased(x, mask)
    return (x - mean) * torch.rsqrt(var + 1e-8)


def per_token_rewards(old_logprobs, ref_logprobs, scores, response_len, mask, beta):
    """-beta * k1 KL on every response token, plus the sequence score at the last one."""
    kl = (old_logprobs - ref_logprobs) * mask
    rewards = -beta * kl
    rows = torch.arange(rewards.shape[0])
    rewards[rows, response_len - 1] += scores
    return rewards * mask, kl


def gae(rewards, values, mask, gamma, lam):
    """GAE backwards over response tokens; V and A past the last response token are 0."""
    values = values * mask
    rewards = rewards * mask
    b, r = rewards.shape
    adv = torch.zeros_like(rewards)
    last = torch.zeros(b, dtype=rewards.dtype)
    for j in reversed(range(r)):
        next_v = values[:, j + 1] if j + 1 < r else torch.zeros(b, dtype=rewards.dtype)
        delta = rewards[:, j] + gamma * next_v - values[:, j]
        last = delta + gamma * lam * last
        adv[:, j] = last
    adv = adv * mask
    returns = (adv + values) * mask
    return adv, returns


def ppo_losses(lp, vp, old_logprobs, values, advantages, returns, mask, cliprange, cliprange_value, vf_coef):
    ratio = torch.exp(lp - old_logprobs)
    pg1 = -advantages * ratio
    pg2 = -advantages * torch.clamp(ratio, 1.0 - cliprange, 1.0 + cliprange)
    pg_loss = masked_mean(torch.maximum(pg1, pg2), mask)
    pg_clipfrac = masked_mean((pg2 > pg1).float(), mask)
    vc = torch.clamp(vp, values - cliprange_value, values + cliprange_value)
    vf1 = (vp - returns) ** 2
    vf2 = (vc - returns) ** 2
    vf_loss = 0.5 * masked_mean(torch.maximum(vf1, vf2), mask)
    vf_clipfrac = masked_mean((vf2 > vf1).float(), mask)
    loss = pg_loss + vf_coef * vf_loss
    approxkl = 0.5 * masked_mean((lp - old_logprobs) ** 2, mask)
    policykl = masked_mean(old_logprobs - lp, mask)
    return {"loss": loss, "pg_loss": pg_loss, "vf_loss": vf_loss, "pg_clipfrac": pg_clipfrac,
            "vf_clipfrac": vf_clipfrac, "approxkl": approxkl, "policykl": policykl, "ratio": ratio}


# ---------------------------------------------------------------------------------------------
# Models

def load_causal_lm(model_dir, attn):
    from transformers import LlamaForCausalLM
    m = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation=attn)
    m.eval()
    return m


def policy_with_lora(base, args, init_dir=None):
    from peft import LoraConfig, PeftModel, get_peft_model
    if init_dir is not None:
        policy = PeftModel.from_pretrained(base, str(init_dir), is_trainable=True)
    else:
        cfg = LoraConfig(r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=0.0,
                         target_modules=args.lora_targets.split(","), task_type="CAUSAL_LM")
        policy = get_peft_model(base, cfg)
    policy.eval()  # no dropout anywhere (LoRA dropout 0, Llama attention dropout 0)
    return policy


def value_head(hidden, path=None):
    head = torch.nn.Linear(hidden, 1)
    if path is not None:
        sd = load_file(str(path))
        with torch.no_grad():
            head.weight.copy_(sd["v_head.summary.weight"])
            head.bias.copy_(sd["v_head.summary.bias"])
    return head


def trunk_forward(policy, ids, attn):
    """Final hidden state (after the final norm) and logits of the policy as it stands."""
    lm = policy.base_model.model  # the LlamaForCausalLM with LoRA layers injected
    h = lm.model(input_ids=ids, attention_mask=attn, use_cache=False).last_hidden_state
    return h, lm.lm_head(h)


def response_index(prompt_len, r, seq_len):
    """[B, R] index into positions 0..L-2: token j of row b is predicted at prompt_len[b] + j - 1."""
    j = torch.arange(r).unsqueeze(0)
    return torch.clamp(prompt_len.unsqueeze(1) + j - 1, max=seq_len - 2)


def response_logprobs(logits, ids, idx):
    logp = torch.log_softmax(logits[:, :-1].float(), dim=-1).gather(-1, ids[:, 1:].unsqueeze(-1)).squeeze(-1)
    return logp.gather(1, idx)


def policy_forward(policy, v_head, ids, attn, prompt_len, mask):
    h, logits = trunk_forward(policy, ids, attn)
    idx = response_index(prompt_len, mask.shape[1], ids.shape[1])
    lp = response_logprobs(logits, ids, idx) * mask
    v = v_head(h).squeeze(-1)[:, :-1].gather(1, idx) * mask
    return lp, v


def reference_logprobs(policy, ids, attn, prompt_len, mask):
    with policy.disable_adapter():
        _, logits = trunk_forward(policy, ids, attn)
    idx = response_index(prompt_len, mask.shape[1], ids.shape[1])
    return response_logprobs(logits, ids, idx) * mask


def reward_ensemble(args):
    """K LoRA reward members on one LlamaForSequenceClassification (score head per member)."""
    from peft import LoraConfig, PeftModel, get_peft_model
    from transformers import LlamaForSequenceClassification
    base_dir = args.reward_base or args.model
    base = LlamaForSequenceClassification.from_pretrained(base_dir, num_labels=1, dtype=torch.float32,
                                                          attn_implementation=args.attn)
    base.config.pad_token_id = PAD
    base.eval()
    if args.reward_dir:
        dirs = sorted(p.parent for p in Path(args.reward_dir).glob("*/adapter_config.json"))
        if not dirs:
            sys.exit(f"--reward-dir {args.reward_dir}: no member directory with adapter_config.json")
        names = [f"m{k}" for k in range(len(dirs))]
        model = PeftModel.from_pretrained(base, str(dirs[0]), adapter_name=names[0])
        for name, d in zip(names[1:], dirs[1:]):
            model.load_adapter(str(d), adapter_name=name)
    else:
        names = [f"m{k}" for k in range(args.reward_adapters)]
        model = None
        for k, name in enumerate(names):
            cfg = LoraConfig(r=args.lora_r, lora_alpha=args.lora_alpha, lora_dropout=0.0,
                             target_modules=args.lora_targets.split(","), task_type="SEQ_CLS")
            torch.manual_seed(k)
            if model is None:
                model = get_peft_model(base, cfg, adapter_name=name)
            else:
                model.add_adapter(name, cfg)
            with torch.no_grad():  # random member: B and the head non-zero, from seed k
                for pname, p in model.named_parameters():
                    if f"lora_B.{name}." in pname or f"modules_to_save.{name}." in pname:
                        p.normal_(0.0, 0.02)
    model.eval()
    return model, names


def score(model, names, ids, attn):
    per_member = []
    for name in names:
        model.set_adapter(name)
        per_member.append(model(input_ids=ids, attention_mask=attn).logits[:, 0].float())
    per_member = torch.stack(per_member, dim=1)  # [B, K]
    return per_member.mean(dim=1), per_member


# ---------------------------------------------------------------------------------------------
# Rollout

def pad_right(rows):
    L = max(len(r) for r in rows)
    ids = torch.full((len(rows), L), PAD, dtype=torch.long)
    attn = torch.zeros((len(rows), L), dtype=torch.long)
    for b, r in enumerate(rows):
        ids[b, :len(r)] = torch.tensor(r, dtype=torch.long)
        attn[b, :len(r)] = 1
    return ids, attn


def generate(policy, prompts, args):
    P = max(len(p) for p in prompts)
    ids = torch.full((len(prompts), P), PAD, dtype=torch.long)
    attn = torch.zeros((len(prompts), P), dtype=torch.long)
    for b, p in enumerate(prompts):
        ids[b, P - len(p):] = torch.tensor(p, dtype=torch.long)
        attn[b, P - len(p):] = 1
    out = policy.generate(input_ids=ids, attention_mask=attn, use_cache=True, do_sample=True,
                          top_p=args.top_p, top_k=0, temperature=args.temperature,
                          max_new_tokens=args.max_new_tokens, pad_token_id=PAD, eos_token_id=EOS,
                          bos_token_id=BOS)
    gen = out[:, P:]
    rows, prompt_len, response_len = [], [], []
    for b, p in enumerate(prompts):
        g = gen[b].tolist()
        n = g.index(EOS) + 1 if EOS in g else len(g)
        rows.append(list(p) + g[:n])
        prompt_len.append(len(p))
        response_len.append(n)
    return rows, prompt_len, response_len, int(gen.shape[1])


class Rollout:
    """Right-padded rows with their rollout tensors, every per-token tensor [B, R]."""

    def __init__(self, rows, prompt_len, response_len, scores):
        self.rows = rows
        self.ids, self.attn = pad_right(rows)
        self.prompt_len = torch.tensor(prompt_len, dtype=torch.long)
        self.response_len = torch.tensor(response_len, dtype=torch.long)
        self.scores = torch.as_tensor(scores, dtype=torch.float32)
        r = int(self.response_len.max())
        self.mask = (torch.arange(r).unsqueeze(0) < self.response_len.unsqueeze(1)).float()

    def take(self, sel):
        """Rows sel, cut to their own longest row and longest response."""
        pl, rl = self.prompt_len[sel], self.response_len[sel]
        L = int((pl + rl).max())
        R = int(rl.max())
        return self.ids[sel, :L], self.attn[sel, :L], pl, self.mask[sel, :R], R


def rollout_tensors(policy, v_head, ro):
    with torch.no_grad():
        old_lp, values = policy_forward(policy, v_head, ro.ids, ro.attn, ro.prompt_len, ro.mask)
        ref_lp = reference_logprobs(policy, ro.ids, ro.attn, ro.prompt_len, ro.mask)
    return old_lp, ref_lp, values


def advantages_of(old_lp, ref_lp, values, ro, args):
    rewards, kl = per_token_rewards(old_lp, ref_lp, ro.scores, ro.response_len, ro.mask, args.beta)
    adv_raw, returns = gae(rewards, values, ro.mask, args.gamma, args.lam)
    adv = whiten_no_mean(adv_raw, ro.mask) * ro.mask
    kl_k3 = ((torch.exp(ref_lp - old_lp) - 1) - (ref_lp - old_lp)) * ro.mask
    return {"rewards": rewards, "kl_k1": kl, "kl_k3": kl_k3, "advantages_raw": adv_raw,
            "returns": returns, "advantages": adv, "kl_objective": kl.sum(dim=1).mean()}


def ppo_step(policy, v_head, optimizer, params, ro, sel, old_lp, values, adv, returns, args):
    """One minibatch: forward, loss, backward, optional clipping, Adam step. Returns the stats."""
    ids, attn, pl, mask, R = ro.take(sel)
    lp, vp = policy_forward(policy, v_head, ids, attn, pl, mask)
    st = ppo_losses(lp, vp, old_lp[sel, :R], values[sel, :R], adv[sel, :R], returns[sel, :R], mask,
                    args.cliprange, args.cliprange_value, args.vf_coef)
    optimizer.zero_grad(set_to_none=True)
    st["loss"].backward()
    grads = [p.grad for p in params if p.grad is not None]
    st["grad_norm"] = torch.linalg.vector_norm(torch.stack([torch.linalg.vector_norm(g) for g in grads]))
    if args.max_grad_norm:
        torch.nn.utils.clip_grad_norm_(params, args.max_grad_norm)
    optimizer.step()
    st["new_logprobs"], st["vpred"] = lp.detach(), vp.detach()
    return st


def make_optimizer(params, args):
    return torch.optim.Adam(params, lr=args.lr, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.0)


def trainable(policy, v_head):
    named = [(n, p) for n, p in policy.named_parameters() if p.requires_grad]
    named += [("v_head.summary.weight", v_head.weight), ("v_head.summary.bias", v_head.bias)]
    return named


STAT_KEYS = ("pg_loss", "vf_loss", "loss", "pg_clipfrac", "vf_clipfrac", "approxkl", "policykl", "grad_norm")


# ---------------------------------------------------------------------------------------------
# Fixture check

def close(a, b):
    a, b = a.double(), b.double()
    return bool(torch.all((a - b).abs() <= 1e-4 + 1e-3 * b.abs())), float((a - b).abs().max())


def check_fixture(root, args):
    root = Path(root)
    fx = {k[len("ppo."):]: v for k, v in load_file(str(root / "ppo" / "ppo.safetensors")).items()}
    meta = json.loads((root / "ppo" / "ppo.json").read_text())
    hp, adam = meta["hyperparameters"], meta["adam"]
    args.beta, args.gamma, args.lam = hp["beta"], hp["gamma"], hp["lam"]
    args.cliprange, args.cliprange_value, args.vf_coef = hp["cliprange"], hp["cliprange_value"], hp["vf_coef"]
    args.lr, args.max_grad_norm = adam["lr"], None
    base = load_causal_lm(str(root / "causal-lm"), "eager")
    policy = policy_with_lora(base, args, init_dir=root / "lora-adapter")
    v_head = value_head(base.config.hidden_size, root / "ppo" / "value-head.safetensors")

    pl, rl = fx["prompt_len"], fx["response_len"]
    rows = [fx["input_ids"][b, :int(pl[b] + rl[b])].tolist() for b in range(fx["input_ids"].shape[0])]
    ro = Rollout(rows, pl.tolist(), rl.tolist(), fx["scores"])
    results = []

    def check(name, got):
        ok, err = close(got.detach().reshape(fx[name].shape), fx[name])
        results.append(ok)
        print(f"{'PASS' if ok else 'FAIL'}  {name:<90} max|a-b| {err:.3e}")

    ids, attn = ro.ids, ro.attn
    check("input_ids", torch.cat([ids, torch.zeros(ids.shape[0], fx["input_ids"].shape[1] - ids.shape[1],
                                                   dtype=torch.long)], 1).float())
    check("response_mask", ro.mask)
    old_lp, ref_lp, values = rollout_tensors(policy, v_head, ro)
    check("old_logprobs", old_lp)
    check("ref_logprobs", ref_lp)
    check("values", values)
    a = advantages_of(old_lp, ref_lp, values, ro, args)
    for k in ("kl_k1", "kl_k3", "rewards", "advantages_raw", "returns", "advantages", "kl_objective"):
        check(k, a[k])

    named = trainable(policy, v_head)
    order = meta["trainable_parameter_order"]
    got_order = [n for n, _ in named]
    ok = got_order == order
    results.append(ok)
    print(f"{'PASS' if ok else 'FAIL'}  trainable parameter order ({len(order)} tensors)")
    params = [p for _, p in named]
    opt = make_optimizer(params, args)
    sel = torch.arange(ro.ids.shape[0])
    for step in (1, 2):
        grads_before_step = {}
        # capture gradients before Adam moves the weights: hook the step
        orig_step = opt.step

        def step_and_record():
            for n, p in named:
                grads_before_step[n] = p.grad.detach().clone()
            return orig_step()
        opt.step = step_and_record
        st = ppo_step(policy, v_head, opt, params, ro, sel, old_lp, values, a["advantages"], a["returns"], args)
        opt.step = orig_step
        sfx = "" if step == 1 else "2"
        for k in ("pg_loss", "vf_loss", "loss", "pg_clipfrac", "vf_clipfrac"):
            check(k + sfx, st[k])
        if step == 2:
            check("new_logprobs2", st["new_logprobs"])
            check("vpred2", st["vpred"])
            check("ratio2", st["ratio"] * ro.mask)
            check("approxkl2", st["approxkl"])
            check("policykl2", st["policykl"])
        check(f"grad_norm{step}", st["grad_norm"])
        for n, p in named:
            check(f"grad{step}.{n}", grads_before_step[n])
        for n, p in named:
            check(f"after_step{step}.{n}", p)
    passed = sum(results)
    print(f"fixture {root}: {passed} passed, {len(results) - passed} failed")
    return all(results)


# ---------------------------------------------------------------------------------------------
# One iteration

def load_prompts(path, batch, offset):
    prompts = json.loads(Path(path).read_text())["prompts"]
    if len(prompts) < offset + batch:
        sys.exit(f"--prompts {path} has {len(prompts)} prompts; --batch {batch} from --offset {offset} needs more")
    return prompts[offset:offset + batch]


def scalar(x):
    return float(x.detach()) if torch.is_tensor(x) else float(x)


def warm_up(policy, v_head, rmodel, names, prompts, ro, args):
    """Untimed: a short generate, a score and a forward + backward on two rows, so that the timed
    phases do not pay for first-call work (lazy kernel and allocator set-up, thread pool start)."""
    if prompts is not None:
        small = argparse.Namespace(**{**vars(args), "max_new_tokens": min(4, args.max_new_tokens)})
        with torch.inference_mode():
            rows, pl, rl, _ = generate(policy, prompts[:2], small)
            ids, attn = pad_right(rows)
            score(rmodel, names, ids, attn)
        ro = Rollout(rows, pl, rl, torch.zeros(len(rows)))
    sel = torch.arange(min(2, ro.ids.shape[0]))
    ids, attn, pl, mask, _ = ro.take(sel)
    lp, vp = policy_forward(policy, v_head, ids, attn, pl, mask)
    (lp.sum() + vp.sum()).backward()
    for _, p in trainable(policy, v_head):
        p.grad = None


def iterate(args):
    t_start = time.perf_counter()
    torch.manual_seed(args.seed)
    base = load_causal_lm(args.model, args.attn)
    policy = policy_with_lora(base, args, init_dir=Path(args.init_dir) if args.init_dir else None)
    vh_path = Path(args.init_dir) / "value-head.safetensors" if args.init_dir else None
    v_head = value_head(base.config.hidden_size, vh_path)
    if args.save_init:
        out = Path(args.save_init)
        policy.save_pretrained(str(out))
        save_file({"v_head.summary.weight": v_head.weight.detach().contiguous(),
                   "v_head.summary.bias": v_head.bias.detach().contiguous()}, str(out / "value-head.safetensors"))
    timings, cpu = {}, {}  # wall seconds; this process's CPU seconds (cpu/wall near --threads: no contention)
    report = {"tool": "tools/ppo_peer.py", "args": vars(args),
              "versions": {"python": platform.python_version(), "torch": torch.__version__,
                           "transformers": __import__("transformers").__version__,
                           "peft": __import__("peft").__version__},
              "torch_threads": torch.get_num_threads(), "setup_seconds": None}

    if args.rollout_in:
        ri = json.loads(Path(args.rollout_in).read_text())
        pl, rl = ri["prompt_len"], ri["response_len"]
        rows = [list(r)[:p + n] for r, p, n in zip(ri["input_ids"], pl, rl)]
        ro = Rollout(rows, pl, rl, ri["scores"])
        member_scores = ri.get("member_scores")
        gen_positions = None
        report["rollout_source"] = args.rollout_in
        if args.warmup:
            t0 = time.perf_counter()
            warm_up(policy, v_head, None, None, None, ro, args)
            report["warmup_seconds"] = time.perf_counter() - t0
    else:
        prompts = load_prompts(args.prompts, args.batch, args.offset)
        rmodel, names = reward_ensemble(args)
        if args.warmup:
            t0 = time.perf_counter()
            warm_up(policy, v_head, rmodel, names, prompts, None, args)
            report["warmup_seconds"] = time.perf_counter() - t0
        report["setup_seconds"] = time.perf_counter() - t_start
        torch.manual_seed(args.seed)
        t0, c0 = time.perf_counter(), time.process_time()
        with torch.inference_mode():
            rows, pl, rl, gen_positions = generate(policy, prompts, args)
        timings["generate"], cpu["generate"] = time.perf_counter() - t0, time.process_time() - c0
        ids, attn = pad_right(rows)
        t0, c0 = time.perf_counter(), time.process_time()
        with torch.inference_mode():
            scores, per_member = score(rmodel, names, ids, attn)
        timings["score"], cpu["score"] = time.perf_counter() - t0, time.process_time() - c0
        member_scores = per_member.tolist()
        ro = Rollout(rows, pl, rl, scores)
        report["reward_members"] = len(names)
    if report["setup_seconds"] is None:
        report["setup_seconds"] = time.perf_counter() - t_start

    t_iter, c_iter = time.perf_counter(), time.process_time()
    t0, c0 = time.perf_counter(), time.process_time()
    old_lp, ref_lp, values = rollout_tensors(policy, v_head, ro)
    timings["rollout_forward"], cpu["rollout_forward"] = time.perf_counter() - t0, time.process_time() - c0
    t0, c0 = time.perf_counter(), time.process_time()
    a = advantages_of(old_lp, ref_lp, values, ro, args)
    timings["advantages"], cpu["advantages"] = time.perf_counter() - t0, time.process_time() - c0

    if args.rollout_out:
        Path(args.rollout_out).write_text(json.dumps({
            "input_ids": ro.rows, "prompt_len": ro.prompt_len.tolist(), "response_len": ro.response_len.tolist(),
            "scores": ro.scores.tolist(), "member_scores": member_scores,
            "note": "rows unpadded: prompt then response (to its first eos, included); pad 0 on the right"}))

    named = trainable(policy, v_head)
    params = [p for _, p in named]
    opt = make_optimizer(params, args)
    B = ro.ids.shape[0]
    if B % args.minibatch:
        sys.exit(f"--minibatch {args.minibatch} must divide the batch ({B} rows)")
    n_mb = B // args.minibatch
    gen = torch.Generator().manual_seed(args.seed)
    stats, epoch_seconds = [], []
    t0, c0 = time.perf_counter(), time.process_time()
    for epoch in range(args.ppo_epochs):
        te = time.perf_counter()
        order = torch.randperm(B, generator=gen) if args.shuffle else torch.arange(B)
        for m in range(n_mb):
            sel = order[m * args.minibatch:(m + 1) * args.minibatch]
            st = ppo_step(policy, v_head, opt, params, ro, sel, old_lp, values, a["advantages"], a["returns"], args)
            row = {"epoch": epoch, "minibatch": m, "rows": sel.tolist() if args.shuffle else
                   [m * args.minibatch, (m + 1) * args.minibatch]}
            row.update({k: scalar(st[k]) for k in STAT_KEYS})
            if not math.isfinite(row["loss"]):
                sys.exit(f"non-finite loss at epoch {epoch} minibatch {m}: {row}")
            stats.append(row)
        epoch_seconds.append(time.perf_counter() - te)
    timings["ppo_epochs"], cpu["ppo_epochs"] = time.perf_counter() - t0, time.process_time() - c0
    # the iteration's total: generation and scoring (when this run made the rollout) plus the rest
    timings["total"] = timings.get("generate", 0.0) + timings.get("score", 0.0) + (time.perf_counter() - t_iter)
    cpu["total"] = cpu.get("generate", 0.0) + cpu.get("score", 0.0) + (time.process_time() - c_iter)

    n_tokens = int(ro.response_len.sum())
    report.update({
        "timings_s": timings,
        "cpu_s": cpu,
        "loadavg_after": os.getloadavg(),
        "ppo_epoch_seconds": epoch_seconds,
        "batch": B, "minibatch": args.minibatch, "optimizer_steps": len(stats),
        "tokens_generated": n_tokens if not args.rollout_in else None,
        "generated_positions": (B * gen_positions) if gen_positions is not None else None,
        "generate_tokens_per_s": (n_tokens / timings["generate"]) if "generate" in timings else None,
        "response_tokens": n_tokens,
        "mean_prompt_len": float(ro.prompt_len.float().mean()),
        "mean_response_len": float(ro.response_len.float().mean()),
        "rollout": {"mean_score": float(ro.scores.mean()), "mean_kl": scalar(a["kl_objective"]),
                    "mean_kl_per_token": scalar(masked_mean(a["kl_k1"], ro.mask)),
                    "mean_non_score_reward": scalar((-args.beta * a["kl_k1"]).sum(1).mean()),
                    "mean_advantage_raw": scalar(masked_mean(a["advantages_raw"], ro.mask)),
                    "mean_return": scalar(masked_mean(a["returns"], ro.mask)),
                    "mean_value": scalar(masked_mean(values, ro.mask))},
        "ppo": stats,
    })
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=1))
    summary = "  ".join(f"{k} {v:.3f}s" for k, v in timings.items())
    print(f"batch {B} threads {torch.get_num_threads()}: {summary}  (cpu/wall {cpu['total'] / timings['total']:.2f})")
    print(f"tokens generated {report['tokens_generated']}  mean score {report['rollout']['mean_score']:.4f}  "
          f"mean kl {report['rollout']['mean_kl']:.5f}  last minibatch loss {stats[-1]['loss']:.5f}")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--check-fixture", metavar="DIR", help="shared/fixtures/llama: check the formulas, then exit")
    ap.add_argument("--model", help="HF Llama checkpoint dir (config.json, model.safetensors)")
    ap.add_argument("--prompts", help='JSON {"prompts": [[ids...], ...]} (tools/world_prompts.py)')
    ap.add_argument("--offset", type=int, default=0, help="first prompt of the batch")
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--max-new-tokens", type=int, default=32)
    ap.add_argument("--top-p", type=float, default=0.9)
    ap.add_argument("--temperature", type=float, default=1.0)
    ap.add_argument("--lora-r", type=int, default=8)
    ap.add_argument("--lora-alpha", type=int, default=64)
    ap.add_argument("--lora-targets", default="q_proj,v_proj")
    ap.add_argument("--reward-adapters", type=int, default=3, help="K random LoRA reward members (seeds 0..K-1)")
    ap.add_argument("--reward-dir", help="directory of PEFT reward members (*/adapter_config.json), instead")
    ap.add_argument("--reward-base", help="base checkpoint of the reward members (default --model)")
    ap.add_argument("--ppo-epochs", type=int, default=4)
    ap.add_argument("--minibatch", type=int, default=8, help="minibatch size (rows)")
    ap.add_argument("--lr", type=float, default=1e-5)
    ap.add_argument("--beta", type=float, default=0.1)
    ap.add_argument("--gamma", type=float, default=1.0)
    ap.add_argument("--lam", type=float, default=0.95)
    ap.add_argument("--cliprange", type=float, default=0.2)
    ap.add_argument("--cliprange-value", type=float, default=0.2)
    ap.add_argument("--vf-coef", type=float, default=0.1)
    ap.add_argument("--max-grad-norm", type=float, default=None, help="global L2 clipping (off by default)")
    ap.add_argument("--shuffle", action="store_true", help="shuffle rows each PPO epoch (default: fixed order)")
    ap.add_argument("--threads", type=int, default=None, help="torch.set_num_threads")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--attn", default="sdpa", help="attn_implementation: sdpa (default) or eager")
    ap.add_argument("--no-warmup", dest="warmup", action="store_false",
                    help="time the first calls too (default: one untimed warm-up pass on two rows)")
    ap.add_argument("--rollout-in", help="fixed rollout JSON: skip generation and scoring")
    ap.add_argument("--rollout-out", help="write the rollout this run used (the --rollout-in format)")
    ap.add_argument("--init-dir", help="start from this policy adapter (PEFT) + value-head.safetensors")
    ap.add_argument("--save-init", help="write the starting policy adapter + value head here")
    ap.add_argument("--out", help="JSON report")
    args = ap.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    if args.check_fixture:
        sys.exit(0 if check_fixture(args.check_fixture, args) else 1)
    if not args.model or not (args.prompts or args.rollout_in):
        ap.error("--model and --prompts (or --rollout-in) are required unless --check-fixture")
    iterate(args)


if __name__ == "__main__":
    main()
