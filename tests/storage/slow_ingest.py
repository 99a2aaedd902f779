"""``unspin`` with a slow phrase analyzer in place of the model, for the interruption test."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import unspin.cli.corpus
from storage.conftest import PhraseAnalyzer
from unspin.cli.main import main
from unspin.schema import Analysis, Document


class SlowAnalyzer(PhraseAnalyzer):
    """Takes 20 ms per document, like a (fast) model."""

    def analyze_batch(self, items: Iterable[Document]) -> list[Analysis]:
        documents = list(items)
        time.sleep(0.02 * len(documents))
        return super().analyze_batch(documents)


unspin.cli.corpus.load_analyzer = lambda model: SlowAnalyzer()

if __name__ == "__main__":
    main()
