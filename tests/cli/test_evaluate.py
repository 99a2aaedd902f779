"""``unspin evaluate``: hand-checked scores, and the PTC training labels against themselves."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotation_fixtures import hostile_documents, scored
from unspin.cli.main import main
from unspin.formats.annotated import Annotated
from unspin.formats.brat import write_brat
from unspin.formats.labelstudio import write_label_studio
from unspin.formats.ptc import read_articles, read_labels, write_flc
from unspin.schema import Document, Span

PTC_TRAIN = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "ptc" / "train"
needs_ptc = pytest.mark.skipif(
    not PTC_TRAIN.is_dir(), reason=f"PTC training data not found at {PTC_TRAIN}"
)


def evaluate_json(runner: CliRunner, task: str, gold: Path, pred: Path) -> dict[str, object]:
    result = runner.invoke(main, ["evaluate", "--task", task, str(gold), str(pred), "--json"])
    assert result.exit_code == 0, result.output
    scores: dict[str, object] = json.loads(result.output)
    return scores


def whole_lines(text: str) -> list[tuple[int, int]]:
    """Every non-empty line of ``text`` as one span (the line break excluded)."""
    return [(m.start(), m.end()) for m in re.finditer(r"[^\r\n]+", text)]


def test_whole_line_prediction_on_a_hand_case(tmp_path: Path, runner: CliRunner) -> None:
    # Article 7: "Hi there.\nWhat a disgrace!\n"; lines [0, 9) and [10, 26).
    # Gold: "Hi" [0, 2) and "disgrace" [17, 25).
    #   P = (|[0,9)∩[0,2)| / 9 + |[10,26)∩[17,25)| / 16) / 2 = (2/9 + 8/16) / 2 = 13/36 = 0.3611
    #   R = (2/2 + 8/8) / 2 = 1
    #   F1 = 2 · (13/36) · 1 / (13/36 + 1) = 26/49 = 0.5306
    text = "Hi there.\nWhat a disgrace!\n"
    gold = tmp_path / "gold.labels"
    gold.write_text("7\tLoaded_Language\t17\t25\n7\tSlogans\t0\t2\n", encoding="utf-8")
    pred = tmp_path / "pred.labels"
    pred.write_text("".join(f"7\t{a}\t{b}\n" for a, b in whole_lines(text)), encoding="utf-8")
    assert pred.read_text() == "7\t0\t9\n7\t10\t26\n"
    scores = evaluate_json(runner, "si", gold, pred)
    assert scores["precision"] == pytest.approx(13 / 36)
    assert scores["recall"] == pytest.approx(1.0)
    assert scores["f1"] == pytest.approx(26 / 49)
    table = runner.invoke(main, ["evaluate", "--task", "si", str(gold), str(pred)]).output
    assert "0.3611" in table and "0.5306" in table


def test_tc_and_flc_tables(tmp_path: Path, runner: CliRunner) -> None:
    gold = tmp_path / "gold.labels"
    gold.write_text("1\tDoubt\t0\t10\n1\tSlogans\t0\t10\n1\tDoubt\t20\t30\n", encoding="utf-8")
    pred = tmp_path / "pred.labels"
    pred.write_text("1\tDoubt\t0\t10\n1\tDoubt\t0\t10\n1\tDoubt\t20\t30\n", encoding="utf-8")
    # TC: span (0, 10) gold {Doubt, Slogans} vs {Doubt, Doubt}: 1 hit; (20, 30): 1 hit. 2/3.
    tc = evaluate_json(runner, "tc", gold, pred)
    assert tc["f1"] == pytest.approx(2 / 3)
    assert set(tc["per_technique"]) == {"Doubt", "Slogans"}  # type: ignore[arg-type]
    # FLC: Doubt matches exactly (duplicates merge); Slogans is missed. Micro P = 2/2, R = 2/3.
    flc = evaluate_json(runner, "flc", gold, pred)
    assert flc["precision"] == pytest.approx(1.0)
    assert flc["recall"] == pytest.approx(2 / 3)
    table = runner.invoke(main, ["evaluate", "--task", "flc", str(gold), str(pred)]).output
    assert "Slogans" in table and "micro average" in table


def test_a_submission_named_txt_is_read_as_ptc_labels(tmp_path: Path, runner: CliRunner) -> None:
    # `unspin semeval` writes SemEval-2020 submissions, which are named .txt.
    gold = tmp_path / "gold.labels"
    gold.write_text("1\tDoubt\t0\t10\n1\tSlogans\t20\t30\n", encoding="utf-8")
    pred = tmp_path / "submission.txt"
    pred.write_text("1\tDoubt\t0\t10\n", encoding="utf-8")
    flc = evaluate_json(runner, "flc", gold, pred)
    assert flc["precision"] == pytest.approx(1.0)
    assert flc["recall"] == pytest.approx(0.5)


def test_tables_show_display_names_json_keeps_corpus_names(
    tmp_path: Path, runner: CliRunner
) -> None:
    gold = tmp_path / "gold.labels"
    gold.write_text(
        "1\tWhataboutism,Straw_Men,Red_Herring\t0\t10\n1\tName_Calling,Labeling\t20\t30\n",
        encoding="utf-8",
    )
    table = runner.invoke(main, ["evaluate", "--task", "tc", str(gold), str(gold)]).output
    assert "Name Calling, Labeling" in table and "Whataboutism, Straw Man," in table
    assert "_" not in table.replace(str(gold), "")
    assert max(len(line) for line in table.splitlines()) <= 80
    scores = evaluate_json(runner, "tc", gold, gold)
    assert set(scores["per_technique"]) == {  # type: ignore[arg-type]
        "Whataboutism,Straw_Men,Red_Herring",
        "Name_Calling,Labeling",
    }


@needs_ptc
@pytest.mark.parametrize("task", ["si", "tc", "flc"])
def test_ptc_training_labels_against_themselves(runner: CliRunner, task: str) -> None:
    gold = PTC_TRAIN / "train-task2-TC.labels"
    pred = PTC_TRAIN / "train-labels-task2-technique-classification"  # the per-article files
    scores = evaluate_json(runner, task, gold, pred)
    assert (scores["precision"], scores["recall"], scores["f1"]) == (1.0, 1.0, 1.0)
    table = runner.invoke(main, ["evaluate", "--task", task, str(gold), str(gold)]).output
    assert "1.0000" in table


def reference_si(
    gold: dict[str, list[set[int]]], pred: dict[str, list[set[int]]]
) -> tuple[float, float]:
    """The task paper's SI definition, literally: spans as sets of offsets."""

    def merged(spans: list[set[int]]) -> list[set[int]]:
        out: list[set[int]] = []
        for span in spans:
            for other in [o for o in out if o & span]:
                out.remove(other)
                span = span | other
            out.append(span)
        return out

    p_sum = r_sum = 0.0
    n_pred = n_gold = 0
    for article in gold.keys() | pred.keys():
        ss, ts = merged(pred.get(article, [])), merged(gold.get(article, []))
        n_pred, n_gold = n_pred + len(ss), n_gold + len(ts)
        for s in ss:
            for t in ts:
                p_sum += len(s & t) / len(s)
                r_sum += len(s & t) / len(t)
    return p_sum / n_pred, r_sum / n_gold


