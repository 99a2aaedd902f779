"""The annotation loop against a real Label Studio server.

``scripts/ensure-label-studio.sh`` installs Label Studio in a virtual environment of its own and
``make test`` passes its folder in ``UNSPIN_LABEL_STUDIO_HOME``. The test starts a server on
127.0.0.1 with a throwaway copy of an empty data folder, creates a project with unspin's
labelling config, imports the shipped model's predictions as tasks, reads them back through the
API, stands in for an annotator by saving the gold spans as annotations, exports the project,
converts the export and trains a tiny model on it; the server is stopped after. Without Label
Studio it skips with the reason, except under ``CI``, where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from click.testing import CliRunner

from annotation_fixtures import TINY_TRAINING, span_multiset, texts
from training.conftest import write_tiny_ptc
from unspin.cli.main import main
from unspin.formats.annotated import Annotated
from unspin.formats.labelstudio import (
    label_results,
    labelling_config,
    read_label_studio,
    write_label_studio,
)
from unspin.formats.ptc import read_ptc
from unspin.inference import Analyzer
from unspin.schema import ModelInfo

HOME_VARIABLE = "UNSPIN_LABEL_STUDIO_HOME"
EMAIL = "annotator@unspin.test"
PASSWORD = "unspin-throwaway-1"
MODEL_DIR = Path(__file__).resolve().parents[2] / "src" / "unspin" / "models" / "default"
START_SECONDS = 240

pytestmark = pytest.mark.slow


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason}; CI must test against Label Studio")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Server:
    """A running Label Studio with a logged-in session."""

    url: str
    client: Any
    log: Path

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        headers = {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.url}
        response = self.client.request(method, path, headers=headers, **kwargs)
        assert response.status_code < 300, (
            f"{method} {path}: {response.status_code} {response.text}"
        )
        return response.json()


@pytest.fixture(scope="module")
def label_studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = os.environ.get(HOME_VARIABLE, "")
    if not home or not (Path(home) / "venv" / "bin" / "label-studio").is_file():
        _unavailable(
            f"Label Studio not installed (${HOME_VARIABLE} unset; scripts/ensure-label-studio.sh)"
        )
    data = tmp_path_factory.mktemp("label-studio") / "data"
    shutil.copytree(Path(home) / "template", data)
    port = _free_port()
    log = data.parent / "server.log"
    environment = {
        **os.environ,
        "LABEL_STUDIO_BASE_DATA_DIR": str(data),
        "LABEL_STUDIO_COLLECT_ANALYTICS": "false",
        "LABEL_STUDIO_LATEST_VERSION_CHECK": "false",
    }
    command = [
        str(Path(home) / "venv" / "bin" / "label-studio"),
        "start",
        "--no-browser",
        "--internal-host",
        "127.0.0.1",
        "--port",
        str(port),
        "--data-dir",
        str(data),
        "--username",
        EMAIL,
        "--password",
        PASSWORD,
    ]
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        client = httpx.Client(base_url=url, follow_redirects=True, timeout=120)
        _wait_until_up(client, process, log)
        client.get("/user/login/")
        client.post(
            "/user/login/",
            data={
                "email": EMAIL,
                "password": PASSWORD,
                "csrfmiddlewaretoken": client.cookies["csrftoken"],
            },
            headers={"Referer": f"{url}/user/login/"},
        )
        yield Server(url, client, log)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)


def _wait_until_up(client: Any, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _unavailable(f"Label Studio exited at start: {log.read_text()[-2000:]}")
        try:
            if client.get("/health").status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    _unavailable(f"Label Studio did not answer within {START_SECONDS} s: {log.read_text()[-2000:]}")


def test_pre_annotate_correct_export_and_train(label_studio: Server, tmp_path: Path) -> None:
    gold = read_ptc(write_tiny_ptc(tmp_path / "gold")).items
    analyzer = Analyzer(MODEL_DIR, threshold=0.3)
    predicted = [
        Annotated(a.document, a.spans, a.model)
        for a in analyzer.analyze_batch([item.document for item in gold])
    ]
    assert any(item.spans for item in predicted)

    project = label_studio.call(
        "POST", "/api/projects", json={"title": "unspin", "label_config": labelling_config()}
    )
    assert project["label_config"].strip() == labelling_config().strip()
    tasks_file = tmp_path / "tasks.json"
    write_label_studio(tasks_file, predicted)
    imported = label_studio.call(
        "POST", f"/api/projects/{project['id']}/import", json=json.loads(tasks_file.read_text())
    )
    assert (imported["task_count"], imported["prediction_count"]) == (len(gold), len(gold))

    listed = label_studio.call(
        "GET", "/api/tasks", params={"project": project["id"], "fields": "all", "page_size": 100}
    )["tasks"]
    read_back = tmp_path / "read-back.json"
    read_back.write_text(json.dumps(listed), encoding="utf-8")
    back = read_label_studio(read_back).items
    assert texts(back) == texts(predicted) and span_multiset(back) == span_multiset(predicted)
    assert {(s.start, s.score) for i in back for s in i.spans} == {
        (s.start, s.score) for i in predicted for s in i.spans
    }
    assert {item.model for item in back} == {ModelInfo(analyzer.info.name, analyzer.info.version)}

    by_id = {item.document.id: item for item in gold}
    for task in listed:
        item = by_id[task["data"]["id"]]
        corrected = label_results(item.document.text, item.spans, scored=False)
        label_studio.call(
            "POST", f"/api/tasks/{task['id']}/annotations", json={"result": corrected}
        )
    export = tmp_path / "export.json"
    export.write_bytes(
        label_studio.client.get(
            f"/api/projects/{project['id']}/export", params={"exportType": "JSON"}
        ).content
    )
    corrected_items = read_label_studio(export).items
    assert span_multiset(corrected_items) == span_multiset(gold)
    assert all(item.model is None for item in corrected_items)

    runner = CliRunner()
    folder = tmp_path / "corrected-ptc"
    converted = runner.invoke(main, ["convert", str(export), str(folder), "--to", "ptc"])
    assert converted.exit_code == 0, converted.output
    assert span_multiset(read_ptc(folder).items) == span_multiset(gold)
    model = tmp_path / "model"
    options = ["-o", str(model), "--name", "corrected", "--version", "0.0.1", *TINY_TRAINING]
    trained = runner.invoke(main, ["train", "--data", str(export), *options])
    assert trained.exit_code == 0, trained.output
    assert Analyzer(model).info.name == "corrected"
