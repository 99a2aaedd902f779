"""Ship a trained multilingual fold as the model package ``models/unspin-e5-multilingual``.

Usage (the ``train`` extra; after ``unspin train-multilingual ... -o OUT --fold 0 ... --fold 4``)::

    .venv/bin/python scripts/ship_multilingual.py OUT/fold-0 --cross-validation OUT

Copies the fold's model files into the package, adds the cross-validation summary
(``OUT/cross_validation.json``, see ``unspin.training.multilingual_cv``) to its metrics, and
writes its model card from them.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

from unspin.inference.model_folder import ModelConfig
from unspin.training.multilingual import CONFIG_FILE, MultilingualConfig
from unspin.training.multilingual_card import write_multilingual_card
from unspin.training.multilingual_cv import summarise_folds

REPO = Path(__file__).resolve().parent.parent
PACKAGE_MODEL = REPO / "models/unspin-e5-multilingual/unspin_e5_multilingual/model"


def ship(
    fold: Path,
    cross_validation: Path | None,
    speed: Path | None = None,
    target: Path = PACKAGE_MODEL,
) -> Path:
    """Copy ``fold``'s model into ``target`` with its card; returns ``target``.

    ``speed``: the markdown table printed by ``benchmarks/multilingual_speed.py``, for the card.
    """
    config = ModelConfig.load(fold)
    target.mkdir(parents=True, exist_ok=True)
    for name in (config.onnx_file, config.tokenizer_file, config.span_head_file):
        shutil.copyfile(fold / name, target / name)
    if cross_validation is not None:
        config.metrics["cross_validation"] = summarise_folds(cross_validation)
    if speed is not None:
        rows = speed.read_text("utf-8").splitlines()
        config.metrics["speed_table"] = [row for row in rows if row.startswith("|")]
    config.save(target)
    training = MultilingualConfig(**json.loads((fold / CONFIG_FILE).read_text("utf-8")))
    write_multilingual_card(target, training, config.metrics)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("fold", type=Path, help="a finished fold folder (OUT/fold-N)")
    parser.add_argument("--cross-validation", type=Path, default=None, help="the run's OUT")
    parser.add_argument("--speed", type=Path, default=None, help="multilingual_speed.py output")
    args = parser.parse_args()
    print(f"shipped to {ship(args.fold, args.cross_validation, args.speed)}")


if __name__ == "__main__":
    main()
