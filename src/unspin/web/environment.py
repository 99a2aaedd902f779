"""The Jinja2 environment of the web app's pages: its own templates and the renderer's."""

from __future__ import annotations

from functools import cache

import jinja2

from unspin.render import TEMPLATES, new_environment


@cache
def environment() -> jinja2.Environment:
    """Templates from ``unspin/web/templates`` first, then ``unspin/render/templates``."""
    loader = jinja2.ChoiceLoader([jinja2.PackageLoader("unspin.web", "templates"), TEMPLATES])
    return new_environment(loader)
