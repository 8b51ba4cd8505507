"""The schema contract: the SDL partners build against, and which changes break it.

Production serves with introspection off, so partners (and the UI's code generator) read the
schema from `schema.graphql`, which `make schema` writes from the schema /graphql serves; a
test keeps the two equal.

The previous contract is `schema.graphql` as committed at the merge base of HEAD and `main`
(or at the git ref in SCHEMA_BASELINE): what partners have, whatever a branch did since. Not
the file in the working tree, since regenerating it would hide the break it carries.
graphql-core does the comparison (`find_schema_changes`, which finds the breaking, dangerous
and safe changes in one pass; `find_breaking_changes` and `find_dangerous_changes` are its
deprecated filters), not a diff of our own.

Each breaking change must be acknowledged in CHANGELOG.md by the line `make schema` prints
for it, added since the baseline, with an indented note below it:

    - BREAKING FIELD_REMOVED: Field ServiceOrder.customer was removed.
      Why, and what partners use instead.

Only lines added since the baseline count, so that an old entry cannot wave through a later
change that happens to read the same; the note is what partners read. Dangerous changes (an
enum value or an optional argument added...) are reported as warnings; additions are free.
"""

from __future__ import annotations

import os
import re
import subprocess
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from graphql import build_schema as build_from_sdl
from graphql.utilities import (
    BreakingChange,
    DangerousChange,
    SafeChange,
    find_schema_changes,
)

from schema.build import build_served_schema
from services.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
SDL_FILE = "schema.graphql"
CHANGELOG_FILE = "CHANGELOG.md"
BASELINE_BRANCH = "main"

_ACKNOWLEDGEMENT = re.compile(r"- BREAKING [A-Z_]+: \S.*")


class DangerousSchemaChange(UserWarning):
    """A change that breaks no operation but may surprise a client (an enum value its
    `switch` does not know, a changed default)."""


def served_sdl() -> str:
    """The SDL of the schema /graphql serves (settings change no type or field)."""
    return build_served_schema(get_settings()).as_str() + "\n"


@dataclass(frozen=True)
class Changes:
    breaking: list[BreakingChange] = field(default_factory=list)
    dangerous: list[DangerousChange] = field(default_factory=list)
    safe: list[SafeChange] = field(default_factory=list)


def compare(previous_sdl: str, sdl: str) -> Changes:
    changes = Changes()
    for change in find_schema_changes(build_from_sdl(previous_sdl), build_from_sdl(sdl)):
        if isinstance(change, BreakingChange):
            changes.breaking.append(change)
        elif isinstance(change, DangerousChange):
            changes.dangerous.append(change)
        else:
            changes.safe.append(change)
    return changes


def acknowledgement(change: BreakingChange) -> str:
    """The changelog line that acknowledges `change`: graphql-core's own words for it."""
    return f"- BREAKING {change.type.name}: {change.description}"


def acknowledgements(changelog: str) -> Counter[str]:
    """The acknowledgement lines of a changelog that carry a note (an indented line below)."""
    lines = [line.rstrip() for line in changelog.splitlines()]
    found: Counter[str] = Counter()
    for line, below in zip(lines, [*lines[1:], ""], strict=False):
        if _ACKNOWLEDGEMENT.fullmatch(line) and below[:1].isspace() and below.strip():
            found[line] += 1
    return found


@dataclass(frozen=True)
class Baseline:
    """The previous contract: the SDL and the changelog as they were at `source`."""

    source: str
    sdl: str | None  # None: there was no contract yet
    changelog: str


@dataclass(frozen=True)
class Verdict:
    changes: Changes
    unacknowledged: list[BreakingChange]

    @property
    def accepted(self) -> bool:
        return not self.unacknowledged


def judge(baseline: Baseline, sdl: str, changelog: str) -> Verdict:
    """Compare `sdl` with the baseline's; each breaking change uses up one acknowledgement
    added to the changelog since the baseline."""
    if baseline.sdl is None or baseline.sdl == sdl:
        return Verdict(Changes(), [])
    changes = compare(baseline.sdl, sdl)
    added = acknowledgements(changelog) - acknowledgements(baseline.changelog)
    unacknowledged = []
    for change in changes.breaking:
        line = acknowledgement(change)
        if added[line] > 0:
            added[line] -= 1
        else:
            unacknowledged.append(change)
    return Verdict(changes, unacknowledged)


def warn_dangerous(changes: Changes) -> None:
    for change in changes.dangerous:
        warnings.warn(DangerousSchemaChange(change.description), stacklevel=2)


def report(verdict: Verdict, baseline: Baseline) -> list[str]:
    """What `make schema` tells the developer, one line each."""
    if baseline.sdl is None:
        return [f"No {SDL_FILE} at {baseline.source}: nothing to compare with."]
    changes, refused = verdict.changes, verdict.unacknowledged
    lines = [f"Compared with {SDL_FILE} at {baseline.source}."]
    for change in changes.breaking:
        if change not in refused:
            lines.append(f"breaking, acknowledged: {change.description}")
    lines += [f"warning (dangerous): {change.description}" for change in changes.dangerous]
    if changes.safe:
        lines.append(f"safe changes: {len(changes.safe)}")
    if refused:
        lines.append(
            f"Refused: breaking changes not acknowledged in {CHANGELOG_FILE}. Add each line, "
            "with an indented note below it (why, and what partners use instead):"
        )
        lines += [acknowledgement(change) for change in refused]
    return lines


def read_baseline(root: Path = ROOT) -> Baseline:
    """The contract at SCHEMA_BASELINE, else at the merge base of HEAD and main, else (no git
    history) the files as they are, with every acknowledgement in the changelog counting."""
    ref = os.environ.get("SCHEMA_BASELINE") or _git(root, "merge-base", "HEAD", BASELINE_BRANCH)
    ref = ref or _git(root, "rev-parse", "HEAD")
    if ref is None:
        sdl_path = root / SDL_FILE
        sdl = sdl_path.read_text() if sdl_path.exists() else None
        return Baseline("the working tree", sdl, "")
    return Baseline(
        f"git {ref[:12]}",
        _git(root, "show", f"{ref}:./{SDL_FILE}", strip=False),
        _git(root, "show", f"{ref}:./{CHANGELOG_FILE}", strip=False) or "",
    )


def _git(root: Path, *args: str, strip: bool = True) -> str | None:
    """git's output, or None when it fails (no repository, no such ref or file)."""
    try:
        result = subprocess.run(
            ["git", *args], cwd=root, capture_output=True, text=True, timeout=30, check=False
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    return result.stdout.strip() if strip else result.stdout


@dataclass(frozen=True)
class Update:
    """What `make schema` did: refused (a break not acknowledged), wrote, or found the file
    already equal; with `check`, it writes nothing and a stale file is a failure."""

    verdict: Verdict
    stale: bool
    written: bool

    @property
    def status(self) -> int:
        return 0 if self.verdict.accepted and not self.stale else 1


def update(root: Path, sdl: str, baseline: Baseline, *, check: bool = False) -> Update:
    """Write `sdl` into root/schema.graphql unless it breaks the baseline unacknowledged."""
    changelog_path = root / CHANGELOG_FILE
    changelog = changelog_path.read_text() if changelog_path.exists() else ""
    verdict = judge(baseline, sdl, changelog)
    path = root / SDL_FILE
    differs = not path.exists() or path.read_text() != sdl
    if not verdict.accepted or check or not differs:
        return Update(verdict, stale=differs, written=False)
    path.write_text(sdl)
    return Update(verdict, stale=False, written=True)
