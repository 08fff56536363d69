"""A test-only stage that holds a run at a known point (inserted through `[plugins.gate]`).

Interrupt and kill tests must not race the pipeline: on a loaded machine a
short corpus can finish before a signal lands (exit 0 instead of 130). With the
gate closed, each process lets ``pass_docs`` documents through and then waits
until the file ``open_file`` exists, so the run cannot end on its own; with the
file present the stage changes nothing.
"""

from __future__ import annotations

import os
import time

from pipeline.document import Document


class GateStage:
    name = "gate"
    requires = ("text",)
    assigns: tuple[str, ...] = ()

    def __init__(self, open_file: str, pass_docs: int = 1, poll_seconds: float = 0.02):
        self.open_file = open_file
        self.pass_docs = pass_docs
        self.poll_seconds = poll_seconds
        self._seen = 0

    def __call__(self, doc: Document) -> Document:
        self._seen += 1
        if self._seen > self.pass_docs:
            while not os.path.exists(self.open_file):
                time.sleep(self.poll_seconds)
        return doc
