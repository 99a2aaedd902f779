"""Routing: English to the fast English model, other languages to the multilingual one."""

from __future__ import annotations

from pathlib import Path

import pytest

from multilingual_fixtures import routed_models
from unspin.inference import model_folder
from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig, ModelError
from unspin.inference.routing import Router

ARABIC = "هؤلاء الخونة يكذبون على الشعب كل يوم، فإما أن تكون معنا أو مع الإرهاب."
ENGLISH = "The council will meet on Tuesday to discuss the budget for the coming year."
FRENCH = "Le gouvernement a menti aux citoyens pendant des années, et tout le monde le sait."
MIXED = (
    'The minister told reporters: "هؤلاء الخونة يكذبون على الشعب كل يوم، فإما أن تكون معنا أو '
    'مع الإرهاب" before leaving the room.'
)


@pytest.fixture
def multilingual(tiny_multilingual: Path) -> Path:
    return tiny_multilingual


@pytest.fixture
def router(multilingual: Path) -> Router:
    return Router(models=routed_models(multilingual), threads=1)


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


def test_without_a_multilingual_model_every_text_goes_to_the_english_one() -> None:
    """What ships today: the English model reads Arabic too, and its analysis says it cannot."""
    english_only = Router(models={DEFAULT_MODEL_DIR: ModelConfig.load(DEFAULT_MODEL_DIR)})
    assert english_only.model_for(ARABIC) == english_only.model_for(MIXED) == DEFAULT_MODEL_DIR
    arabic, english = english_only.analyze_batch([ARABIC, ENGLISH])
    assert arabic.model == english.model == english_only.info == english_only.info_for(ARABIC)
    assert arabic.unread_language is not None and "reads only English" in arabic.warnings()[0]
    assert english.warnings() == []
    assert english_only.infos() == [english_only.info]


def test_infos_and_named_models(router: Router, multilingual: Path) -> None:
    default, tiny = router.infos()
    assert default == router.info == router.info_for(ENGLISH)
    assert tiny == router.info_for(ARABIC) and tiny.name == "tiny-multilingual"
    assert router.named("tiny-multilingual").model_for(ENGLISH) == multilingual
    # A named router shares the models its router loaded.
    fast = router.named("fast")
    assert fast.model_for(ARABIC) == DEFAULT_MODEL_DIR
    assert fast.analyzer(DEFAULT_MODEL_DIR) is router.analyzer(DEFAULT_MODEL_DIR)
    with pytest.raises(ModelError, match="no installed model is called 'nope'"):
        router.named("nope")
    with pytest.raises(ModelError, match="no installed model"):
        router.named(str(multilingual))  # a folder is not a name
    fixed = Router(model=DEFAULT_MODEL_DIR, models=router.models)
    assert fixed.named(default.name) is fixed and fixed.named("fast") is fixed
    with pytest.raises(ModelError, match="fixed"):
        fixed.named("tiny-multilingual")
