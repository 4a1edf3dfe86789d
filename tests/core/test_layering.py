"""What import-linter can't see: templates including other apps' templates, and relation
names. The layers are the ones pyproject.toml gives `lint-imports`, read from there."""

import re
import tomllib
from pathlib import Path

import fanfold

PACKAGE = Path(fanfold.__file__).parent
INCLUDE = re.compile(r"{%\s*(?:include|extends)\s+\"([^\"]+)\"")


def _layers() -> dict[str, int]:
    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text())
    contract = next(c for c in config["tool"]["importlinter"]["contracts"] if c["type"] == "layers")
    rank = {}
    for height, layer in enumerate(reversed(contract["layers"])):
        for app in layer.split("|"):
            rank[app.strip()] = height
    return rank


def _template_owner(name: str, rank: dict[str, int]) -> str:
    first = name.split("/", 1)[0]
    # Templates without an app folder (base.html, pagination.html) are core's.
    return first if "/" in name and first in rank else "core"


def test_every_app_is_in_a_layer():
    apps = {p.parent.name for p in PACKAGE.glob("*/apps.py")}
    assert apps <= set(_layers()), f"add {apps - set(_layers())} to the layers contract"


def test_templates_include_only_their_own_apps_and_those_below():
    rank = _layers()
    wrong = []
    for path in PACKAGE.glob("*/templates/**/*.html"):
        app = path.relative_to(PACKAGE).parts[0]
        for name in INCLUDE.findall(path.read_text()):
            owner = _template_owner(name, rank)
            if owner != app and rank[owner] >= rank[app]:
                wrong.append(f"{path.relative_to(PACKAGE)} includes {name} ({owner})")
    assert wrong == []


def test_the_check_sees_an_include_from_below():
    rank = _layers()
    assert rank[_template_owner("reading/work_meta.html", rank)] > rank["works"]
    assert INCLUDE.findall('{% include "reading/work_meta.html" with x=1 %}') == [
        "reading/work_meta.html"
    ]


def test_works_knows_no_file_format():
    """A work's import (its original author, its file) reaches pages only through the
    imports app's selectors; no module or template of works names it."""
    named = [
        str(path.relative_to(PACKAGE))
        for path in (PACKAGE / "works").rglob("*")
        if path.suffix in {".py", ".html"}
        and "migrations" not in path.parts
        and re.search(r"imported_story|ImportedStory|fanfold\.imports", path.read_text())
    ]
    assert named == []
