"""Per-document budgets: time (``Settings.timeout_s``) and table cells (``Settings.max_cells``).

Readers and the locator call :meth:`Budget.tick` in their per-row loops; it reads the clock every
few hundred calls and raises :class:`~extractor.errors.ReadTimeout` once the document's time is
spent. :meth:`Budget.cells` counts table cells and raises :class:`~extractor.errors.FileTooLarge`
past the limit: a real report's tables hold a few hundred cells (a Word export a few thousand), and
every cell costs memory, so a page of a million cells is refused before it is built, not after.

OCR is slow by nature (seconds a page), so a reader grants itself :meth:`Budget.grant`
(``Settings.ocr_page_timeout_s``) for each page it starts to OCR, and the OCR pipeline calls
:meth:`Budget.check` between its steps: a page whose OCR runs out of time stops there with
``timeout`` instead of running on.

Regular expressions that run over a whole document go through :meth:`Budget.finditer` /
:meth:`Budget.search`: the ``regex`` package stops a match that runs past the document's remaining
time (``timeout=``), a second line of defence behind patterns that are linear by construction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import regex

from extractor.errors import FileTooLarge, ReadTimeout
from extractor.settings import Settings

_EVERY = 256

on_grant: Callable[[float], None] | None = None
"""Called with the seconds of every :meth:`Budget.grant` in this process (set in an isolated
reading process, so the parent extends its own limit by each OCR page's allowance)."""


class Budget:
    __slots__ = ("_calls", "_cells", "_end", "max_cells", "seconds", "source")

    def __init__(self, settings: Settings, source: str | None = None) -> None:
        self.seconds = settings.timeout_s
        self.max_cells = settings.max_cells
        self.source = source
        self._end = time.monotonic() + settings.timeout_s
        self._calls = 0
        self._cells = 0

    def check(self, what: str) -> None:
        if time.monotonic() > self._end:
            raise self.timeout(what)

    def timeout(self, what: str) -> ReadTimeout:
        return ReadTimeout(f"{what}: over the {self.seconds:g} s time budget per document", source=self.source)

    def deadline(self, what: str) -> Deadline:
        """The budget as one long step sees it (an OCR page: ``what`` names it in the timeout)."""
        return Deadline(self, what)

    def grant(self, seconds: float) -> None:
        """Extend the document's budget (an OCR page's allowance), and tell :data:`on_grant` (a
        parent process's wall-clock limit, see :mod:`extractor.isolate`)."""
        self.seconds += seconds
        self._end += seconds
        if on_grant is not None:
            on_grant(seconds)

    def remaining(self) -> float:
        """Seconds left (never below a millisecond: ``regex`` treats 0 as "no time at all")."""
        return max(self._end - time.monotonic(), 0.001)

    def _timeout(self, what: str, exc: TimeoutError) -> ReadTimeout:
        return self.timeout(what)

    def finditer(self, pattern: regex.Pattern[str], text: str, what: str) -> Iterator[regex.Match[str]]:
        """``pattern.finditer(text)`` within the remaining time (:class:`ReadTimeout` past it)."""
        self.check(what)
        try:
            yield from pattern.finditer(text, timeout=self.remaining())
        except TimeoutError as exc:
            raise self._timeout(what, exc) from exc

    def search(self, pattern: regex.Pattern[str], text: str, pos: int, what: str) -> regex.Match[str] | None:
        """``pattern.search(text, pos)`` within the remaining time (:class:`ReadTimeout` past it)."""
        self.tick(what)
        try:
            return pattern.search(text, pos, timeout=self.remaining())
        except TimeoutError as exc:
            raise self._timeout(what, exc) from exc

    def tick(self, what: str) -> None:
        self._calls += 1
        if self._calls % _EVERY == 0:
            self.check(what)

    def cells(self, n: int, what: str) -> None:
        self._cells += n
        if self._cells > self.max_cells:
            raise FileTooLarge(
                f"{what}: more than {self.max_cells:,} table cells (a report's tables hold a few hundred)",
                source=self.source,
            )


class Deadline:
    """A :class:`Budget` handed to a step that cannot check it itself (the OCR engine's network
    runs): :meth:`remaining` to stop the run at the deadline, :meth:`timeout` for the error then."""

    __slots__ = ("budget", "what")

    def __init__(self, budget: Budget, what: str) -> None:
        self.budget = budget
        self.what = what

    def check(self) -> None:
        self.budget.check(self.what)

    def remaining(self) -> float:
        return self.budget.remaining()

    def timeout(self) -> ReadTimeout:
        return self.budget.timeout(self.what)
