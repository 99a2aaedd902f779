"""``UnspinError``: every exception class unspin defines derives from it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import unspin
from unspin import UnspinError


def _exception_classes() -> dict[str, type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(unspin.__path__, "unspin."):
        if ".migrations" in module_info.name:  # Alembic scripts run only under Alembic
            continue
        module = importlib.import_module(module_info.name)
        for name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.__name__:
                found[f"{module.__name__}.{name}"] = value
    return found


def test_every_unspin_exception_is_an_unspin_error() -> None:
    classes = _exception_classes()
    assert len(classes) >= 12
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, UnspinError))
    assert outside == []


def test_errors_keep_their_builtin_bases() -> None:
    from unspin.formats.errors import FormatError
    from unspin.inference.model_folder import ModelError
    from unspin.taxonomy import UnknownTechniqueError

    assert issubclass(FormatError, ValueError) and issubclass(ModelError, RuntimeError)
    assert issubclass(UnknownTechniqueError, KeyError)


def test_version_is_the_one_in_pyproject() -> None:
    import tomllib
    from pathlib import Path

    pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    assert unspin.__version__ == project["version"]
