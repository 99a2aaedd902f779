"""The README's outputs are what scripts/readme_outputs.py gets from the code, and the blocks it
leaves as written name no model but the shipped ones."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from annotation_fixtures import SHARED_DATA
from unspin.inference.model_folder import CONFIG_FILE, ModelConfig

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "readme_outputs.py"
README = ROOT / "README.md"
# "unspin-minilm-ptc 1.3.0", "unspin-minilm-ptc,1.3.0" (CSV), "NAME@VERSION", and JSON or repr
# ("name": "unspin-minilm-ptc", "version": "1.3.0").
NAMED_VERSION = re.compile(
    r"(unspin-[a-z0-9-]+)(?:[\s,@]+|\W+version\W+)(\d+\.\d+\.\d+[\w.-]*)", re.IGNORECASE
)
FINGERPRINT = re.compile(r"fingerprint\W+([0-9a-f]{16})\b")


def test_readme_outputs_are_current() -> None:
    result = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    shown = [line for line in result.stdout.splitlines() if line.startswith("current: ")]
    for kind in ("unspin analyze -", "unspin techniques", "unspin --help", "curl POST", "python: "):
        assert any(kind in line for line in shown), f"no {kind!r} block was checked"
    assert "current: the Model section's scores" in shown
    assert any("unspin convert" in line for line in shown), "the brat notes were checked"
    if (SHARED_DATA / "ptc" / "train").is_dir() and (SHARED_DATA / "semeval2021t6").is_dir():
        assert any("unspin evaluate --task semeval2021-1" in line for line in shown)


def shipped_models() -> dict[tuple[str, str], str]:
    """(name, version) -> fingerprint of every model folder the repository holds."""
    configs = [
        *(ROOT / "src" / "unspin" / "models").glob(f"*/{CONFIG_FILE}"),
        *(ROOT / "models").glob(f"*/*/model/{CONFIG_FILE}"),
    ]
    found = {}
    for path in configs:
        config = ModelConfig.load(path.parent)
        found[(config.name, config.version)] = config.fingerprint(path.parent)
    return found


def test_the_patterns_find_a_model_named_in_any_form() -> None:
    shown = (
        "spans of unspin-minilm-ptc 1.2.0 are written\n"
        "bt-8,Bay Times,2024-02-11,8,unspin-minilm-ptc,1.2.1,140\n"
        "per source — unspin-e5-multilingual 0.1.0, unspin-minilm-ptc\n        1.2.2\n"
        "ModelInfo(name='unspin-minilm-ptc', version='1.2.3', fingerprint='db0e22abc4cf1e95')\n"
        '"model": {\n    "name": "unspin-minilm-ptc",\n    "version": "1.2.4",\n'
        '    "fingerprint": "0123456789abcdef",'
    )
    versions = [version for _, version in NAMED_VERSION.findall(shown)]
    assert versions == ["1.2.0", "1.2.1", "0.1.0", "1.2.2", "1.2.3", "1.2.4"]
    assert FINGERPRINT.findall(shown) == ["db0e22abc4cf1e95", "0123456789abcdef"]


def test_readme_names_only_the_shipped_models() -> None:
    shipped = shipped_models()
    readme = README.read_text(encoding="utf-8")
    named = set(NAMED_VERSION.findall(readme))
    assert named - set(shipped) == set(), "the README names a model that is not shipped"
    stale = set(FINGERPRINT.findall(readme)) - set(shipped.values())
    assert stale == set(), "the README shows a fingerprint of no shipped model"
