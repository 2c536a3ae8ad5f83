"""The UGDA reward ensemble where RLHF training already runs.

``UgdaReward(url, ensemble, key)`` is a TRL reward function (``GRPOTrainer(reward_funcs=[...])``:
completions and prompts in, one float per completion out; plain and conversational formats) that
calls reward-service's OpenRLHF endpoint ``POST {url}/get_reward?ensemble=...`` (through the
gateway: ``url = http://gateway:8080/api/reward``, ``key`` a reader key). It keeps the ensemble's
variance and every member's reward of the last call (``last``), logs them, retries an unreachable
or overloaded service with backoff, and raises rather than returning a made-up reward.
"""

from __future__ import annotations

import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any, Dict, List, Optional, Sequence

__all__ = ["UgdaReward", "UgdaRewardError", "to_text", "prompt_text", "completion_text"]

log = logging.getLogger("ugda_client")

HUMAN = "\n\nHuman: "
ASSISTANT = "\n\nAssistant:"


def prompt_text(prompt: Any) -> str:
    """A TRL prompt as HH text: a conversation ends with the assistant's turn opened."""
    text = to_text(prompt)
    if not isinstance(prompt, str) and not text.rstrip().endswith("Assistant:"):
        text += ASSISTANT
    return text


def completion_text(completion: Any) -> str:
    """A TRL completion as text: a conversational one is its assistant messages' content."""
    if isinstance(completion, str):
        return completion
    if isinstance(completion, dict):
        completion = [completion]
    return " ".join(str(m["content"]) for m in completion if m.get("role", "assistant") == "assistant")


class UgdaRewardError(RuntimeError):
    """reward-service refused a request or could not be reached in time; no reward was made up."""


def to_text(item: Any, role_default: str = "user") -> str:
    """A prompt or completion as HH text: a string as it is; a conversation (a list of
    ``{"role", "content"}``) as ``"\\n\\nHuman: ...\\n\\nAssistant: ..."`` turns."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        item = [item]
    if isinstance(item, (list, tuple)):
        out = []
        for m in item:
            if not isinstance(m, dict) or "content" not in m:
                raise TypeError("a conversational message needs 'role' and 'content', got %r" % (m,))
            role = m.get("role", role_default)
            content = m["content"] if isinstance(m["content"], str) else str(m["content"])
            if role == "assistant":
                out.append(ASSISTANT + " " + content)
            elif role == "system":
                out.append(HUMAN + content)
            else:
                out.append(HUMAN + content)
        return "".join(out)
    raise TypeError("a prompt or completion must be a string or a list of messages, got %r" % type(item))


class UgdaReward:
    """A TRL reward function backed by a UGDA reward ensemble.

    :param url: reward-service's base URL, or the gateway's ``.../api/reward``
    :param ensemble: the ensemble's id or name
    :param key: an API key (gateway: reader role); sent as ``Authorization: Bearer``
    :param version: the ensemble version (None: the latest)
    :param shaping: ``mean`` (default), ``lcb`` or ``uwo``
    :param retries: tries per call while the service is unreachable, 5xx or 429
    """

    def __init__(
        self,
        url: str,
        ensemble: str,
        key: Optional[str] = None,
        version: Optional[int] = None,
        shaping: str = "mean",
        timeout: float = 120.0,
        retries: int = 6,
        backoff: float = 0.5,
    ) -> None:
        if not url or not ensemble:
            raise ValueError("url and ensemble are required")
        self.url = url.rstrip("/")
        self.ensemble = ensemble
        self.key = key
        self.version = version
        self.shaping = shaping
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff
        self.last: Dict[str, List[float]] = {}
        # TRL names each reward function's column after __name__
        self.__name__ = "ugda_%s" % shaping

    def endpoint(self) -> str:
        q = {"ensemble": self.ensemble, "shaping": self.shaping}
        if self.version is not None:
            q["version"] = str(self.version)
        return self.url + "/get_reward?" + urllib.parse.urlencode(q)

    def __call__(self, completions=None, prompts=None, **kwargs) -> List[float]:
        if completions is None:
            completions = kwargs.get("completion") or []
        completions = list(completions)
        if prompts is None:
            prompts = [""] * len(completions)
        prompts = list(prompts)
        if len(prompts) != len(completions):
            raise ValueError("%d prompts for %d completions" % (len(prompts), len(completions)))
        ptexts = [prompt_text(p) for p in prompts]
        queries = []
        for p, c in zip(ptexts, completions):
            ctext = completion_text(c)
            queries.append(p + (" " if p and not p.endswith((" ", "\n")) else "") + ctext)
        answer = self.get_reward(queries, ptexts)
        return answer["rewards"]

    def get_reward(self, queries: Sequence[str], prompts: Optional[Sequence[str]] = None) -> Dict[str, Any]:
        """One call of OpenRLHF's protocol; checks the answer's shape and keeps its logs."""
        body: Dict[str, Any] = {"query": list(queries)}
        if prompts is not None:
            body["prompts"] = list(prompts)
        answer = self._post(body)
        rewards = answer.get("rewards")
        if not isinstance(rewards, list) or len(rewards) != len(queries):
            raise UgdaRewardError("reward-service answered %r rewards for %d queries" % (rewards, len(queries)))
        if any(not isinstance(r, (int, float)) or r != r for r in rewards):
            raise UgdaRewardError("reward-service answered a non-number reward: %r" % (rewards,))
        logs = answer.get("extra_logs") or {}
        self.last = {k: v for k, v in logs.items() if isinstance(v, list)}
        if "ensemble_variance" in self.last and self.last["ensemble_variance"]:
            v = self.last["ensemble_variance"]
            log.info("ugda reward: %d samples, mean variance %.4g, max %.4g", len(v), sum(v) / len(v), max(v))
        return answer

    def _post(self, body: Dict[str, Any]) -> Dict[str, Any]:
        data = json.dumps(body).encode("utf-8")
        wait = self.backoff
        last_error = None
        for attempt in range(self.retries):
            req = urllib.request.Request(self.endpoint(), data=data, method="POST")
            req.add_header("Content-Type", "application/json")
            if self.key:
                req.add_header("Authorization", "Bearer " + self.key)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as r:
                    return json.loads(r.read().decode("utf-8"))
            except urllib.error.HTTPError as e:
                text = e.read().decode("utf-8", "replace")
                detail = text
                try:
                    detail = json.loads(text).get("detail", text)
                except ValueError:
                    pass
                if e.code == 429 or e.code >= 500:
                    last_error = "HTTP %d: %s" % (e.code, detail)
                    retry_after = e.headers.get("Retry-After")
                    if retry_after and retry_after.isdigit():
                        wait = max(wait, float(retry_after))
                else:
                    raise UgdaRewardError("reward-service refused the request (HTTP %d): %s" % (e.code, detail)) from None
            except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
                last_error = "unreachable: %s" % (e,)
            log.warning("ugda reward: %s; try %d of %d in %.1f s", last_error, attempt + 1, self.retries, wait)
            time.sleep(wait)
            wait = min(wait * 2, 30.0)
        raise UgdaRewardError("reward-service did not answer after %d tries: %s" % (self.retries, last_error))
