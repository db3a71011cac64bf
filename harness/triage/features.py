"""What an issue says about itself: kind, reproduction, scope, models, hardware, history.

Pure text work on one :class:`~harness.triage.issues.Issue`; no network, no store.  The
weights given to each feature live in :mod:`harness.triage.scoring`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import NamedTuple

from harness.recipes import Recipe
from harness.triage import body as body_mod
from harness.triage import comments as comments_mod
from harness.triage import cues, hardware, kinds, models, title, words
from harness.triage import labels as labels_mod
from harness.triage.issues import Issue


class Features(NamedTuple):
    kind: str  # "bug", "question", "feature", "new-model", "docs" or "other"
    beginner_label: str | None
    repro: bool  # a code block one can paste
    code_blocks: int
    code_lines: int  # lines in the code blocks (a minimal reproduction is short)
    traceback: bool
    expected: bool  # the expected behaviour is written down
    files: tuple[str, ...]  # the library's files named, and where a traceback ends
    symbols: tuple[str, ...]  # functions, classes named in backticks
    models: tuple[models.ModelRef, ...]
    memory_gb: float | None  # what the largest sized model needs
    built_small: bool  # the reproduction builds a few-layer model from a config
    private_files: bool  # the reproduction loads files only the reporter has
    hardware: frozenset[str]  # groups of hardware.WORDS found
    cues: frozenset[str]  # cues.WORDS and cues.PHRASES found in what the issue tells
    chars: int  # length of the prose
    comments: int
    age_days: int
    assignees: tuple[str, ...]
    linked_prs: tuple[int, ...]
    flags: frozenset[str]  # "stale", "wip"
    claimed: str = ""  # who said they are on it, in a comment ("" when nobody)
    # days since they were last heard from in the thread (comments.claim; 0 when nobody)
    claim_quiet_days: int = 0
    # unchecked items of the post's task list of many parts (body.open_parts): a claim
    # takes one part, not the issue (counted only where a comment claims it: 0 otherwise)
    open_parts: int = 0
    maintainer: str = ""  # "agreed" (a maintainer welcomed a fix), "replied" or ""
    title_cues: frozenset[str] = frozenset()  # title.cues: what the title names
    named_files: int = 0  # the library's files the reporter names (not traceback frames)
    model_in_title: bool = False  # the title names models.largest (models.in_title)
    # the title is about a part of a checkpoint loaded without its weights: its tokenizer,
    # config or processor (models.LIGHT_TITLE)
    title_light: bool = False
    says_nothing: bool = False  # the post tells nothing beyond its title (body.says_nothing)
    several_problems: bool = False  # it lists separate problems (body.several_problems)
    post_chars: int = 0  # length of the whole post, as written (System Info and code in it)
    # what it tells, as words, and its first words in order (body.Body.weighed, .head)
    told: frozenset[str] = frozenset()
    head: tuple[str, ...] = ()
    # a feature request whose title asks for a small addition: an argument, an option, a
    # callback, or one it names (kinds.asks_small_addition)
    small_addition: bool = False
    # an issue of no kind ("other") whose post asks something (kinds.asks_something)
    asks: bool = False

    @property
    def terms(self) -> frozenset[str]:
        """Its words and pairs of neighbours, as the fit reads them (:func:`.words.terms`;
        scoring reads the same from ``told`` and ``head``)."""
        return words.terms(self.told, self.head)


_WORDS_AT = Features._fields.index("told")  # told, then head


def without_words(f: Features) -> Features:
    """``f`` less the words it weighs (``told``, ``head``): what an assessment keeps once
    scored (a worker's results are sent back pickled: hundreds of words an issue doubled
    the time of a batch).  Built as a tuple: ``_replace`` took 2.2 us an issue."""
    return Features._make((*f[:_WORDS_AT], frozenset(), (), *f[_WORDS_AT + 2:]))


def parse_time(text: str) -> datetime | None:
    """An ISO 8601 time ("2024-05-01T12:00:00Z", "2024-05-01"); None when it is not one."""
    try:
        when = datetime.fromisoformat(str(text).strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _age(now: datetime, created_at: str) -> int:
    created = parse_time(created_at)
    return max(0, (now - created).days) if created else 0


def library_files(paths: tuple[str, ...], package: str) -> tuple[str, ...]:
    """The paths that are the library's or its repository's, relative to the checkout.

    ``/usr/lib/python3.11/site-packages/peft/tuners/lora/model.py`` →
    ``src/peft/tuners/lora/model.py``; a user's ``train.py`` is dropped.
    """
    if not paths:
        return ()
    found = []
    for named in paths:
        path = named.rpartition("site-packages/")[2].lstrip("/")
        if path.startswith(("src/", "tests/", "docs/", "examples/", "utils/")):
            found.append(path)
        elif path.startswith(f"{package}/") or f"/src/{package}/" in path:
            inside = path.rpartition(f"{package}/")[2]
            # a clone's top folders ("diffusers/examples/dreambooth/train_dreambooth.py"),
            # not the package's ("diffusers/utils/import_utils.py")
            top = inside.startswith(_TOP) and f"/src/{package}/" not in f"/{path}"
            found.append(inside if top else f"src/{package}/{inside}")
    return tuple(dict.fromkeys(found))


# the folders beside src/ in a clone of the repository that the package has none of
_TOP = ("examples/", "scripts/", "tests/", "docs/")


def package_of(recipe: Recipe) -> str:
    return recipe.verify.package.rstrip("/").rpartition("/")[2] or recipe.name


def extract(issue: Issue, recipe: Recipe, *, now: datetime | None = None,
            hub: Mapping[str, float] | None = None,
            linked_prs: tuple[int, ...] = (),
            comments: Sequence[comments_mod.Comment] = ()) -> Features:
    triage = recipe.triage
    parsed = body_mod.parse(issue.title, issue.body)
    package = package_of(recipe)
    frames = library_files(parsed.frames, package)
    runnable = body_mod.runnable(parsed)
    loaded = models.loads(parsed)  # read once: sizes and cues both leave tokenizers out
    named = models.named(parsed, hub, loaded=loaded)
    small = models.built_small(parsed)
    top = None if small else models.largest(named)
    now = now or datetime.now(timezone.utc)
    folded = labels_mod.fold(issue.labels)
    flags = {"stale"} if not folded.isdisjoint(labels_mod.STALE) else set()
    flags |= {"wip"} if not folded.isdisjoint(labels_mod.BUSY) else set()
    told = library_files(parsed.files, package)
    kind = kinds.kind(issue, triage, parsed, runnable)
    said = comments_mod.claim(comments) if comments else None
    return Features(
        kind=kind,
        beginner_label=labels_mod.beginner(triage, issue.labels),
        repro=runnable, code_blocks=len(parsed.code),
        code_lines="".join(parsed.code).count("\n"), traceback=parsed.traceback,
        expected=body_mod.filled(parsed, ("expected behavior", "expected behaviour")),
        files=tuple(dict.fromkeys(told + frames[-1:])),
        symbols=parsed.symbols, models=named,
        memory_gb=None if top is None else models.memory_gb(top.billions or 0.0),
        built_small=small,
        private_files=body_mod.private_files(parsed),
        hardware=hardware.found(parsed), cues=cues.found(parsed, light=loaded[1]),
        chars=len(parsed.prose),
        comments=issue.comments,
        age_days=_age(now, issue.created_at),
        assignees=issue.assignees, linked_prs=linked_prs or issue.linked_prs,
        flags=frozenset(flags),
        claimed=said.who if said else "",
        claim_quiet_days=_age(now, said.last_heard) if said else 0,
        open_parts=body_mod.open_parts(issue.body) if said else 0,
        maintainer=comments_mod.maintainer_state(comments) if comments else "",
        title_cues=title.cues_of(parsed.title_words, issue.title), named_files=len(told),
        model_in_title=top is not None and models.in_title(top, parsed.title_words),
        title_light=not parsed.title_words.isdisjoint(models.LIGHT_TITLE),
        says_nothing=body_mod.says_nothing(issue.body),
        several_problems=body_mod.several_problems(parsed),
        told=parsed.weighed, head=parsed.head, post_chars=len(issue.body),
        small_addition=kind == "feature"
        and kinds.asks_small_addition(issue.title, parsed.title_words),
        asks=kind == "other" and kinds.asks_something(parsed),
    )
