"""Input files for the batch tests: documents in every format the batch command reads."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from unspin.batch import Manifest
from unspin.batch.manifest import ANALYSES_DIR
from unspin.batch.table import analysis_from_row

_OPENINGS = (
    "The disastrous plan of the reckless traitors in the capital will ruin us all.",
    "The council met on Tuesday and agreed the budget for the coming year.",
    "Only a true patriot would stand up against these so-called experts now.",
    "Rain is expected on Friday, with clearer skies over the weekend.",
    "Either we act today or our children lose their future forever.",
    "Gangs roam the streets while the mayor hides behind his desk.",
)
_CLOSINGS = (
    "Everyone knows the truth, and nobody can deny it any longer.",
    "The figures will be published next month by the statistics office.",
    "Wake up before it is too late for all of us!",
)


def article(number: int) -> str:
    """A short article, different for every ``number``."""
    opening = _OPENINGS[number % len(_OPENINGS)]
    closing = _CLOSINGS[number % len(_CLOSINGS)]
    return f"Report {number}. {opening} {closing}\nFiled under item {number}."


def write_inputs(folder: Path, count: int = 24) -> list[Path]:
    """Files holding ``count + 2`` documents (JSONL, Parquet, CSV, text, HTML; one text twice)
    and two bad records; returns the paths to give the batch command, in order."""
    folder.mkdir(parents=True, exist_ok=True)
    third = count // 3
    jsonl = folder / "feed.jsonl"
    with jsonl.open("w", encoding="utf-8") as handle:
        for i in range(third):
            record = {
                "id": f"j{i}",
                "text": article(i),
                "source": "Feed",
                "published": f"2021-05-0{1 + i % 9}",
                "desk": "politics",
            }
            handle.write(json.dumps(record) + "\n")
            if i == 1:
                handle.write('{"text": "broken\n')
    rows = [
        {"id": f"p{i}", "text": article(i), "metadata": json.dumps({"n": i})}
        for i in range(third, 2 * third)
    ]
    rows.append({"id": "p-empty", "text": "   ", "metadata": None})
    parquet = folder / "table.parquet"
    pq.write_table(pa.Table.from_pylist(rows), parquet)
    table = folder / "wire.csv"  # its first row is a copy of j0 from another source
    table.write_text(
        f'id,text,source\nw0,"{article(0)}",Wire\nw1,"{article(count)}",Wire\n', "utf-8"
    )
    texts = folder / "texts"
    (texts / "sub").mkdir(parents=True)
    for i in range(2 * third, count - 1):
        (texts / "sub" / f"t{i:03d}.txt").write_text(article(i), encoding="utf-8")
    (texts / "page.html").write_text(
        "<html><head><title>Op-ed</title></head><body><article><p>"
        + article(count - 1)
        + "</p></article></body></html>",
        encoding="utf-8",
    )
    return [jsonl, parquet, table, texts]


def output_rows(outdir: Path) -> list[tuple[int, str]]:
    """(position, analysis JSON) of every row in ``outdir``, in position order."""
    rows = []
    for file in sorted((outdir / ANALYSES_DIR).glob("*.parquet")):
        for row in pq.read_table(file).to_pylist():
            rows.append((row["position"], analysis_from_row(row).to_json()))
    return sorted(rows)


def assert_complete(outdir: Path, expected: list[str]) -> None:
    """``outdir`` holds every document once, each as ``unspin analyze`` analyses it."""
    rows = output_rows(outdir)
    positions = [position for position, _ in rows]
    assert len(positions) == len(set(positions)), "a document was written twice"
    assert [analysis for _, analysis in rows] == expected
    manifest = Manifest.load(outdir)
    assert manifest is not None and manifest.complete
    assert manifest.documents == len(expected)
    assert sorted(positions + [bad.position for bad in manifest.bad]) == list(
        range(sum(shard.records for shard in manifest.shards.values()))
    )


def kill_while_running(command: list[str], outdir: Path, timeout: float = 120) -> None:
    """Start ``unspin`` with ``command``; SIGKILL it (and its workers) once a shard is done."""
    process = subprocess.Popen(
        [sys.executable, "-m", "unspin.cli.main", *command],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None:
            manifest = _manifest(outdir)
            if manifest is not None and manifest.get("shards"):
                break
            time.sleep(0.02)
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def _manifest(outdir: Path) -> dict[str, object] | None:
    try:
        data: dict[str, object] = json.loads((outdir / "manifest.json").read_text("utf-8"))
    except (OSError, ValueError):
        return None
    return data