@needs_ptc
def test_whole_line_prediction_on_ptc_matches_the_literal_definition(
    tmp_path: Path, runner: CliRunner
) -> None:
    articles = read_articles(PTC_TRAIN / "train-articles")
    pred = tmp_path / "lines.labels"
    rows = [f"{d.id}\t{a}\t{b}\n" for d in articles for a, b in whole_lines(d.text)]
    pred.write_text("".join(rows), encoding="utf-8")
    gold_path = PTC_TRAIN / "train-task1-SI.labels"
    scores = evaluate_json(runner, "si", gold_path, pred)

    def as_sets(path: Path) -> dict[str, list[set[int]]]:
        return {k: [set(range(s.start, s.end)) for s in v] for k, v in read_labels(path).items()}

    precision, recall = reference_si(as_sets(gold_path), as_sets(pred))
    assert scores["precision"] == pytest.approx(precision)
    assert scores["recall"] == pytest.approx(recall)
    assert 0.0 < scores["f1"] < 1.0  # type: ignore[operator]


def test_semeval2021_subtasks(tmp_path: Path, runner: CliRunner) -> None:
    # Subtask 1, meme 1: gold {Smears, Slogans}, pred {Smears}: micro P = 1, R = 1/2, F1 = 2/3;
    # macro: Smears F1 1, Slogans F1 0 -> 0.5.
    gold1, pred1 = tmp_path / "gold1.json", tmp_path / "pred1.json"
    gold1.write_text(json.dumps([{"id": "1", "labels": ["Smears", "Slogans"], "text": "x"}]))
    pred1.write_text(json.dumps([{"id": "1", "labels": ["Smears"], "text": "x"}]))
    scores = evaluate_json(runner, "semeval2021-1", gold1, pred1)
    assert scores["f1"] == pytest.approx(2 / 3)
    assert scores["macro_f1"] == pytest.approx(0.5)
    # Subtask 2: gold Smears [0, 8), pred Smears [4, 8): P = 4/4, R = 4/8.
    item = {"id": "1", "text": "Crooked Joe"}
    gold2, pred2 = tmp_path / "gold2.json", tmp_path / "pred2.json"
    gold2.write_text(
        json.dumps([{**item, "labels": [{"start": 0, "end": 8, "technique": "Smears"}]}])
    )
    pred2.write_text(
        json.dumps([{**item, "labels": [{"start": 4, "end": 8, "technique": "Smears"}]}])
    )
    scores = evaluate_json(runner, "semeval2021-2", gold2, pred2)
    assert (scores["precision"], scores["recall"]) == (1.0, 0.5)


