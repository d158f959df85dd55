"""Mutation score of the rules that guard money and privacy (`make mutation`).

mutmut changes one module at a time, one small edit at a time (a ``<`` becomes ``<=``, a
constant changes, a call is dropped) and runs the tests that cover the changed function. A
mutant that no test notices has "survived": a rule that the suite does not really guard.

Each module in ``MODULES`` is run on its own, with only the test files that are about it:
mutmut picks, per mutant, every collected test that called the mutated function, so one run
over all the apps' tests would give an access rule the hundreds of page tests that merely
pass through it, and pay for a traced run of all of them first. The shared settings
(pytest options, files to copy) stay under ``[tool.mutmut]`` in pyproject.toml; this script
replaces ``only_mutate`` and the test selection per module.

It writes, per module, mutants generated, killed (timeouts included), survived, not covered
by any test, the score (killed over those tested), the wall-clock and CPU seconds, the commit
and the names of the survivors to bench/results/mutation.json, and exits 1 when a module
scores under the goal. ``python -m bench.mutation samen/ledger/verify.py`` runs one module;
``python -m bench.mutation --show samen/ledger/verify.py`` prints its survivors' diffs.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import json
import resource
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "mutation.json"
GOAL = 90.0

# Module -> the tests that are about it (and nothing that merely passes through it).
MODULES: dict[str, list[str]] = {
    "samen/ledger/verify.py": [
        "samen/ledger/tests/test_verify.py",
        "samen/ledger/tests/test_seals.py",
    ],
    # The table's direct tests: every state x persona x need through ``access_expense`` and
    # ``expense_can``, bad ids, the one-query load. The same table through every page and
    # endpoint (``test_expense_access``) is the views' wiring, and ten times the CPU.
    "samen/expenses/access.py": [
        "samen/expenses/tests/test_access_matrix.py::test_access_expense_for_every_need",
        "samen/expenses/tests/test_access_matrix.py::test_an_id_that_names_no_expense_is_not_found",
        "samen/expenses/tests/test_access_matrix.py::test_the_expense_comes_with_what_its_pages_read",
    ],
    # The rules' direct table (``can`` and every ``access_*`` function for every person);
    # the page matrix asks the same rules through 900 lines of pages and endpoints.
    "samen/communities/access.py": [
        "samen/communities/tests/test_access_rules.py",
    ],
    # The registry's direct tests. The statement imports and each app's matcher tests pass
    # through it too, but each of them parses files and books documents: 70 CPU seconds
    # per run for rules that are not the registry's.
    "samen/banking/matching.py": [
        "samen/banking/tests/test_matching.py",
    ],
    "samen/invoicing/compensation.py": [
        "samen/invoicing/tests/test_compensation.py",
    ],
    # The credit limits: a member's own or the scheme's default, the wallet's floor, the
    # refusal of a delivery beyond it, the wallet lock. (``credits/actions/compensation.py``
    # is one function under ``@transaction.atomic``, which mutmut never mutates: a decorator
    # runs at import. Its rules live in ``invoicing/compensation.py``, measured above.)
    "samen/credits/actions/schemes.py": [
        "samen/credits/tests/test_limits.py",
        "samen/credits/tests/test_actions.py",
    ],
    "samen/credits/actions/deliveries.py": [
        "samen/credits/tests/test_limits.py",
        "samen/credits/tests/test_actions.py",
    ],
    "samen/invoicing/actions.py": [
        "samen/invoicing/tests/test_content_hash.py",
        "samen/invoicing/tests/test_numbering.py",
        "samen/invoicing/tests/test_actions.py",
    ],
    "samen/ledger/actions.py": [
        "samen/ledger/tests/test_posting_rules.py",
        "samen/ledger/tests/test_actions.py",
        "samen/ledger/tests/test_properties.py",
    ],
}

# Modules too large to mutate whole within the time budget: only the functions that hold the
# rule (mutmut's mutant names, ``fnmatch`` patterns). The invoices' numbering and
# idempotency; the credit limits; the ledger's posting (balanced per unit, floors,
# idempotency by content). mutmut skips decorated functions, so a rule must sit in an
# undecorated function to be mutated.
FUNCTIONS: dict[str, list[str]] = {
    "samen/invoicing/actions.py": [
        "samen.invoicing.actions.x__allocate_sequence__mutmut_*",
        "samen.invoicing.actions.x__next_number__mutmut_*",
        "samen.invoicing.actions.x_format_number__mutmut_*",
        "samen.invoicing.actions.x_document_content_hash__mutmut_*",
        "samen.invoicing.actions.x__issued_before__mutmut_*",
    ],
    "samen/credits/actions/schemes.py": [
        "samen.credits.actions.schemes.x_limit_for__mutmut_*",
        "samen.credits.actions.schemes.x_wallet__mutmut_*",
        "samen.credits.actions.schemes.x_lock_wallets__mutmut_*",
        "samen.credits.actions.schemes.x__set_floor__mutmut_*",
    ],
    "samen/credits/actions/deliveries.py": [
        "samen.credits.actions.deliveries.x__pending_spend__mutmut_*",
        "samen.credits.actions.deliveries.x_credits_spendable__mutmut_*",
        "samen.credits.actions.deliveries.x__check_limit__mutmut_*",
    ],
    "samen/ledger/actions.py": [
        "samen.ledger.actions.x_content_hash__mutmut_*",
        "samen.ledger.actions.x__same_or_conflict__mutmut_*",
        "samen.ledger.actions.x__checked_lines__mutmut_*",
        "samen.ledger.actions.x__post__mutmut_*",
        "samen.ledger.actions.x__apply_delta__mutmut_*",
    ],
}


def module_figures(meta: Path, functions: list[str] | None = None) -> dict[str, Any]:
    """Counts and survivors of one mutated module from its ``.meta`` file (only the mutants
    of ``functions`` when the module is scoped to some)."""
    from mutmut.stats import status_by_exit_code

    exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
    statuses = {
        name: status_by_exit_code[code]
        for name, code in exit_codes.items()
        if not functions or any(fnmatch.fnmatch(name, pattern) for pattern in functions)
    }
    counts = Counter(statuses.values())
    killed = counts["killed"] + counts["timeout"] + counts["caught by type check"]
    tested = killed + counts["survived"] + counts["no tests"] + counts["suspicious"]
    return {
        "generated": len(statuses),
        "killed": killed,
        "survived": counts["survived"],
        "no_tests": counts["no tests"],
        "suspicious": counts["suspicious"],
        "not_checked": counts["not checked"],
        "score": round(100 * killed / tested, 1) if tested else None,
        "survivors": sorted(name for name, status in statuses.items() if status == "survived"),
    }


def run_one(module: str) -> None:
    """Run mutmut on one module with its own tests (in a fresh process, see ``main``)."""
    from mutmut import configuration

    settings = configuration.config()
    configuration._config = dataclasses.replace(
        settings, only_mutate=[module], pytest_add_cli_args_test_selection=MODULES[module]
    )
    from mutmut.__main__ import _run

    _run(tuple(FUNCTIONS.get(module, ())), 2)


def run_module(module: str) -> dict[str, Any]:
    """Mutate one module in a fresh ``mutants/`` folder and return its figures."""
    shutil.rmtree(ROOT / "mutants", ignore_errors=True)
    started, cpu = time.monotonic(), _children_cpu()
    run = subprocess.run([sys.executable, "-m", "bench.mutation", "--one", module], cwd=ROOT)
    meta = ROOT / "mutants" / f"{module}.meta"
    if run.returncode or not meta.exists():  # a module that cannot be measured scores None
        figures: dict[str, Any] = {"score": None, "error": f"mutmut exited {run.returncode}"}
    else:
        figures = module_figures(meta, FUNCTIONS.get(module))
    figures["seconds"] = round(time.monotonic() - started)
    # The commit measured (uncommitted changes are not part of it: commit before a run).
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True)
    figures["commit"] = head.stdout.decode().strip()
    # CPU seconds of mutmut and every mutant it ran: on a shared machine the wall clock
    # measures the neighbours too; this over two cores is the time on an idle one.
    figures["cpu_seconds"] = round(_children_cpu() - cpu)
    return figures


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(selected: list[str]) -> int:
    """Run the selected modules (all without a selection), writing the results after each
    one, so that a module that fails or an interrupted run keeps the figures measured."""
    previous = json.loads(RESULTS.read_text())["modules"] if selected and RESULTS.exists() else {}
    modules = {name: figures for name, figures in previous.items() if name in MODULES}
    for module in selected or MODULES:
        modules[module] = run_module(module)
        below = _write(modules)
    summary = {n: {k: v for k, v in m.items() if k != "survivors"} for n, m in modules.items()}
    print(json.dumps({"modules": summary, "below_goal": below}, indent=2))
    return 1 if below or not modules else 0


def _write(modules: dict[str, dict[str, Any]]) -> list[str]:
    """Write bench/results/mutation.json; returns the modules under the goal."""
    below = [name for name, m in modules.items() if m["score"] is None or m["score"] < GOAL]
    report = {
        "goal_percent_killed": GOAL,
        "total_seconds": sum(m.get("seconds", 0) for m in modules.values()),
        "total_cpu_seconds": sum(m.get("cpu_seconds", 0) for m in modules.values()),
        "modules": modules,
        "below_goal": below,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    return below


def show_survivors(module: str) -> None:
    """Print the diff of each survivor of ``module``, its last run (the ``mutants/`` folder
    holds the module run last). ``mutmut show`` reads only the pyproject's modules."""
    from mutmut import configuration

    configuration._config = dataclasses.replace(configuration.config(), only_mutate=[module])
    from mutmut.__main__ import get_diff_for_mutant
    from mutmut.mutation.diff_apply import find_mutant

    for name in json.loads(RESULTS.read_text())["modules"][module]["survivors"]:
        print(get_diff_for_mutant(name, path=find_mutant(name).path))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one"]:
        run_one(sys.argv[2])
    elif sys.argv[1:2] == ["--show"]:
        show_survivors(sys.argv[2])
    else:
        sys.exit(main(sys.argv[1:]))
