"""One layout, written once: `make serve-prod` starts what the systemd units start."""

from __future__ import annotations

from samen.lib import stack


def test_serve_prod_starts_the_commands_of_the_systemd_units() -> None:
    script = (stack.ROOT / "deploy" / "serve-prod.sh").read_text()
    for unit in ("web", "worker", "scheduler"):
        text = (stack.UNITS / f"samen-{unit}.service").read_text()
        command = next(line for line in text.splitlines() if line.startswith("ExecStart="))
        assert command.removeprefix("ExecStart=").replace(stack.INSTALL, "") in script, unit


def test_unit_commands_run_from_this_checkout() -> None:
    worker = stack.unit_command("worker")
    assert worker[1:4] == ["manage.py", "rqworker", "default"]
    assert worker[0].endswith("python")
    assert not worker[0].startswith(stack.INSTALL)
    assert stack.unit_command("web")[0].endswith("/gunicorn")
