"""Progress on stderr for the long steps: clone, env build, tests."""
from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Column
from rich.text import Text

PREFIX = "##harness "
LOG_EVERY = 60.0  # seconds between a long step's progress lines in a log (CI, a pipe)


class Step:
    """One step's line on screen: a spinner, then a bar once a total is known.  In a log
    (``log``: not a terminal), a line every :data:`LOG_EVERY` seconds while tests run."""

    def __init__(self, progress: Progress | None, task: TaskID | None, title: str,
                 log: Console | None = None) -> None:
        self.progress = progress
        self.task = task
        self.title = title
        self.failed = 0
        self.network = 0  # of the failed, those the network explains (offline, blocked)
        self.log = log
        self.done = 0
        self.total: int | None = None
        self.start = self.last = time.monotonic()

    def _update(self, **kwargs: object) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, **kwargs)  # type: ignore[arg-type]

    def note(self, text: str) -> None:
        text = text.strip()
        if text:
            self._update(description=f"{self.title} [dim]{text[-60:]}[/]")

    def pytest_line(self, line: str) -> None:
        """Follow the events printed by harness' pytest plugin: on a line of their own, or
        after pytest's own progress marks on that line (``F##harness result failed ...``)."""
        at = line.find(PREFIX)
        if at < 0:
            return
        kind, _, rest = line[at + len(PREFIX):].partition(" ")
        if kind == "collected":
            self.total = int(rest) if rest.isdigit() else None
            self._update(total=self.total or 0)
        elif kind == "result":
            outcome = rest.partition(" ")[0]
            self.done += 1
            if outcome == "failed":
                self.failed += 1
            self._update(advance=1, failures=self._failures("[red]", "[/]"))
            if self.log is not None and time.monotonic() - self.last >= LOG_EVERY:
                self.last = time.monotonic()
                of = f"/{self.total}" if self.total else ""
                self.log.print(f"{self.title}: {self.done}{of} tests{self._failures(', ', '')} "
                               f"({self.last - self.start:.0f}s)", highlight=False,
                               markup=False)
        elif kind == "network":  # follows the failure's result: its cause
            self.network += 1
            self._update(failures=self._failures("[red]", "[/]"))

    def _failures(self, before: str, after: str) -> str:
        """"12 failed (10 need network)", or "" when none failed (short: on a terminal it
        follows the count and the time on the step's line, see :meth:`Ui.step`)."""
        if not self.failed:
            return ""
        why = f" ({self.network} need network)" if self.network else ""
        return f"{before}{self.failed} failed{after}{why}"


class _Count(MofNCompleteColumn):
    """"12/10060", once a total is known; nothing before (a clone, an env build: "0/?")."""

    def render(self, task: Task) -> Text:
        return super().render(task) if task.total is not None else Text("")


class Ui:
    def __init__(self, quiet: bool = False, console: Console | None = None) -> None:
        self.console = console or Console(stderr=True)
        self.quiet = quiet

    def info(self, text: str) -> None:
        if not self.quiet:
            self.console.print(text, highlight=False)

    @contextlib.contextmanager
    def step(self, title: str) -> Iterator[Step]:
        if self.quiet:
            yield Step(None, None, title)
            return
        if not self.console.is_terminal:  # a log (CI, a pipe): one line per step
            start = time.monotonic()
            self.console.print(f"{title} ...", highlight=False, markup=False)
            yield Step(None, None, title, log=self.console)
            self.console.print(f"{title}: done in {time.monotonic() - start:.1f}s",
                               highlight=False, markup=False)
            return
        # the title yields its room first (cut short with "…"), then the bar: the count, the
        # time and what failed always show (in an 80-column terminal a verify step's title
        # and its failures pushed the count and the time out of the line)
        progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}",
                       table_column=Column(ratio=3, no_wrap=True, overflow="ellipsis")),
            BarColumn(bar_width=None, table_column=Column(ratio=1)),
            _Count(table_column=Column(no_wrap=True)),
            TimeElapsedColumn(table_column=Column(no_wrap=True)),
            TextColumn("{task.fields[failures]}", table_column=Column(no_wrap=True)),
            console=self.console, transient=True, expand=True,
        )
        with progress:
            task = progress.add_task(title, total=None, failures="")
            yield Step(progress, task, title)
