"""OpenRLHF's ``reward_func`` file (``--remote_rm_url path/to/openrlhf.py``): reads the service from
``UGDA_REWARD_URL``, ``UGDA_ENSEMBLE``, ``UGDA_API_KEY`` (and optionally ``UGDA_SHAPING``), and
answers OpenRLHF's ``reward_func(queries, prompts, labels)`` with the ensemble's rewards, scores and
extra logs (torch tensors where torch is there, which OpenRLHF always has)."""

import os

from ugda_client import UgdaReward

_reward = None


def _client():
    global _reward
    if _reward is None:
        _reward = UgdaReward(
            os.environ["UGDA_REWARD_URL"],
            os.environ["UGDA_ENSEMBLE"],
            os.environ.get("UGDA_API_KEY"),
            shaping=os.environ.get("UGDA_SHAPING", "mean"),
        )
    return _reward


def reward_func(queries, prompts, labels=None):
    answer = _client().get_reward(list(queries), list(prompts) if prompts is not None else None)
    try:
        import torch

        return {
            "rewards": torch.tensor(answer["rewards"], dtype=torch.float32),
            "scores": torch.tensor(answer["scores"], dtype=torch.float32),
            "extra_logs": {k: torch.tensor(v, dtype=torch.float32) for k, v in answer["extra_logs"].items()},
        }
    except ImportError:
        return answer
