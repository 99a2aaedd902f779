"""Routing: English to the fast English model, other languages to the multilingual one."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("torch")
pytest.importorskip("sentencepiece")

from multilingual_fixtures import write_araieval, write_tiny_encoder
from unspin.inference import model_folder
from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig
from unspin.inference.routing import Router

ARABIC = "هؤلاء الخونة يكذبون على الشعب كل يوم، فإما أن تكون معنا أو مع الإرهاب."
ENGLISH = "The council will meet on Tuesday to discuss the budget for the coming year."
FRENCH = "Le gouvernement a menti aux citoyens pendant des années, et tout le monde le sait."
MIXED = (
    'The minister told reporters: "هؤلاء الخونة يكذبون على الشعب كل يوم، فإما أن تكون معنا أو '
    'مع الإرهاب" before leaving the room.'
)


@pytest.fixture(scope="module")
def multilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model folder trained by train-multilingual (reads E5's languages, evaluated on
    Arabic and English)."""
    from unspin.training.multilingual import MultilingualConfig
    from unspin.training.multilingual_run import train_multilingual

    root = tmp_path_factory.mktemp("routing")
    spans, documents = write_araieval(root / "data")
    config = MultilingualConfig(
        araieval24=str(spans),
        araieval23=str(documents),
        output=str(root / "tiny-multilingual"),
        encoder=str(write_tiny_encoder(root / "encoder")),
        name="tiny-multilingual",
        folds=3,
        freeze_layers=2,
        epochs=1,
        batch_size=4,
        max_length=64,
        threads=1,
    )
    return train_multilingual(config, log=lambda _: None)


@pytest.fixture
def router(multilingual: Path) -> Router:
    models = {
        DEFAULT_MODEL_DIR: ModelConfig.load(DEFAULT_MODEL_DIR),
        multilingual: ModelConfig.load(multilingual),
    }
    return Router(models=models, threads=1)


def test_each_language_goes_to_its_model(router: Router, multilingual: Path) -> None:
    assert router.model_for(ENGLISH) == DEFAULT_MODEL_DIR
    assert router.model_for(ARABIC) == multilingual
    assert router.model_for(FRENCH) == multilingual
    assert router.model_for("12345 67890") == DEFAULT_MODEL_DIR
    # English quoting a sizeable Arabic statement goes to the model that reads both.
    assert router.model_for(MIXED) == multilingual


def test_analyses_name_their_model_and_whether_the_language_was_evaluated(router: Router) -> None:
    english, arabic, french = router.analyze_batch([ENGLISH, ARABIC, FRENCH])
    assert english.model.name == ModelConfig.load(DEFAULT_MODEL_DIR).name
    assert arabic.model.name == french.model.name == "tiny-multilingual"
    assert arabic.model.evaluated == ("ar", "en")
    assert english.warnings() == [] and arabic.warnings() == []
    [warning] = french.warnings()
    assert "evaluated on Arabic and English only" in warning
    assert french.to_dict()["model"]["evaluated_languages"] == ["ar", "en"]


def test_model_overrides_the_choice(router: Router, multilingual: Path) -> None:
    fixed = Router(model=DEFAULT_MODEL_DIR, models=router.models, threads=1)
    assert fixed.model_for(ARABIC) == DEFAULT_MODEL_DIR
    [analysis] = fixed.analyze_batch([ARABIC])
    assert "reads only English" in analysis.warnings()[0]
    assert Router(model=multilingual, threads=1).model_for(ENGLISH) == multilingual


def test_an_installed_model_is_found_by_name(
    multilingual: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    installed = {multilingual: ModelConfig.load(multilingual)}
    monkeypatch.setattr(model_folder, "installed_models", lambda: installed)
    assert model_folder.resolve_model_dir("tiny-multilingual") == multilingual
    assert model_folder.resolve_model_dir("fast") == DEFAULT_MODEL_DIR
    with pytest.raises(model_folder.ModelError, match="no installed model"):
        model_folder.resolve_model_dir("no-such-model")
