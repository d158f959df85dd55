"""The production layout started on this machine, for the stack test and `make bench-web`.

Each part starts with the command line of its systemd unit in deploy/systemd/ (the install
folder /srv/samen replaced by this checkout, its virtualenv by the running one), so what the
test and the benchmark run is what a host runs (docs/deploy.md). Each process stands for a
machine of its own: its own environment, temporary folder and log.
"""

from __future__ import annotations

import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNITS = ROOT / "deploy" / "systemd"
#: Where deploy/systemd/'s units expect the checkout.
INSTALL = "/srv/samen/"


def unit_command(unit: str) -> list[str]:
    """The ``ExecStart`` of ``deploy/systemd/samen-<unit>.service``, runnable from this
    checkout (its working directory is the checkout, as the unit's is /srv/samen)."""
    text = (UNITS / f"samen-{unit}.service").read_text()
    line = next(line for line in text.splitlines() if line.startswith("ExecStart="))
    venv = INSTALL + ".venv/bin/"
    here = Path(sys.executable).parent
    return [
        str(here / part.removeprefix(venv)) if part.startswith(venv) else part
        for part in shlex.split(line.removeprefix("ExecStart="))
    ]


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Machine:
    """One process of the layout, as if it ran on a machine of its own."""

    name: str
    process: subprocess.Popen[bytes]
    folder: Path

    @property
    def log(self) -> str:
        return (self.folder / "output.log").read_text(errors="replace")


def start(name: str, command: list[str], env: Mapping[str, str], folder: Path) -> Machine:
    """Start ``command`` in the checkout with ``env``, a temporary folder of its own and its
    output (unbuffered) in ``folder/name/output.log``."""
    home = folder / name
    home.mkdir(parents=True, exist_ok=True)
    with open(home / "output.log", "wb") as log:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**env, "TMPDIR": str(home), "PYTHONUNBUFFERED": "1"},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return Machine(name=name, process=process, folder=home)


def health(base: str) -> dict[str, object] | None:
    """The JSON of ``base``/healthz when it answers 200, else None."""
    try:
        with urllib.request.urlopen(base + "/healthz", timeout=5) as answer:
            return dict(json.load(answer)) if answer.status == 200 else None
    except OSError:
        return None


def wait_healthy(bases: Iterable[str], seconds: float, machines: Iterable[Machine] = ()) -> None:
    """Return once every app server at ``bases`` answers ``/healthz`` with 200; fail at the
    deadline, or as soon as one of ``machines`` has exited, with its log."""
    deadline = time.monotonic() + seconds
    waiting = list(bases)
    while waiting:
        for machine in machines:
            if machine.process.poll() is not None:
                raise RuntimeError(f"{machine.name} exited early:\n{machine.log[-3000:]}")
        waiting = [base for base in waiting if health(base) is None]
        if waiting and time.monotonic() > deadline:
            raise RuntimeError(f"no healthy answer from {waiting} within {seconds:.0f} s")
        if waiting:
            time.sleep(0.2)


def stop(machines: Iterable[Machine]) -> None:
    """SIGTERM every machine's process group, then SIGKILL what is still there after 20 s."""
    machines = list(machines)
    for machine in machines:
        if machine.process.poll() is None:
            os.killpg(machine.process.pid, signal.SIGTERM)
    for machine in machines:
        try:
            machine.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(machine.process.pid, signal.SIGKILL)
            machine.process.wait()
