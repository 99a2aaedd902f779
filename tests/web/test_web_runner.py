"""The runner under load: abandoned analyses stop, waiting and running have limits of their
own, and small requests are not stuck behind large ones."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable

import anyio
import httpx

from unspin.inference.cancel import raise_if_stopped, stop_event
from unspin.schema import Analysis, Document
from unspin.web import WebSettings, create_app
from unspin.web.runner import SmallestFirst

from .conftest import FakeAnalyzer


class WindowedAnalyzer(FakeAnalyzer):
    """Takes ``seconds_per_window`` per 10 characters, checking between windows as the real
    Analyzer does; counts the windows it ran."""

    def __init__(self, seconds_per_window: float) -> None:
        self.seconds = seconds_per_window
        self.windows = 0
        self.started: list[str] = []
        self.lock = threading.Lock()

    def analyze_batch(
        self, items: Iterable[str | Document], /, threshold: float | None = None
    ) -> list[Analysis]:
        items = list(items)
        stop = stop_event()
        for item in items:
            text = item.text if isinstance(item, Document) else item
            with self.lock:
                self.started.append(text[:10])
            for _ in range(max(1, len(text) // 10)):
                raise_if_stopped(stop)
                time.sleep(self.seconds)
                with self.lock:
                    self.windows += 1
        return super().analyze_batch(items, threshold=threshold)


async def _post(client: httpx.AsyncClient, text: str) -> httpx.Response:
    return await client.post("/api/analyze", json={"text": text})


def _client(analyzer: FakeAnalyzer, settings: WebSettings) -> httpx.AsyncClient:
    transport = httpx.ASGITransport(app=create_app(analyzer, settings))
    return httpx.AsyncClient(transport=transport, base_url="http://test")


def test_an_analysis_that_times_out_stops_and_frees_its_worker() -> None:
    analyzer = WindowedAnalyzer(0.02)
    settings = WebSettings(max_chars=10_000, request_timeout=0.2, workers=1, express_chars=0)

    async def scenario() -> tuple[int, int]:
        async with _client(analyzer, settings) as client:
            response = await _post(client, "x" * 5_000)  # 500 windows: 10 s if not stopped
            assert response.status_code == 504
            assert "longer than 0.2 s" in response.json()["detail"]
            await anyio.sleep(0.3)
            after_504 = analyzer.windows
            await anyio.sleep(0.3)
            small = await _post(client, "A disastrous plan.")
            assert small.status_code == 200, "the worker was freed"
            return after_504, analyzer.windows

    after_504, later = anyio.run(scenario)
    assert after_504 < 30, "the abandoned analysis stopped at its next window"
    assert later == after_504 + 1, "only the small request ran since"


def test_waiting_for_a_worker_is_not_counted_as_analysing() -> None:
    analyzer = WindowedAnalyzer(0.1)
    settings = WebSettings(request_timeout=0.6, queue_timeout=5.0, workers=1, express_chars=0)

    async def scenario() -> list[int]:
        async with _client(analyzer, settings) as client:
            codes: list[int] = []

            async def post(text: str) -> None:
                codes.append((await _post(client, text)).status_code)

            async with anyio.create_task_group() as group:
                for text in ("a" * 40, "b" * 40, "c" * 40):  # 0.4 s each, one at a time
                    group.start_soon(post, text)
            return codes

    assert anyio.run(scenario) == [200, 200, 200]


def test_a_full_queue_gives_504_saying_the_server_is_busy() -> None:
    analyzer = WindowedAnalyzer(0.1)
    settings = WebSettings(request_timeout=5.0, queue_timeout=0.1, workers=1, express_chars=0)

    async def scenario() -> list[httpx.Response]:
        async with _client(analyzer, settings) as client:
            responses: list[httpx.Response] = []

            async def post(text: str, delay: float) -> None:
                await anyio.sleep(delay)
                responses.append(await _post(client, text))

            async with anyio.create_task_group() as group:
                group.start_soon(post, "a" * 50, 0.0)
                group.start_soon(post, "short", 0.1)
            return responses

    waited, ran = anyio.run(scenario)
    assert waited.status_code == 504 and "no worker was free" in waited.json()["detail"]
    assert ran.status_code == 200


def test_small_requests_go_before_large_ones_waiting_longer() -> None:
    analyzer = WindowedAnalyzer(0.05)
    settings = WebSettings(max_chars=10_000, request_timeout=10.0, workers=1, express_chars=0)

    async def scenario() -> None:
        async with _client(analyzer, settings) as client, anyio.create_task_group() as group:
            group.start_soon(_post, client, "first " * 10)
            await anyio.sleep(0.1)
            for n in range(3):
                group.start_soon(_post, client, f"large {n} " + "x" * 300)
                await anyio.sleep(0.01)
            group.start_soon(_post, client, "small one")

    anyio.run(scenario)
    assert analyzer.started[:2] == ["first firs", "small one"]


def test_smallest_first_slots_hand_on_a_slot_given_up() -> None:
    async def scenario() -> list[str]:
        slots = SmallestFirst(1)
        order: list[str] = []
        await slots.acquire(0)

        async def job(name: str, size: int) -> None:
            await slots.acquire(size)
            order.append(name)
            slots.release()

        async with anyio.create_task_group() as group:
            group.start_soon(job, "large", 1_000)
            await anyio.sleep(0.01)
            with anyio.move_on_after(0.01):
                await slots.acquire(1)  # gives up while waiting
            group.start_soon(job, "small", 10)
            await anyio.sleep(0.01)
            slots.release()
        return order

    assert anyio.run(scenario) == ["small", "large"]


def test_a_short_text_does_not_wait_for_a_long_one_to_finish() -> None:
    analyzer = WindowedAnalyzer(0.02)
    settings = WebSettings(max_chars=10_000, workers=1, express_chars=100)

    async def scenario() -> dict[str, float]:
        done: dict[str, float] = {}
        async with _client(analyzer, settings) as client, anyio.create_task_group() as group:
            began = time.monotonic()

            async def post(name: str, text: str) -> None:
                assert (await _post(client, text)).status_code == 200
                done[name] = time.monotonic() - began

            group.start_soon(post, "long", "y" * 1_000)  # 100 windows: 2 s
            await anyio.sleep(0.2)
            group.start_soon(post, "short", "A disastrous plan.")
        return done

    done = anyio.run(scenario)
    assert done["short"] < 1.0 < done["long"]
