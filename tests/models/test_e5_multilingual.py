"""The shipped multilingual model package: found by name, reads Arabic name calling that any
reader sees (and, not yet, a false dilemma). Skipped only while the repository ships no trained
model."""

from __future__ import annotations

from pathlib import Path

import pytest

from unspin.inference.model_folder import CONFIG_FILE, installed_models, resolve_model_dir
from unspin.inference.routing import Router

PACKAGE = Path(__file__).resolve().parents[2] / "models" / "unspin-e5-multilingual"
SHIPPED = (PACKAGE / "unspin_e5_multilingual" / "model" / CONFIG_FILE).is_file()
pytestmark = pytest.mark.skipif(not SHIPPED, reason="no trained multilingual model shipped yet")

# "These traitors and mercenaries lie to the people every day. Either you are with us or with
# the terrorists; there is no third choice."
TEXT = (
    "هؤلاء الخونة المرتزقة يكذبون على الشعب كل يوم. "
    "إما أن تكون معنا أو مع الإرهابيين، لا خيار ثالث."
)


def test_the_package_is_installed_and_found_by_name() -> None:
    folder = resolve_model_dir("multilingual")
    assert resolve_model_dir("unspin-e5-multilingual") == folder
    assert folder in installed_models()
    assert Router().model_for(TEXT) == folder


def test_obvious_name_calling_is_found() -> None:
    analysis = Router().analyze(TEXT)
    assert analysis.model.name == "unspin-e5-multilingual"
    assert analysis.language is not None and analysis.language.code == "ar"
    insults = [TEXT.index(word) for word in ("الخونة", "المرتزقة", "الإرهابيين")]
    found = {(s.technique, s.text_in(TEXT)) for s in analysis.spans}
    assert any(
        s.technique == "Name_Calling,Labeling" and s.start <= insult < s.end
        for s in analysis.spans
        for insult in insults
    ), found


@pytest.mark.xfail(
    strict=True,
    reason="the false dilemma has 9 Arabic training spans: the shipped model does not find "
    "this one (its Black-and-White threshold is 0.9; see its model card's per-technique scores)",
)
def test_an_obvious_false_dilemma_is_found() -> None:
    analysis = Router().analyze(TEXT)
    dilemma = TEXT.index("إما أن تكون معنا")
    found = {(s.technique, s.text_in(TEXT)) for s in analysis.spans}
    assert any(
        s.technique == "Black-and-White_Fallacy" and s.start <= dilemma + 5 < s.end
        for s in analysis.spans
    ), found


def test_a_line_read_with_its_newline_is_analysed_as_the_line() -> None:
    router = Router()
    encoder = router.analyzer(router.model_for(TEXT)).encoder
    assert len(encoder.encode(TEXT + " \n\n")) == len(encoder.encode(TEXT))
    assert router.analyze(TEXT + "\n").spans == router.analyze(TEXT).spans
