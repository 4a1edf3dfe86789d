"""`make run` (scripts/run.sh) stops the server and the worker however it is stopped."""

import os
import signal
import subprocess
import time
import urllib.request

import pytest

from tests.servers import ROOT, free_port, server_env


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(ppid, []).append(int(entry))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pids: set[int]) -> set[int]:
    alive = set()
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] != "Z":
                    alive.add(pid)
        except OSError:
            pass
    return alive


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("run")  # set up by the first run, reused by the next


@pytest.mark.parametrize("how", ["make stopped alone", "Ctrl-C"])
def test_run_stops_server_and_worker(data_dir, how):
    port = free_port()
    parent = subprocess.Popen(["sleep", "600"])  # stands for make: FANFOLD_STOP_WITH
    env = server_env(data_dir, PORT=str(port), FANFOLD_STOP_WITH=str(parent.pid))
    run = subprocess.Popen(
        ["sh", "scripts/run.sh"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        # As from a terminal: Ctrl-C reaches a shell that may trap it.
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the archive never answered")
        started = _descendants(run.pid)
        assert len(started) >= 3, "a web server with its workers, and the background worker"
        if how == "make stopped alone":
            parent.terminate()
            parent.wait()  # as make's own parent (a shell) would
        else:
            os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=30)
        deadline = time.time() + 15
        while _alive(started) and time.time() < deadline:
            time.sleep(0.2)
        assert not _alive(started), f"left running after {how}"
    finally:
        parent.kill()
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        for pid in _alive(_descendants(run.pid)):
            os.kill(pid, signal.SIGKILL)
