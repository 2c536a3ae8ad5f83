"""The client against a running reward-service (started by RemoteRewardHttpTest, which passes
UGDA_REWARD_URL and UGDA_ENSEMBLE): the rewards a TRL-style call returns are the ensemble's
means from /v1/ensembles/{id}/score for the same texts, in both TRL formats; bad ensembles and an
unreachable service raise instead of returning made-up rewards."""

import json
import os
import sys
import unittest
import urllib.request

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from ugda_client import UgdaReward, UgdaRewardError  # noqa: E402
from ugda_client import openrlhf  # noqa: E402

URL = os.environ.get("UGDA_REWARD_URL")
ENSEMBLE = os.environ.get("UGDA_ENSEMBLE")

P = "\n\nHuman: what is 7 plus 5 ?\n\nAssistant:"
C = ["7 plus 5 is 12 .", "it is 13 .", "i do not know ."]


def score(prompt, responses):
    body = json.dumps({"items": [{"prompt": prompt, "response": r} for r in responses]}).encode()
    req = urllib.request.Request(
        URL + "/v1/ensembles/" + ENSEMBLE + "/score", data=body, method="POST"
    )
    req.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(req) as r:
        return json.loads(r.read())["items"]


@unittest.skipUnless(URL and ENSEMBLE, "needs UGDA_REWARD_URL and UGDA_ENSEMBLE")
class AgainstService(unittest.TestCase):
    def test_plain_format_gives_the_ensemble_means(self):
        reward = UgdaReward(URL, ENSEMBLE)
        got = reward(completions=C, prompts=[P] * 3)
        want = [i["mean"] for i in score(P, C)]
        self.assertEqual(len(got), 3)
        for g, w in zip(got, want):
            self.assertAlmostEqual(g, w, places=6)
        self.assertEqual(len(reward.last["ensemble_variance"]), 3)
        self.assertIn("member_0", reward.last)

    def test_conversational_format_gives_the_same(self):
        reward = UgdaReward(URL, ENSEMBLE)
        prompts = [[{"role": "user", "content": "what is 7 plus 5 ?"}]] * 3
        completions = [[{"role": "assistant", "content": c}] for c in C]
        got = reward(completions=completions, prompts=prompts)
        want = [i["mean"] for i in score(P, C)]
        for g, w in zip(got, want):
            self.assertAlmostEqual(g, w, places=6)

    def test_openrlhf_reward_func(self):
        os.environ["UGDA_REWARD_URL"] = URL
        os.environ["UGDA_ENSEMBLE"] = ENSEMBLE
        out = openrlhf.reward_func([P + " " + c for c in C], [P] * 3, ["", "", ""])
        rewards = [float(x) for x in out["rewards"]]
        want = [i["mean"] for i in score(P, C)]
        for g, w in zip(rewards, want):
            self.assertAlmostEqual(g, w, places=5)
        self.assertTrue(all(0 <= float(s) <= 1 for s in out["scores"]))

    def test_an_unknown_ensemble_raises(self):
        with self.assertRaises(UgdaRewardError) as e:
            UgdaReward(URL, "no-such-ensemble")(completions=["x"], prompts=[P])
        self.assertIn("404", str(e.exception))

    def test_an_unreachable_service_raises_after_its_retries(self):
        reward = UgdaReward("http://127.0.0.1:9", ENSEMBLE, retries=2, backoff=0.01)
        with self.assertRaises(UgdaRewardError):
            reward(completions=["x"], prompts=[P])


if __name__ == "__main__":
    unittest.main(verbosity=2)
