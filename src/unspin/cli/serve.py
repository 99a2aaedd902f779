"""``unspin serve``: the web app and HTTP API (needs the ``web`` extra)."""

from __future__ import annotations

import click

from unspin.cli.analyze import routed_model_option
from unspin.cli.errors import missing_extra
from unspin.web.settings import DEFAULT_WORKERS_CAP, WebSettings


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to bind.")
@click.option("--port", type=int, default=8000, show_default=True)
@routed_model_option
@click.option(
    "--db",
    "db_url",
    envvar="UNSPIN_DB",
    default=None,
    help="Corpus database URL (also $UNSPIN_DB): adds the corpus dashboard.",
)
@click.option(
    "--allow-private-urls",
    is_flag=True,
    help="Let URL input fetch private, loopback and link-local addresses (unsafe when shared).",
)
@click.option(
    "--max-chars", type=int, default=WebSettings.max_chars, show_default=True, help="Longest text."
)
@click.option(
    "--max-batch",
    type=int,
    default=WebSettings.max_batch,
    show_default=True,
    help="Largest API batch.",
)
@click.option(
    "--timeout",
    type=float,
    default=WebSettings.request_timeout,
    show_default=True,
    help="Seconds an analysis may run; past them it stops and the request gets 504.",
)
@click.option(
    "--queue-timeout",
    type=float,
    default=WebSettings.queue_timeout,
    show_default=True,
    help="Seconds a request may wait for a free worker (smaller texts go first).",
)
@click.option(
    "--slider-floor",
    type=click.FloatRange(0.0, 1.0),
    default=None,
    help="Lowest threshold on the page's slider (default: the model's threshold).",
)
@click.option(
    "--workers",
    type=click.IntRange(min=1),
    default=None,
    help=f"Analyses run at once (default: the number of CPUs, at most {DEFAULT_WORKERS_CAP}).",
)
def serve(
    host: str,
    port: int,
    model: str | None,
    db_url: str | None,
    allow_private_urls: bool,
    max_chars: int,
    max_batch: int,
    timeout: float,
    queue_timeout: float,
    slider_floor: float | None,
    workers: int | None,
) -> None:
    """Serve the web app and the JSON API (/docs describes the API)."""
    try:
        import uvicorn

        from unspin.web import create_app
    except ImportError as error:  # pragma: no cover - depends on the install
        raise missing_extra("the web app", "web", error) from None
    if model is not None:
        _check_model(model)
    options = {"workers": workers} if workers else {}
    settings = WebSettings(
        model=model,
        max_chars=max_chars,
        max_batch=max_batch,
        request_timeout=timeout,
        queue_timeout=queue_timeout,
        allow_private_urls=allow_private_urls,
        page_floor=slider_floor,
        **options,
    )
    if db_url is not None:
        _check_store(db_url)
    if allow_private_urls:
        click.echo("warning: URL input may reach private and loopback addresses", err=True)
    uvicorn.run(create_app(settings=settings, db_url=db_url), host=host, port=port)


def _check_model(model: str) -> None:
    """Refuse a --model that names no folder or installed model before the server starts."""
    from unspin.inference.model_folder import ModelError, resolve_model_dir

    try:
        resolve_model_dir(model)
    except ModelError as error:
        raise click.BadParameter(str(error), param_hint="--model") from None


def _check_store(db_url: str) -> None:
    """Refuse a dashboard database that does not exist (it is never created empty)."""
    try:
        from unspin.storage.db import StoreNotFoundError, open_engine
    except ImportError as error:  # pragma: no cover - depends on the install
        raise missing_extra("the corpus dashboard", "store", error) from None
    try:
        open_engine(db_url, create=False).dispose()
    except StoreNotFoundError as error:
        raise click.ClickException(
            f"{error}: check --db (or $UNSPIN_DB); `unspin ingest PATH --db URL` creates one"
        ) from None
