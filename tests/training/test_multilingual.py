"""train-multilingual end to end on a tiny encoder and tiny Arabic files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("sentencepiece")

from multilingual_fixtures import tiny_config, write_araieval, write_tiny_encoder
from unspin.inference.analyzer import Analyzer
from unspin.training.checkpoint import CHECKPOINT_FILE
from unspin.training.multilingual import arabic_split
from unspin.training.multilingual_run import train_multilingual


def test_folds_hold_both_types_and_twin_documents_are_left_out(tmp_path: Path) -> None:
    split = arabic_split(tiny_config(tmp_path))
    parts = [split.train, split.dev, split.test]
    ids = [d.id for part in parts for d, _ in part]
    assert len(ids) == len(set(ids)) == 9
    for part in parts:
        assert {d.metadata["type"] for d, _ in part} == {"tweet", "paragraph"}
    # The document whose text is a span item's is not trained on twice.
    assert len(split.documents) == 3
    assert split.repairs.moved == split.repairs.dropped == 0


def test_a_fold_trains_exports_and_scores_each_text_type(tmp_path: Path) -> None:
    config = tiny_config(tmp_path)
    folder = train_multilingual(config, log=lambda _: None)
    assert not (folder / CHECKPOINT_FILE).exists()
    metrics = json.loads((folder / "config.json").read_text(encoding="utf-8"))["metrics"]
    test = metrics["arabic_test"]
    assert test["tweet"]["items"] + test["paragraph"]["items"] == test["all"]["items"] > 0
    assert 0.0 <= test["all"]["f1"] <= 1.0
    card = (folder / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "CC BY-NC-SA 4.0" in card and "test fold, tweet" in card
    analyzer = Analyzer(folder, threads=1)
    assert len(analyzer.techniques) == 23
    assert analyzer.encoder.cls_id == 0 and analyzer.encoder.sep_id == 2
    analysis = analyzer.analyze("هؤلاء الخونة يكذبون على الشعب")
    assert analysis.model.name == config.name


def test_an_interrupted_fold_can_be_finished_from_its_checkpoint(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from unspin.training import multilingual_run

    config = tiny_config(tmp_path)
    real_finish = multilingual_run.finish

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(multilingual_run, "finish", interrupted)
    with pytest.raises(KeyboardInterrupt):
        train_multilingual(config, log=lambda _: None)
    assert (Path(config.output) / CHECKPOINT_FILE).is_file()
    monkeypatch.setattr(multilingual_run, "finish", real_finish)
    folder = multilingual_run.finish_from_checkpoint(config, log=lambda _: None)
    saved = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    assert saved["metrics"]["history"][-1] == {"finished_early_after_epoch": 1}
    assert saved["evaluated_languages"] == ["ar", "en"] and "fr" in saved["languages"]
    assert (folder / CHECKPOINT_FILE).is_file()  # it can still resume


def test_cross_validation_is_summarised_and_shipped_with_the_card(tmp_path: Path) -> None:
    import sys

    from click.testing import CliRunner

    from unspin.cli.main import main
    from unspin.training.multilingual_cv import SUMMARY_FILE

    spans, documents = write_araieval(tmp_path / "data")
    encoder = write_tiny_encoder(tmp_path / "encoder")
    run = tmp_path / "run"
    options = ["--araieval24", spans, "--araieval23", documents, "--encoder", encoder]
    options += ["-o", run, "--folds", "3", "--fold", "0", "--fold", "1", "--freeze-layers", "2"]
    options += ["--epochs", "1", "--english-articles", "0", "--threads", "1"]
    arguments = ["train-multilingual", *map(str, options)]
    result = CliRunner().invoke(main, arguments, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    summary = json.loads((run / SUMMARY_FILE).read_text(encoding="utf-8"))
    scores = [fold["arabic_all"] for fold in summary["folds"]]
    assert [fold["fold"] for fold in summary["folds"]] == [0, 1]
    assert summary["mean"]["arabic_all"] == pytest.approx(sum(scores) / 2, abs=1e-4)
    assert "| mean ± sd |" in result.output

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
    from ship_multilingual import ship

    speed = tmp_path / "speed.md"
    speed.write_text("CPU flags: avx2\n\n| model | texts |\n|---|---|\n| fast | ar |\n", "utf-8")
    shipped = ship(run / "fold-0", run, speed, target=tmp_path / "package-model")
    card = (shipped / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert "| mean ± sd |" in card and "| fast | ar |" in card
    assert Analyzer(shipped, threads=1).config.metrics["cross_validation"] == summary