def test_semeval2021_gold_mapped_onto_unspin_names(tmp_path: Path, runner: CliRunner) -> None:
    # Gold in SemEval-2021 names; predictions as unspin names them (one in SemEval-2021's).
    gold1, pred1 = tmp_path / "gold1.json", tmp_path / "pred1.json"
    gold_labels = [
        "Name calling/Labeling",
        "Whataboutism",
        "Presenting Irrelevant Data (Red Herring)",
    ]
    gold1.write_text(json.dumps([{"id": "1", "labels": gold_labels, "text": "x"}]))
    pred_labels = ["Name_Calling,Labeling", "Whataboutism,Straw_Men,Red_Herring", "Smears"]
    pred1.write_text(json.dumps([{"id": "1", "labels": pred_labels, "text": "x"}]))
    assert evaluate_json(runner, "semeval2021-1", gold1, pred1)["f1"] == 0.0
    args = ["evaluate", "--task", "semeval2021-1", str(gold1), str(pred1), "--map-techniques"]
    result = runner.invoke(main, [*args, "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    # Gold {Name_Calling,Labeling, Whataboutism,...} (two names merge), pred adds Smears.
    assert (scores["precision"], scores["recall"]) == (pytest.approx(2 / 3), 1.0)
    assert scores["map_techniques"] is True
    assert set(scores["per_technique"]) == set(pred_labels)
    assert "SemEval-2021 names mapped" in runner.invoke(main, args).output
    # Subtask 2: gold Name calling [0, 7), pred Name_Calling,Labeling [0, 7): a full match.
    item = {"id": "1", "text": "Crooked Joe"}
    gold2, pred2 = tmp_path / "gold2.json", tmp_path / "pred2.json"
    span = {"start": 0, "end": 7}
    gold2.write_text(
        json.dumps([{**item, "labels": [{**span, "technique": "Name calling/Labeling"}]}])
    )
    pred2.write_text(
        json.dumps([{**item, "labels": [{**span, "technique": "Name_Calling,Labeling"}]}])
    )
    assert evaluate_json(runner, "semeval2021-2", gold2, pred2)["f1"] == 0.0
    args = ["evaluate", "--task", "semeval2021-2", str(gold2), str(pred2), "--map-techniques"]
    scores = json.loads(runner.invoke(main, [*args, "--json"]).output)
    assert (scores["precision"], scores["recall"], scores["f1"]) == (1.0, 1.0, 1.0)


def test_map_techniques_needs_a_semeval2021_task(tmp_path: Path, runner: CliRunner) -> None:
    gold = tmp_path / "gold.labels"
    gold.write_text("1\tDoubt\t0\t10\n", encoding="utf-8")
    args = ["evaluate", "--task", "tc", str(gold), str(gold), "--map-techniques"]
    result = runner.invoke(main, args)
    assert result.exit_code == 2 and "semeval2021 tasks only" in result.output


def test_araieval2024_scores_unmerged_spans_from_jsonl(tmp_path: Path, runner: CliRunner) -> None:
    text = "هؤلاء الخونة يكذبون على الشعب"
    gold = tmp_path / "gold.jsonl"
    labels = [
        {"start": 6, "end": 12, "technique": "Name_Calling-Labeling", "text": "الخونة"},
        {"start": 0, "end": 12, "technique": "Name_Calling-Labeling", "text": "هؤلاء الخونة"},
    ]
    gold.write_text(json.dumps({"id": "1", "text": text, "labels": labels}) + "\n", "utf-8")
    pred = tmp_path / "task1_pred.jsonl"
    pred.write_text(
        json.dumps(
            {"id": "1", "labels": [{"start": 6, "end": 12, "technique": "Name_Calling-Labeling"}]}
        )
        + "\n",
        "utf-8",
    )
    result = runner.invoke(
        main, ["evaluate", "--task", "araieval2024", str(gold), str(pred), "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    # One prediction overlapping both gold spans fully: P = (6/6 + 6/6) / 1 = 2, R = (1 + 0.5) / 2.
    assert scores["gold"] == 2 and scores["predicted"] == 1
    assert scores["precision"] == pytest.approx(2.0) and scores["recall"] == pytest.approx(0.75)
    assert "Name_Calling,Labeling" in scores["per_technique"]
    table = runner.invoke(main, ["evaluate", "--task", "araieval2024", str(gold), str(pred)])
    assert "merging" not in table.output


def test_annotation_formats_score_as_their_labels_do(tmp_path: Path, runner: CliRunner) -> None:
    gold = hostile_documents()
    predicted = [
        Annotated(
            i.document,
            [
                Span(s.start, min(s.end + 1, len(i.document.text)), s.technique)
                for s in i.spans[::2]
            ],
        )
        for i in gold
    ]
    write_brat(tmp_path / "gold", gold)
    write_label_studio(tmp_path / "pred.json", scored(predicted))
    write_flc(tmp_path / "gold.labels", {i.document.id: i.spans for i in gold})
    write_flc(tmp_path / "pred.labels", {i.document.id: i.spans for i in predicted})
    for task in ("si", "tc", "flc"):
        from_formats = evaluate_json(runner, task, tmp_path / "gold", tmp_path / "pred.json")
        from_labels = evaluate_json(
            runner, task, tmp_path / "gold.labels", tmp_path / "pred.labels"
        )
        # Sums over spans in another order may differ in the last bit.
        for key in ("precision", "recall", "f1", "gold", "predicted"):
            assert from_formats[key] == pytest.approx(from_labels[key]), (task, key)
        by_technique = from_formats["per_technique"]
        assert isinstance(by_technique, dict)
        for name, scores in by_technique.items():
            assert scores == pytest.approx(from_labels["per_technique"][name]), (task, name)  # type: ignore[index]
        assert by_technique.keys() == from_labels["per_technique"].keys()  # type: ignore[attr-defined]
    assert 0 < float(str(from_formats["f1"])) < 1


def test_unknown_techniques_in_annotations_are_refused(tmp_path: Path, runner: CliRunner) -> None:
    write_label_studio(
        tmp_path / "gold.json",
        [Annotated(Document("a", "Fake news!"), [Span(0, 4, "Loaded Langauge")])],
    )
    result = runner.invoke(
        main,
        ["evaluate", "--task", "flc", str(tmp_path / "gold.json"), str(tmp_path / "gold.json")],
    )
    assert result.exit_code == 1
    assert "unknown technique 'Loaded Langauge' (did you mean 'Loaded_Language'?)" in result.output
