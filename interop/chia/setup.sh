#!/usr/bin/env bash
# Creates interop/chia/.venv with chia-blockchain (PyPI) pinned by requirements.txt. Idempotent:
# a venv whose stamp matches requirements.txt is left alone. Needs CPython 3.10-3.13 (chia 2.7.5
# requires >=3.10); PYTHON overrides the interpreter. Prints the seconds it took.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="$here/.venv"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" ]] && "$venv/bin/python" -c 'import chia.server.server' 2>/dev/null; then
  echo "chia setup: $venv is up to date"
  exit 0
fi

pick_python() {
  local candidate
  for candidate in "${PYTHON:-}" python3.11 python3 python3.12 python3.10 python3.13 /usr/bin/python3.11; do
    [[ -n "$candidate" ]] || continue
    command -v "$candidate" >/dev/null 2>&1 || continue
    if "$candidate" -c 'import sys, venv; sys.exit(0 if (3, 10) <= sys.version_info[:2] <= (3, 13) else 1)' 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}
python="$(pick_python)" || { echo "chia setup: no CPython 3.10-3.13 with venv found (set PYTHON)" >&2; exit 1; }

start=$SECONDS
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
"$venv/bin/python" -c 'import chia, chia.server.server; print("chia setup: chia-blockchain", chia.__version__)'
echo "$want" > "$stamp"
echo "chia setup: installed in $((SECONDS - start)) s with $("$python" --version)"
