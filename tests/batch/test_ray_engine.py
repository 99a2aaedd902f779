"""The Ray engine on a Ray started by these tests (2 CPUs, no dashboard), torn down after."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from batch_files import assert_complete, kill_while_running, output_rows
from click.testing import CliRunner

from unspin.batch import LocalEngine, Manifest, run_batch
from unspin.cli.main import main

ray = pytest.importorskip("ray", reason="the Ray engine needs the 'ray' extra")
from unspin.batch.ray_engine import RayEngine  # noqa: E402


@pytest.fixture(scope="module")
def ray_address() -> Iterator[str]:
    """A local Ray with 2 CPUs and a small object store; its address for other processes."""
    context = ray.init(
        num_cpus=2,
        include_dashboard=False,
        object_store_memory=100 * 1024**2,
        log_to_driver=False,
        configure_logging=False,
    )
    try:
        yield str(context.address_info["gcs_address"])
    finally:
        ray.shutdown()


def test_ray_and_local_engines_write_the_same_rows(
    ray_address: str, inputs: list[Path], expected: list[str], tmp_path: Path
) -> None:
    on_ray, local = tmp_path / "ray", tmp_path / "local"
    summary = run_batch(inputs, on_ray, RayEngine(actors=2), shard_size=4)
    run_batch(inputs, local, LocalEngine(workers=1), shard_size=4)
    assert_complete(on_ray, expected)
    assert output_rows(on_ray) == output_rows(local)
    assert summary.documents == len(expected)
    assert ray.is_initialized(), "a Ray the engine did not start is left running"


def test_actor_killed_mid_run_ends_complete_and_duplicate_free(
    ray_address: str, inputs: list[Path], expected: list[str], tmp_path: Path
) -> None:
    outdir = tmp_path / "out"
    engine = RayEngine(actors=2)
    killed = []

    def kill_an_actor(records: int) -> None:
        if not killed:
            killed.append(engine.actors[0])
            ray.kill(engine.actors[0], no_restart=True)

    run_batch(inputs, outdir, engine, shard_size=2, on_progress=kill_an_actor)
    assert killed
    assert_complete(outdir, expected)
    with pytest.raises(ray.exceptions.RayActorError):
        ray.get(killed[0].info.remote())


def test_killed_driver_rerun_resumes(
    ray_address: str, inputs: list[Path], expected: list[str], tmp_path: Path
) -> None:
    outdir = tmp_path / "out"
    command = [*map(str, inputs), "-o", str(outdir), "--engine", "ray", "--address", ray_address]
    kill_while_running(["batch", *command, "--actors", "1", "--shard-size", "1"], outdir)
    before = Manifest.load(outdir)
    assert before is not None and not before.complete and before.shards

    result = CliRunner().invoke(main, ["batch", *command, "--actors", "2"])
    assert result.exit_code == 0, result.output
    assert f"{len(before.shards)} already done" in result.output
    assert_complete(outdir, expected)
