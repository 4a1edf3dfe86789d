#!/bin/sh
# Set up the data folder and serve Fanfold with one background worker (used by `make run`).
#
# The web server and the worker run in the background and this script waits for them, so
# that a signal reaches them at once: Ctrl-C, or SIGTERM to this script, stops both. With
# FANFOLD_STOP_WITH=<pid> (`make run` passes make's own) the script also stops when that
# process is gone: make passes no signal on, so SIGTERM to make alone would leave them running.
set -e
cd "$(dirname "$0")/.."
PY=.venv/bin/python
RUNNING=
stop() {
  trap - EXIT INT TERM
  for pid in $RUNNING; do kill "$pid" 2>/dev/null || true; done
  for pid in $RUNNING; do wait "$pid" 2>/dev/null || true; done
}
trap stop EXIT
trap 'stop; exit 130' INT
trap 'stop; exit 143' TERM
if [ -n "${FANFOLD_STOP_WITH:-}" ]; then
  ME=$$
  (while kill -0 "$FANFOLD_STOP_WITH" 2>/dev/null; do sleep 1; done; kill -TERM "$ME") &
  RUNNING=$!
fi
$PY manage.py migrate --noinput -v0
$PY manage.py collectstatic --noinput -v0
$PY manage.py load_demo --if-empty
$PY manage.py load_fandom_tags
# The worker runs under a supervisor that restarts it when it dies (with back-off) and
# queues again the jobs it left running.
$PY manage.py run_worker --interval 1 &
RUNNING="$RUNNING $!"
scripts/serve.sh &
SERVER=$!
RUNNING="$RUNNING $SERVER"
echo "Fanfold is at http://${HOST:-127.0.0.1}:${PORT:-8000}/ (demo logins are in README.md; Ctrl-C stops it)"
wait "$SERVER"
