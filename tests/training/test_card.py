"""The model card states the run's own facts: its data counts, settings and measured scores."""

from __future__ import annotations

from unspin.inference.model_folder import ModelConfig, channels_for
from unspin.taxonomy import display_name
from unspin.training.card import CardFacts, render_model_card
from unspin.training.config import TrainConfig
from unspin.training.data import DataFacts, default_techniques
from unspin.training.evaluate import Evaluation, OverallScores, TrainingReport


def _evaluation(f1: float, tc: float | None) -> Evaluation:
    techniques = default_techniques()
    return Evaluation(
        overall=OverallScores(f1, f1, f1, f1 / 2, f1 / 2, f1 / 2, tc),
        flc_per_technique={t: 0.05 * i for i, t in enumerate(techniques)},
        tc_per_technique={t: 0.5 for t in techniques} if tc is not None else None,
    )


def _facts(semeval2021: str | None = None) -> CardFacts:
    techniques = default_techniques()
    model = ModelConfig("desk-tagger", "0.3.0", channels_for(techniques), techniques)
    config = TrainConfig(
        ptc="PTC", output="OUT", seed=5, epochs=4, semeval2021=semeval2021, train_stride=123
    )
    data = DataFacts(
        articles=57,
        train_articles=45,
        dev_articles=6,
        test_articles=6,
        memes=11 if semeval2021 else 0,
        spans_per_technique={t: 100 + i for i, t in enumerate(techniques)} | {techniques[3]: 9},
    )
    report = TrainingReport(
        dev=_evaluation(0.4111, 0.6222),
        test=_evaluation(0.3999, 0.5888),
        memes=_evaluation(0.7, None) if semeval2021 else None,
        train_seconds=321.5,
    )
    return CardFacts(model, config, data, report)


def test_the_card_states_counts_and_scores_of_the_run() -> None:
    card = render_model_card(_facts())
    assert card.startswith("# Model card: desk-tagger 0.3.0\n")
    assert "57 articles" in card and "45 train, 6 dev" in card and "6 test" in card
    assert "371" not in card and "688" not in card, "no counts of another run"
    assert "No extra data." in card and "memes (out of domain)" not in card
    assert "| test | 0.400 | 0.400 | 0.400 | 0.589 | 0.200 |" in card
    assert "| dev | 0.411 |" in card
    fewest = display_name(default_techniques()[3])
    assert f"down to 9 spans, {fewest}" in card
    assert "training reads windows every 123 tokens" in card and "seed 5" in card
    assert "every x86 CPU" not in card, "the weights of this run were not bounded"
    assert "--epochs 4" in card and "321.5 s" in card
    assert "$" not in card, "every placeholder filled"


def test_the_card_shows_the_meme_row_only_when_memes_were_used() -> None:
    card = render_model_card(_facts(semeval2021="MEMES"))
    assert "training memes (11)" in card
    assert "| SemEval-2021 dev memes (out of domain) | 0.700 |" in card
    assert "The meme row scores gold spans" in card


def test_weak_techniques_are_those_below_the_cut_on_test() -> None:
    card = render_model_card(_facts())
    weak_line = next(line for line in card.splitlines() if line.startswith("- Weak span"))
    techniques = default_techniques()
    # FLC F1 of technique i is 0.05 * i: the first four are under 0.2.
    for index, technique in enumerate(techniques):
        assert (display_name(technique) in weak_line) == (index < 4)


def test_the_card_says_when_the_weights_compute_the_same_on_every_cpu() -> None:
    facts = _facts()
    facts.model.saturation_free = True
    assert "the same outputs on every x86 CPU" in render_model_card(facts)


def test_the_command_line_of_a_smaller_distilled_student_reproduces_it() -> None:
    facts = _facts()
    facts.config.layers = 4
    facts.config.ffn_width = 768
    facts.config.meme_repeats = 2
    facts.config.teacher = "runs/teacher"
    facts.config.init = "runs/start"
    facts.config.context_tokens = 8
    facts.config.aligned_windows = True
    card = render_model_card(facts)
    command = next(line for line in card.splitlines() if line.startswith("`unspin train"))
    for option in (
        "--layers 4",
        "--ffn-width 768",
        "--meme-repeats 2",
        "--teacher TEACHER",
        "--init INIT",
        "--context 8",
        "--train-on-inference-windows",
    ):
        assert option in command
    assert "4 of " in card, "the card says how many of the encoder's layers were kept"
    assert "feed-forward 768 of " in card, "and how many feed-forward units"
    plain = render_model_card(_facts())
    for option in ("--layers", "--ffn-width", "--meme-repeats", "--context", "--init"):
        assert option not in plain
