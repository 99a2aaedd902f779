"""Fixtures shared by test folders."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from local_site import local_site
from multilingual_fixtures import routed_models, train_tiny_multilingual
from unspin.inference.model_folder import ModelConfig


@pytest.fixture
def site() -> Iterator[tuple[str, list[str]]]:
    """A tiny web site on loopback (tests/local_site.py): its base URL and the paths asked for."""
    with local_site() as served:
        yield served


@pytest.fixture(scope="session")
def tiny_multilingual(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny multilingual model folder (``tiny-multilingual``), trained once per session."""
    pytest.importorskip("torch")
    pytest.importorskip("sentencepiece")
    return train_tiny_multilingual(tmp_path_factory.mktemp("tiny-multilingual"))


@pytest.fixture
def installed_multilingual(
    tiny_multilingual: Path, monkeypatch: pytest.MonkeyPatch
) -> dict[Path, ModelConfig]:
    """Routing in this process as if the tiny multilingual model were installed beside the
    shipped English one (a Router built without ``models=`` finds both)."""
    models = routed_models(tiny_multilingual)
    monkeypatch.setattr("unspin.inference.routing.installed_models", lambda: models)
    return models


@pytest.fixture
def english_only(monkeypatch: pytest.MonkeyPatch) -> dict[Path, ModelConfig]:
    """Routing in this process as if only the shipped English model were installed (as
    before the multilingual package held a model, or with it uninstalled)."""
    from unspin.inference.model_folder import DEFAULT_MODEL_DIR

    models = {DEFAULT_MODEL_DIR: ModelConfig.load(DEFAULT_MODEL_DIR)}
    monkeypatch.setattr("unspin.inference.routing.installed_models", lambda: models)
    return models
