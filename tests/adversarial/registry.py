"""Every adversarial attempt in one list (the matrix section of another file is added when
present), and the representative slice that CI runs."""
from __future__ import annotations

import importlib

from . import attempts_api, attempts_cli, attempts_grade
from .known_failures import KNOWN_FAILURES

ALL = attempts_api.ATTEMPTS + attempts_grade.ATTEMPTS + attempts_cli.ATTEMPTS
for _name in ("attempts_more",):
    try:
        ALL = ALL + importlib.import_module(f"{__package__}.{_name}").ATTEMPTS
    except ModuleNotFoundError:
        pass
BY_ID = {a["id"]: a for a in ALL}
assert len(BY_ID) == len(ALL), "attempt ids must be unique"
assert set(KNOWN_FAILURES) <= set(BY_ID), sorted(set(KNOWN_FAILURES) - set(BY_ID))

# CI: a fixed, representative subset per class (api and grade attempts are cheap; CLI attempts
# each start a process, so only a few of them). The bench runs everything.
SLICE_PER_CLASS = {"api": 5, "grade": 4, "cli": 1}  # known failures, and as many others, per class
SLOW = {"cl-huge-20m", "cl-many-rows", "cl-long-sum", "cl-folder-fifo", "cl-jobs-zero", "cl-jobs-neg",
        "cl-file-timeout-nan", "cl-out-is-file", "fl-huge-gogol", "cl-symlink-loop"}


def ci_slice() -> list:
    """Per (kind, class): the first few known failures (they must keep failing until fixed, then
    XPASS) and as many attempts that pass today; slow ones and hangs are left to the bench."""
    out, seen = [], {}
    for att in ALL:
        if att["id"] in SLOW or KNOWN_FAILURES.get(att["id"], "").startswith("hang"):
            continue
        key = (att["kind"], att["cls"], att["id"] in KNOWN_FAILURES)
        if seen.get(key, 0) < SLICE_PER_CLASS[att["kind"]]:
            seen[key] = seen.get(key, 0) + 1
            out.append(att)
    return out
