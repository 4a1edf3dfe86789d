#!/bin/sh
# Set up the data folder and serve Fanfold with one background worker (used by `make run`).
set -e
cd "$(dirname "$0")/.."
PY=.venv/bin/python
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_demo --if-empty
$PY manage.py load_fandom_tags
# The worker runs under a supervisor that restarts it when it dies (with back-off) and
# queues again the jobs it left running; SIGTERM/SIGINT stop both.
$PY manage.py run_worker --interval 1 &
WORKER=$!
WATCH=
trap '[ -n "$WATCH" ] && kill $WATCH 2>/dev/null; kill $WORKER 2>/dev/null; wait $WORKER 2>/dev/null || true' EXIT INT TERM
if [ -n "${FANFOLD_STOP_WITH:-}" ]; then
  # `make run` passes its own process id: when make alone is stopped (SIGTERM to make, which
  # passes no signal on), stop the whole job as Ctrl-C would.
  (while kill -0 "$FANFOLD_STOP_WITH" 2>/dev/null; do sleep 1; done; kill -TERM 0) &
  WATCH=$!
fi
echo "Fanfold is at http://${HOST:-127.0.0.1}:${PORT:-8000}/ (demo logins are in README.md; Ctrl-C stops it)"
scripts/serve.sh
