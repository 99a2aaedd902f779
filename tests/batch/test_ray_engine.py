"""The Ray engine on a two-node Ray started by these tests (CPU only), torn down after."""

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
    """A Ray cluster of two nodes (two raylets on this machine), one CPU and a small object store
    each, no dashboard; its address for other processes. Two actors of one CPU each can only
    run one per node, so every run with two actors below spans both nodes."""
    from ray.cluster_utils import Cluster

    node = {"num_cpus": 1, "object_store_memory": 80 * 1024**2}
    cluster = Cluster(initialize_head=True, head_node_args={**node, "include_dashboard": False})
    try:
        cluster.add_node(**node)
        cluster.wait_for_nodes()
        ray.init(address=cluster.address, log_to_driver=False, configure_logging=False)
        assert len([n for n in ray.nodes() if n["Alive"]]) == 2
        yield str(cluster.address)
    finally:
        ray.shutdown()
        cluster.shutdown()


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
        ray.get(killed[0].models.remote())


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
