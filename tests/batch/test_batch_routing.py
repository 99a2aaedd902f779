"""``unspin batch`` reads each document with the model for its language; every row names the
model that read it, and the manifest the models a run may use."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from storage.conftest import db_url  # noqa: F401  (the store tests' database on each backend)
from unspin.batch import LocalEngine, Manifest, run_batch
from unspin.batch.manifest import ShardEntry
from unspin.batch.table import iter_analyses, write_shard
from unspin.batch.work import ShardWorker
from unspin.cli.main import main
from unspin.inference import Router
from unspin.inference.model_folder import DEFAULT_MODEL_DIR, ModelConfig
from unspin.schema import Document
from unspin.storage.db import open_engine
from unspin.storage.filters import models

ENGLISH = "The disastrous plan of the government will ruin the country, say the critics."
ARABIC = "هؤلاء الخونة يكذبون على الشعب كل يوم، فإما أن تكون معنا أو مع الإرهاب."
FRENCH = "Le gouvernement a menti aux citoyens pendant des années, et tout le monde le sait."
ENGLISH_MODEL = ModelConfig.load(DEFAULT_MODEL_DIR).name


def _documents() -> list[Document]:
    return [Document(id=key, text=text) for key, text in (("en", ENGLISH), ("ar", ARABIC))]


def test_with_the_english_model_fixed_arabic_rows_say_it_was_not_read(tmp_path: Path) -> None:
    """``--model fast`` (or no multilingual package): every row is read by the English model,
    and says so when it cannot. (The engine's workers are processes of their own, so the
    English model is fixed here rather than the installed models changed.)"""
    source = tmp_path / "mixed.jsonl"
    lines = [json.dumps(d.to_dict(), ensure_ascii=False) + "\n" for d in _documents()]
    source.write_text("".join(lines), encoding="utf-8")
    engine = LocalEngine(model="fast", workers=1)
    summary = run_batch([source], tmp_path / "out", engine, shard_size=10)
    assert [m.name for m in summary.models] == [ENGLISH_MODEL]
    assert {m.name: n for m, n in summary.analysed_by.items()} == {ENGLISH_MODEL: 2}
    english, arabic = iter_analyses(tmp_path / "out", [0])
    assert english.model == arabic.model and english.warnings() == []
    assert "reads only English" in arabic.warnings()[0]


def test_a_worker_reads_each_document_with_the_model_for_its_language(
    installed_multilingual: dict[Path, ModelConfig],
) -> None:
    worker = ShardWorker(None, None)
    assert [m.name for m in worker.models()] == [ENGLISH_MODEL, "tiny-multilingual"]
    found = worker.analyze([*_documents(), Document(id="fr", text=FRENCH)])
    names = [result[2].name for result in found if not isinstance(result, str)]
    assert names == [ENGLISH_MODEL, "tiny-multilingual", "tiny-multilingual"]
    fixed = ShardWorker("fast", None)
    assert [m.name for m in fixed.models()] == [ENGLISH_MODEL]
    fixed_names = {r[2].name for r in fixed.analyze(_documents()) if not isinstance(r, str)}
    assert fixed_names == {ENGLISH_MODEL}


def test_routed_rows_keep_their_model_into_the_store(
    db_url: str,  # noqa: F811
    tmp_path: Path,
    tiny_multilingual: Path,
) -> None:
    candidates = {
        folder: ModelConfig.load(folder) for folder in (DEFAULT_MODEL_DIR, tiny_multilingual)
    }
    router = Router(models=candidates, threads=1)
    analyses = router.analyze_batch([*_documents(), Document(id="fr", text=FRENCH)])
    outdir = tmp_path / "out"
    write_shard(outdir, 0, list(enumerate(analyses)))
    spans = sum(len(a.spans) for a in analyses)
    manifest = Manifest(router.infos(), None, 10, [], {0: ShardEntry(3, 3, spans)}, complete=True)
    manifest.save(outdir)
    # Read back, each row is the analysis the router made: model, evaluated languages, warnings.
    assert [a.to_dict() for a in iter_analyses(outdir, [0])] == [a.to_dict() for a in analyses]
    loaded = Manifest.load(outdir)
    assert loaded is not None and loaded.models == router.infos()

    result = CliRunner().invoke(main, ["ingest", str(outdir), "--db", db_url])
    assert result.exit_code == 0, result.output
    stored = {info.name: count for info, count in models(open_engine(db_url, create=False))}
    assert stored == {ENGLISH_MODEL: 1, "tiny-multilingual": 2}


def test_a_manifest_of_layout_2_is_still_read(tmp_path: Path) -> None:
    info = Router().info
    Manifest([info], None, 5, []).save(tmp_path)
    data = json.loads((tmp_path / "manifest.json").read_text("utf-8"))
    data["schema"] = "unspin.batch/2"
    data["model"] = data.pop("models")[0]
    (tmp_path / "manifest.json").write_text(json.dumps(data), "utf-8")
    loaded = Manifest.load(tmp_path)
    assert loaded is not None and loaded.models == [info]
