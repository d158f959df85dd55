"""Mutation score of the rules that guard money and privacy (`make mutation`).

`make mutation` lets mutmut change the modules listed under ``[tool.mutmut] only_mutate`` in
pyproject.toml one small edit at a time (a ``<`` becomes ``<=``, a constant changes, a call is
dropped) and runs the tests that cover the changed function. A mutant that no test notices
has "survived": a rule that the suite does not really guard. This script reads mutmut's
result files under ``mutants/`` and writes, per module, mutants generated, killed, survived,
not covered by any test and the score (killed, timeouts included, over those tested) to
bench/results/mutation.json, with the names of the survivors so that each can be killed by a
new test or explained in docs/testing.md. It exits 1 when a module scores under the goal.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from mutmut.stats import status_by_exit_code

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "mutation.json"
GOAL = 90.0


def module_figures(meta: Path) -> dict[str, Any]:
    """Counts and survivors of one mutated module from its ``.meta`` file."""
    exit_codes: dict[str, int | None] = json.loads(meta.read_text())["exit_code_by_key"]
    statuses = {name: status_by_exit_code[code] for name, code in exit_codes.items()}
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


def main() -> int:
    metas = sorted((ROOT / "mutants").rglob("*.py.meta"))
    modules = {
        str(meta.relative_to(ROOT / "mutants")).removesuffix(".meta"): module_figures(meta)
        for meta in metas
    }
    below = [name for name, m in modules.items() if m["score"] is None or m["score"] < GOAL]
    report = {"goal_percent_killed": GOAL, "modules": modules, "below_goal": below}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    summary = {n: {k: v for k, v in m.items() if k != "survivors"} for n, m in modules.items()}
    print(json.dumps({"modules": summary, "below_goal": below}, indent=2))
    return 1 if below or not modules else 0


if __name__ == "__main__":
    sys.exit(main())
