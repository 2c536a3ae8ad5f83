#!/usr/bin/env bash
# Creates or updates the Python of the "Python peer" tests (TransformersServeJudgeTest,
# TrlGrpoHttpTest: they read UGDA_TRL_PYTHON) in VENV, from whatever index pip is configured with
# (on the development machines the local mirror of /etc/pip.conf; nothing else is needed).
# Idempotent: a VENV that already holds these pins and imports them is left alone, in about a
# second. Run by `./mvnw verify -Ppython-peers`; by hand: tools/make-peer-venv.sh [VENV]
# (default ~/.cache/ugda/peer-venv). UGDA_PEER_PIP_ARGS adds pip arguments (default
# "--retries 0": an unreachable extra index is given up at once, not retried for minutes).
set -euo pipefail

venv="${1:-${HOME}/.cache/ugda/peer-venv}"
python="${UGDA_PEER_BASE_PYTHON:-python3}"
pins=(
  "torch==2.13.*"
  "transformers==5.17.*"
  "trl==1.13.*"
  datasets accelerate fastapi uvicorn openai
)
stamp="${venv}/ugda-peer-requirements.txt"
wanted="$(printf '%s\n' "${pins[@]}")"

if [[ -x "${venv}/bin/python" && -f "${stamp}" && "$(cat "${stamp}")" == "${wanted}" ]] \
  && "${venv}/bin/python" -c 'import torch, transformers, trl, fastapi, uvicorn, openai' 2>/dev/null \
  && [[ -x "${venv}/bin/transformers" ]]; then
  echo "make-peer-venv: ${venv} is up to date"
  exit 0
fi

echo "make-peer-venv: installing ${pins[*]} into ${venv}"
[[ -x "${venv}/bin/python" ]] || "${python}" -m venv "${venv}"
# shellcheck disable=SC2086 # UGDA_PEER_PIP_ARGS is a list of words
"${venv}/bin/pip" install --quiet ${UGDA_PEER_PIP_ARGS:---retries 0} "${pins[@]}"
"${venv}/bin/python" -c 'import torch, transformers, trl, fastapi, uvicorn, openai'
printf '%s\n' "${pins[@]}" > "${stamp}"
echo "make-peer-venv: ${venv} ready ($("${venv}/bin/python" -c 'import torch, transformers, trl; print("torch", torch.__version__, "transformers", transformers.__version__, "trl", trl.__version__)'))"
