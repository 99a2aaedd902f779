"""What pruning multilingual-e5-small's vocabulary to its N highest-scoring pieces would change:
the share of Arabic (ArAIEval) and English (PTC) tokens that would have to be cut differently.

    .venv/bin/python benchmarks/vocabulary_pruning.py --encoder runs/e5-small --data ../shared/data
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from tokenizers import Tokenizer

from unspin.formats.araieval import read_document_labels, read_spans


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--encoder", type=Path, required=True, help="folder from convert-e5")
    parser.add_argument("--data", type=Path, required=True, help="the shared data folder")
    parser.add_argument("--keep", type=int, nargs="+", default=[128_000, 160_000])
    args = parser.parse_args()
    tokenizer = Tokenizer.from_file(str(args.encoder / "tokenizer.json"))
    tokenizer.no_padding()
    scores = np.array([s for _, s in json.loads(tokenizer.to_str())["model"]["vocab"]])
    arabic = [
        d.text for d, _ in read_spans(args.data / "araieval24_task1/araieval24_task1_dev.jsonl")
    ]
    arabic += [
        d.text for d, _ in read_document_labels(args.data / "araieval23_task1/task1B_train.jsonl")
    ]
    articles = sorted((args.data / "ptc/train/train-articles").glob("*.txt"))
    english = [path.read_text(encoding="utf-8") for path in articles]
    for keep in args.keep:
        kept = np.zeros(len(scores), bool)
        kept[np.argsort(-scores)[:keep]] = True
        kept[:5] = True  # the special pieces
        for name, texts in (("Arabic", arabic), ("English", english)):
            encodings = tokenizer.encode_batch(texts, add_special_tokens=False)
            ids = np.concatenate([np.asarray(e.ids) for e in encodings])
            share = 100 * float((~kept[ids]).mean())
            print(f"keep {keep}: {name} {len(ids)} tokens, {share:.1f} % outside the kept pieces")


if __name__ == "__main__":
    main()
