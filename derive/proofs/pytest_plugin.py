"""pytest plugin: ``pytest proofs/`` collects every proof as a test item.

Files collected are the ``*.py`` files (not starting with ``_`` or ``test_``) in a
folder named ``proofs``. A failing proof is reported in pytest's own output with
its first failing step, the verdict and the counterexample.
"""
from __future__ import annotations

import pytest


class ProofFailed(Exception):
    """Raised by a proof item whose report is not ok."""


def pytest_collect_file(file_path, parent):
    if (file_path.suffix == ".py" and file_path.parent.name == "proofs"
            and not file_path.name.startswith(("_", "test_"))):
        return ProofFile.from_parent(parent, path=file_path)
    return None


class ProofFile(pytest.File):
    def collect(self):
        from .discover import entries_in_file

        for entry in entries_in_file(self.path):
            yield ProofItem.from_parent(self, name=entry.name, entry=entry)


class ProofItem(pytest.Item):
    def __init__(self, *, entry, **kwargs):
        super().__init__(**kwargs)
        self.entry = entry
        self.report = None

    def runtest(self):
        self.report = self.entry.build().check()
        if not self.report.ok:
            raise ProofFailed(self.entry.name)

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, ProofFailed) and self.report is not None:
            return f"proof {self.entry.name} is not proved: {self.report.status}\n" + self.report.failure_text()
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, None, f"proof {self.entry.name}"
