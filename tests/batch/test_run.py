"""The batch driver with the local engine and the shipped model, end to end."""

from __future__ import annotations

import json
import os
import shutil
import signal
from pathlib import Path

import pytest
from batch_files import assert_complete, kill_while_running, output_rows
from click.testing import CliRunner

from unspin.batch import LocalEngine, Manifest, ManifestMismatchError, run_batch
from unspin.cli.main import main
from unspin.inference.model_folder import resolve_model_dir


def test_local_engine_writes_what_analyze_finds(
    inputs: list[Path], expected: list[str], tmp_path: Path
) -> None:
    outdir = tmp_path / "out"
    summary = run_batch(inputs, outdir, LocalEngine(workers=2), shard_size=5)
    assert_complete(outdir, expected)
    assert summary.documents == len(expected) and summary.shards_skipped == 0
    manifest = Manifest.load(outdir)
    assert manifest is not None
    reasons = {bad.where.rsplit("/", 1)[-1]: bad.reason for bad in manifest.bad}
    assert reasons.keys() == {"feed.jsonl:3", "table.parquet:9"}
    assert "not valid JSON" in reasons["feed.jsonl:3"]
    assert "empty" in reasons["table.parquet:9"]
    assert summary.spans == manifest.spans > 0

    again = run_batch(inputs, outdir, LocalEngine(workers=1))
    assert (again.shards_written, again.shards_skipped) == (0, len(manifest.shards))
    assert_complete(outdir, expected)


def test_killed_run_resumes_without_redoing_or_duplicating(
    inputs: list[Path], expected: list[str], tmp_path: Path
) -> None:
    outdir = tmp_path / "out"
    command = ["batch", *map(str, inputs), "-o", str(outdir), "--actors", "1", "--shard-size", "1"]
    kill_while_running(command, outdir)
    before = Manifest.load(outdir)
    assert before is not None and not before.complete
    finished = {
        index: (outdir / "analyses" / f"part-{index:06d}.parquet").stat().st_mtime_ns
        for index in before.shards
    }

    result = CliRunner().invoke(main, command)
    assert result.exit_code == 0, result.output
    assert f"{len(finished)} already done" in result.output
    assert_complete(outdir, expected)
    for index, modified in finished.items():
        assert (outdir / "analyses" / f"part-{index:06d}.parquet").stat().st_mtime_ns == modified


def test_another_model_or_threshold_is_refused(inputs: list[Path], tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    runner = CliRunner()
    first = runner.invoke(main, ["batch", str(inputs[0]), "-o", str(outdir), "--actors", "1"])
    assert first.exit_code == 0, first.output
    rows = output_rows(outdir)

    other = tmp_path / "other-model"
    shutil.copytree(resolve_model_dir(None), other)
    config = json.loads((other / "config.json").read_text("utf-8"))
    config["version"] = "9.9.9-test"
    (other / "config.json").write_text(json.dumps(config), "utf-8")
    refused = runner.invoke(
        main, ["batch", str(inputs[0]), "-o", str(outdir), "--model", str(other), "--actors", "1"]
    )
    assert refused.exit_code == 1
    assert "9.9.9-test" in refused.output and "another folder" in refused.output

    refused = runner.invoke(main, ["batch", str(inputs[0]), "-o", str(outdir), "-t", "0.3"])
    assert refused.exit_code == 1 and "threshold" in refused.output
    assert output_rows(outdir) == rows


def test_changed_inputs_are_refused(inputs: list[Path], tmp_path: Path) -> None:
    outdir = tmp_path / "out"
    source = tmp_path / "feed.jsonl"
    shutil.copy(inputs[0], source)
    run_batch([source], outdir, LocalEngine(workers=1))
    with source.open("a", encoding="utf-8") as handle:
        handle.write(json.dumps({"text": "One more text."}) + "\n")
    with pytest.raises(ManifestMismatchError, match="changed"):
        run_batch([source], outdir, LocalEngine(workers=1))


def _pool_workers() -> list[int]:
    """The pids of this process's children that are multiprocessing (spawned pool) workers."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent = int(stat.read_text().rsplit(")", 1)[1].split()[1])
            command = (stat.parent / "cmdline").read_bytes()
        except (OSError, ValueError):
            continue
        if parent == os.getpid() and b"spawn_main" in command:
            pids.append(int(stat.parent.name))
    return pids


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="finds workers through /proc")
def test_worker_process_killed_mid_run_ends_complete(
    inputs: list[Path], expected: list[str], tmp_path: Path
) -> None:
    outdir = tmp_path / "out"
    killed: list[int] = []
    others = set(_pool_workers())  # pools of other tests still alive are left alone

    def kill_a_worker(records: int) -> None:
        if not killed:
            killed.extend(sorted(set(_pool_workers()) - others)[:1])
            os.kill(killed[0], signal.SIGKILL)

    run_batch(inputs, outdir, LocalEngine(workers=2), shard_size=2, on_progress=kill_a_worker)
    assert killed
    assert_complete(outdir, expected)
