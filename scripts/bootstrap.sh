#!/usr/bin/env bash
# Create (or refresh) the project environment in .venv from the pinned lock file.
# Finds a Python >= 3.12 on PATH first, then under pyenv; says what to install if none.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
    local cand
    for cand in python3.13 python3.12 python3 python; do
        if command -v "$cand" >/dev/null 2>&1 && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
            command -v "$cand"; return 0
        fi
    done
    if command -v pyenv >/dev/null 2>&1; then
        for cand in "$(pyenv root)"/versions/3.1[2-9]*/bin/python3; do
            if [ -x "$cand" ] && "$cand" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
                echo "$cand"; return 0
            fi
        done
    fi
    return 1
}

if [ -x .venv/bin/python ] && .venv/bin/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
    PY=.venv/bin/python
else
    if ! BASE=$(find_python); then
        cat >&2 <<'MSG'
egov-sim needs Python >= 3.12 (Mesa >= 3.4 requires it) and none was found on PATH or under pyenv.
Install one, then re-run this command, e.g.:
  Debian/Ubuntu:  sudo apt-get install python3.12 python3.12-venv
  pyenv:          pyenv install 3.12
  macOS:          brew install python@3.12
MSG
        exit 1
    fi
    echo "bootstrap: creating .venv with $BASE ($("$BASE" --version))" >&2
    rm -rf .venv
    "$BASE" -m venv .venv
    PY=.venv/bin/python
fi

if ! [ -x .venv/bin/uv ]; then
    "$PY" -m pip install --quiet --disable-pip-version-check uv 2>/dev/null
fi
# The lock pins every transitive version, so a fresh machine gets the environment the tests ran on.
# Bytecode is compiled up front: with PYTHONDONTWRITEBYTECODE set (common in CI and
# containers) every worker process would otherwise recompile pandas, scipy and the
# package from source on import, several seconds per process.
.venv/bin/uv pip sync --quiet --compile-bytecode --python "$PY" requirements.lock
.venv/bin/uv pip install --quiet --python "$PY" --no-deps -e .
"$PY" -m compileall -q sim >/dev/null
# The explorer's altair charts ask Solara's local asset cache for vega@5, vega-lite@5 and
# vega-embed@6; solara-assets ships them under exact versions. Alias them (idempotent), or
# the server would fetch them from a CDN and the charts stay blank offline.
CDN=.venv/share/solara/cdn
if [ -d "$CDN" ]; then
    for alias in vega@5=vega@5.21.0 vega-lite@5=vega-lite@5.2.0 vega-embed@6=vega-embed@6.20.2; do
        if [ -d "$CDN/${alias#*=}" ]; then ln -sfn "${alias#*=}" "$CDN/${alias%%=*}"; fi
    done
fi
# The model's fused kernels are compiled by numba on first use and cached beside the
# source; compiling them here (seconds, once per checkout) keeps that out of the first
# run and out of every worker process of the first batch.
# A cache written by an older checkout can name record types that no longer exist
# (numba then fails while reading its index): drop the caches and compile afresh.
WARM="from sim.model.model import EGovModel; EGovModel(rng=0).run()"
if ! "$PY" -c "$WARM" 2>/dev/null; then
    echo "bootstrap: compiling the model's kernels afresh (stale or missing cache)" >&2
    find sim -name '*.nbi' -delete -o -name '*.nbc' -delete
    "$PY" -c "$WARM" \
        || { echo "bootstrap: compiling the model's kernels failed (see above)" >&2; exit 1; }
fi
echo "bootstrap: environment ready in .venv ($("$PY" --version))" >&2
