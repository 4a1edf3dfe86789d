"""What the bench scripts share: running in the project's virtualenv, and their data folder."""

import os
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
VENV_PY = ROOT / ".venv" / "bin" / "python"


def use_project_python(script: str, argv: list[str]) -> None:
    """Run the script again with the project's virtualenv if started with another Python,
    and make the project and the bench folder importable."""
    if VENV_PY.exists() and Path(sys.prefix).resolve() != (ROOT / ".venv").resolve():
        os.execv(str(VENV_PY), [str(VENV_PY), script, *argv])
    sys.path[:0] = [str(ROOT), str(BENCH)]


def drop_data_dir(data_dir: Path | str, *, keep: bool) -> None:
    """Remove the throw-away data folder, unless asked to keep it for a look."""
    if keep:
        print(f"Kept the data folder {data_dir}")
    else:
        shutil.rmtree(data_dir, ignore_errors=True)


def wrk_figures(out, marker: str) -> dict[str, float]:
    """The figures a wrk Lua ``done`` callback printed on one line ``MARKER k=v k=v ...``,
    plus ``seconds`` and ``rps``; stops the benchmark with wrk's output if it failed."""
    import re

    m = re.search(rf"^{marker} (.*)$", out.stdout, re.M)
    if out.returncode != 0 or not m:
        raise SystemExit(f"wrk failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    v = {k: float(x) for k, x in (kv.split("=") for kv in m.group(1).split())}
    v["seconds"] = v["duration_us"] / 1e6
    v["rps"] = v["requests"] / v["seconds"] if v["seconds"] else 0.0
    v["socket_errors"] = v["connect"] + v["read"] + v["write"] + v["timeout"]
    return v


def step(message: str) -> None:
    print(f"== {message}", flush=True)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def machine_ticks() -> tuple[int, int] | None:
    """Busy and total CPU ticks of the whole machine so far (from /proc/stat)."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


class Interrupted(Exception):
    pass


def _on_sigterm(signum, frame):
    raise Interrupted(f"signal {signum}")


def run_stoppable(run, args, what: str) -> int:
    """Run the benchmark; SIGTERM or Ctrl-C (even when started with SIGINT ignored) stops it,
    its ``finally`` blocks stopping the servers."""
    import signal

    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        run(args)
    except (KeyboardInterrupt, Interrupted):
        print(f"\nInterrupted; {what} stopped.", file=sys.stderr)
        return 130
    return 0
