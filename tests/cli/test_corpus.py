"""Corpus commands end to end through click: ingest, stats, examples, search, export, plot."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from fakes import FakeAnalyzer
from unspin.cli.corpus import EXIT_SKIPPED
from unspin.cli.main import main

ROOT = Path(__file__).resolve().parents[2]
MODEL_CONFIG = ROOT / "src" / "unspin" / "models" / "default" / "config.json"

RECORDS = [
    {"text": "A disastrous plan by traitors.", "source": "Bugle", "published": "2021-01-04"},
    {"text": "The true patriot votes.", "source": "Bugle", "published": "2021-02-11"},
    {"text": "A disastrous week for the council.", "source": "Planet", "published": "2021-02-20"},
    {"text": "Rain on Friday.", "source": "Planet", "published": "2021-03-02"},
]
LONE_SURROGATE = '{"text": "Liars \\ud800 here."}\n'


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.setattr("unspin.cli.corpus.load_analyzer", lambda model: FakeAnalyzer())
    path = tmp_path / "docs.jsonl"
    path.write_text(
        "".join(json.dumps(r) + "\n" for r in RECORDS) + "{oops\n" + LONE_SURROGATE, "utf-8"
    )
    return path, f"sqlite:///{tmp_path / 'c.db'}"


def test_ingest_summary_then_rerun(runner: CliRunner, corpus: tuple[Path, str]) -> None:
    path, db = corpus
    first = runner.invoke(main, ["ingest", str(path), "--db", db])
    assert first.exit_code == EXIT_SKIPPED, first.output
    assert "4 new" in first.output and "2 skipped" in first.output
    assert "docs.jsonl:5" in first.output
    assert "docs.jsonl:6" in first.output and "surrogate at character 6" in first.output
    again = runner.invoke(main, ["ingest", str(path), "--db", db])
    assert "0 new" in again.output and "4 already stored" in again.output


def test_db_from_environment_and_help_shows_default(
    runner: CliRunner, corpus: tuple[Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, db = corpus
    assert "sqlite:///unspin.db" in runner.invoke(main, ["ingest", "--help"]).output
    monkeypatch.setenv("UNSPIN_DB", db)
    assert runner.invoke(main, ["ingest", str(path)]).exit_code == EXIT_SKIPPED
    result = runner.invoke(main, ["stats", "--format", "json"])
    assert sum(g["documents"] for g in json.loads(result.output)["groups"]) == 4


def test_queries_exports_and_plots(
    runner: CliRunner, corpus: tuple[Path, str], tmp_path: Path
) -> None:
    path, db = corpus
    runner.invoke(main, ["ingest", str(path), "--db", db])
    table = runner.invoke(main, ["stats", "--db", db])
    assert table.exit_code == 0 and "Bugle" in table.output and "Planet" in table.output
    csv = runner.invoke(main, ["stats", "--db", db, "--by", "month", "--format", "csv"])
    assert csv.output.splitlines()[1].startswith("2021-01,1,")
    month = runner.invoke(
        main,
        [
            "stats",
            "--db",
            db,
            "--by",
            "month",
            "--technique",
            "Loaded_Language",
            "--since",
            "2021-02-01",
            "--format",
            "json",
        ],
    )
    groups = json.loads(month.output)["groups"]
    assert [(g["group"], g["share"]["Loaded_Language"]) for g in groups] == [
        ("2021-02", 0.5),
        ("2021-03", 0.0),
    ]
    found = runner.invoke(main, ["examples", "Loaded_Language", "--db", db, "--source", "Planet"])
    assert "[disastrous] week for the council" in found.output
    hits = runner.invoke(main, ["search", "council", "--db", db, "--format", "jsonl"])
    assert [json.loads(line)["source"] for line in hits.output.splitlines()] == ["Planet"]
    spans = runner.invoke(main, ["export", "--db", db, "--what", "spans"])
    assert {json.loads(line)["text"] for line in spans.output.splitlines()} >= {"traitors"}
    out = tmp_path / "docs.parquet"
    exported = runner.invoke(
        main, ["export", "--db", db, "--what", "documents", "--format", "parquet", "-o", str(out)]
    )
    assert exported.exit_code == 0 and out.stat().st_size > 0
    for by, name in (("source", "p.png"), ("month", "p.svg")):
        result = runner.invoke(main, ["plot", "--db", db, "--by", by, "-o", str(tmp_path / name)])
        assert result.exit_code == 0, result.output
        assert (tmp_path / name).stat().st_size > 1000


def test_stats_table_fits_80_columns_with_display_names(
    runner: CliRunner, corpus: tuple[Path, str]
) -> None:
    path, db = corpus
    runner.invoke(main, ["ingest", str(path), "--db", db])
    for by in ("source", "month"):
        result = runner.invoke(main, ["stats", "--db", db, "--by", by], env={"COLUMNS": "80"})
        assert result.exit_code == 0, result.output
        lines = result.output.splitlines()
        assert max(map(len, lines)) <= 80 and "…" not in result.output
        names = ("Loaded Language", "Name Calling, Labeling", "Flag-Waving")
        assert all(name in result.output for name in names), result.output
        assert "_" not in result.output
    # One technique: a row per group; the whole figure for each group on one line.
    one = runner.invoke(main, ["stats", "--db", db, "--technique", "Name_Calling,Labeling"])
    assert "┃ source " in one.output and "Name Calling, Labeling ┃" in one.output
    assert any(line.startswith("│ Bugle ") and "50%" in line for line in one.output.splitlines())


def test_examples_context_reads_as_the_document(
    runner: CliRunner, corpus: tuple[Path, str], tmp_path: Path
) -> None:
    path, db = corpus
    runner.invoke(main, ["ingest", str(path), "--db", db])
    found = runner.invoke(main, ["examples", "Name_Calling,Labeling", "--db", db])
    assert "…A disastrous plan by [traitors].…" in found.output
    spaced = tmp_path / "spaced.jsonl"
    text = "Line one.\n\n  The\treckless,\nreckless plan."
    spaced.write_text(json.dumps({"text": text, "source": "Spaced"}) + "\n", "utf-8")
    runner.invoke(main, ["ingest", str(spaced), "--db", db])
    args = ["examples", "Loaded_Language", "--db", db, "--source", "Spaced"]
    lines = runner.invoke(main, [*args, "--format", "jsonl"]).output.splitlines()
    for item in map(json.loads, lines):
        assert item["before"] + item["text"] + item["after"] == " ".join(text.split())
    shown = runner.invoke(main, args).output
    assert "…Line one. The [reckless], reckless plan.…" in shown
    assert "…Line one. The reckless, [reckless] plan.…" in shown


def test_technique_names_are_checked(runner: CliRunner, corpus: tuple[Path, str]) -> None:
    path, db = corpus
    runner.invoke(main, ["ingest", str(path), "--db", db])
    by_display = runner.invoke(
        main, ["stats", "--db", db, "--technique", "loaded language", "--format", "json"]
    )
    assert by_display.exit_code == 0, by_display.output
    shares = [g["share"] for g in json.loads(by_display.output)["groups"]]
    assert shares == [{"Loaded_Language": 0.5}, {"Loaded_Language": 0.5}]
    found = runner.invoke(main, ["examples", "LOADED_LANGUAGE", "--db", db])
    assert found.exit_code == 0 and "[disastrous]" in found.output
    for command in (["stats", "--technique", "Foo"], ["examples", "Foo"]):
        result = runner.invoke(main, [*command, "--db", db])
        assert result.exit_code == 1
        assert result.output.splitlines() == [
            "Error: unknown technique 'Foo'; `unspin techniques` lists the names"
        ]


@pytest.mark.skipif(not MODEL_CONFIG.is_file(), reason=f"no shipped model ({MODEL_CONFIG})")
def test_ingest_with_the_shipped_model_and_a_new_version(runner: CliRunner, tmp_path: Path) -> None:
    import shutil

    path = tmp_path / "docs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in RECORDS), "utf-8")
    db = f"sqlite:///{tmp_path / 'c.db'}"
    assert runner.invoke(main, ["ingest", str(path), "--db", db]).exit_code == 0
    copy = tmp_path / "model"
    shutil.copytree(MODEL_CONFIG.parent, copy)
    config = json.loads((copy / "config.json").read_text("utf-8"))
    config["version"] = str(config.get("version", "0")) + "-test"
    (copy / "config.json").write_text(json.dumps(config), "utf-8")
    result = runner.invoke(main, ["ingest", str(path), "--db", db, "--model", str(copy)])
    assert "0 new" in result.output and "4 analysed" in result.output, result.output
    versions = json.loads(runner.invoke(main, ["stats", "--db", db, "--format", "json"]).output)
    assert [m["version"][-5:] for m in versions["models"]] == ["-test"]
    assert os.path.exists(tmp_path / "c.db")


def test_search_text_output_uses_display_names_and_neutralises_controls(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("unspin.cli.corpus.load_analyzer", lambda model: FakeAnalyzer())
    path = tmp_path / "hostile.jsonl"
    record = {"text": "The \x1b[2J disastrous council met.", "source": "Bugle\x07"}
    path.write_text(json.dumps(record) + "\n", "utf-8")
    db = f"sqlite:///{tmp_path / 'h.db'}"
    assert runner.invoke(main, ["ingest", str(path), "--db", db]).exit_code == 0
    result = runner.invoke(main, ["search", "disastrous", "--db", db])
    assert result.exit_code == 0, result.output
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "Loaded Language ×1" in result.output


def test_read_only_commands_never_create_a_database(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    commands = (
        ["stats"],
        ["search", "council"],
        ["export"],
        ["examples", "Loaded_Language"],
        ["plot", "-o", str(tmp_path / "p.png")],
    )
    for command in commands:
        result = runner.invoke(main, [*command, "--db", f"sqlite:///{missing}"])
        assert result.exit_code == 1, (command, result.output)
        assert "no corpus database at" in result.output and "unspin ingest" in result.output
        assert not missing.exists()


def test_export_filters_and_spreadsheet_safe_csv(
    runner: CliRunner, corpus: tuple[Path, str], tmp_path: Path
) -> None:
    path, db = corpus
    hostile = tmp_path / "hostile.jsonl"
    record = {"id": "=HYPERLINK(1)", "text": "A disastrous move.", "source": "@Bugle",
              "title": "+1", "published": "2021-02-12"}  # fmt: skip
    hostile.write_text(json.dumps(record) + "\n", "utf-8")
    runner.invoke(main, ["ingest", str(path), str(hostile), "--db", db])
    args = ["export", "--db", db, "--format", "jsonl"]
    planet = runner.invoke(main, [*args, "--source", "Planet"]).output.splitlines()
    assert {json.loads(line)["source"] for line in planet} == {"Planet"} and len(planet) == 2
    february = runner.invoke(main, [*args, "--since", "2021-02-01", "--until", "2021-02-28"])
    assert len(february.output.splitlines()) == 3
    loaded = runner.invoke(main, [*args, "--what", "spans", "--technique", "loaded language"])
    rows = [json.loads(line) for line in loaded.output.splitlines()]
    assert {r["technique"] for r in rows} == {"Loaded_Language"}
    assert "=HYPERLINK(1)" in {r["document_id"] for r in rows}, "the document's own id"
    table = runner.invoke(main, ["export", "--db", db, "--format", "csv", "--source", "@Bugle"])
    import csv
    import io

    [row] = list(csv.DictReader(io.StringIO(table.output)))
    assert (row["external_id"], row["source"], row["title"]) == ("'=HYPERLINK(1)", "'@Bugle", "'+1")


def test_serve_reads_the_database_from_the_environment(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("UNSPIN_DB", f"sqlite:///{tmp_path / 'none.db'}")
    result = runner.invoke(main, ["serve"])
    assert result.exit_code == 1 and "no corpus database at" in result.output
    assert not (tmp_path / "none.db").exists()


def test_serve_refuses_a_model_it_cannot_find_before_starting(runner: CliRunner) -> None:
    result = runner.invoke(main, ["serve", "--model", "no-such-model"])
    assert result.exit_code == 2 and "no installed model of that name" in result.output


def test_export_to_annotation_tools_with_the_corpus_filters(
    runner: CliRunner, corpus: tuple[Path, str], tmp_path: Path
) -> None:
    from unspin.formats.convert import read_annotations

    path, db = corpus
    runner.invoke(main, ["ingest", str(path), "--db", db])
    tasks = tmp_path / "tasks.json"
    result = runner.invoke(
        main,
        [
            "export",
            "--db",
            db,
            "--format",
            "label-studio",
            "--technique",
            "Loaded Language",
            "--since",
            "2021-02-01",
            "-o",
            str(tasks),
        ],
    )
    assert result.exit_code == 0, result.output
    [item] = read_annotations(tasks).items
    assert item.document.text == "A disastrous week for the council."
    assert item.document.source == "Planet" and item.model is not None
    assert [(s.text_in(item.document.text), s.technique) for s in item.spans] == [
        ("disastrous", "Loaded_Language")
    ]
    brat = runner.invoke(
        main, ["export", "--db", db, "--format", "brat", "-o", str(tmp_path / "b")]
    )
    assert brat.exit_code == 0, brat.output
    assert "brat holds no scores" in brat.output and "4 documents written" in brat.output
    assert len(read_annotations(tmp_path / "b").items) == 4
    needs_output = runner.invoke(main, ["export", "--db", db, "--format", "brat"])
    assert needs_output.exit_code == 2 and "needs -o FOLDER" in needs_output.output
