"""Interleaved timing that a busy, shared machine cannot fool.

Every benchmark here compares contenders (ours and a bare-library baseline, sometimes the same code
from another checkout) **round by round on the same bytes**: in round *r* every contender runs once,
in an order rotated by *r*, so a burst of load from another process hits all of them alike. What is
reported is the median of the *per-round ratios* (ours / baseline in the same round) and their
spread (25th–75th percentile), for CPU time and for wall time, with the machine's load over the
measurement: the 1-minute load average before and after, and how many cores were busy in total and
busy with *other* processes (from ``/proc/stat`` minus our own CPU time).

Three kinds of contender:

* :class:`Call` — a function in this process (CPU: :func:`time.process_time`);
* :class:`Command` — a subprocess started afresh each time (CPU: the child's rusage);
* :class:`Remote` — a function run in a long-lived helper process that imports its code from
  another checkout (``--before DIR``): the same benchmark, before and after a change, interleaved.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "corpus"


@dataclass(frozen=True)
class Timing:
    wall: float
    """seconds"""
    cpu: float | None
    """seconds of CPU (user + system) this contender used, where it can be measured"""


class Contender:
    name: str

    def __call__(self) -> Timing:  # pragma: no cover - interface
        raise NotImplementedError

    def close(self) -> None:
        return None


class Call(Contender):
    """A function run in this process; CPU is this process's (``children=True``: plus the CPU of
    child processes it waited for, e.g. a ``multiprocessing.Pool``'s workers)."""

    def __init__(self, name: str, fn: Callable[[], object], *, children: bool = False) -> None:
        self.name, self.fn, self.children = name, fn, children

    def __call__(self) -> Timing:
        c0 = _cpu(self.children)
        w0 = time.perf_counter()
        self.fn()
        wall = time.perf_counter() - w0
        return Timing(wall, _cpu(self.children) - c0)


class Command(Contender):
    """A command run to completion each time (start-up benchmarks); CPU from the child's rusage."""

    def __init__(self, name: str, argv: Sequence[str], *, cwd: Path | None = None) -> None:
        self.name, self.argv, self.cwd = name, list(argv), cwd

    def __call__(self) -> Timing:
        w0 = time.perf_counter()
        proc = subprocess.Popen(self.argv, cwd=self.cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - w0
        proc.returncode = os.waitstatus_to_exitcode(status)
        err = proc.stderr.read() if proc.stderr else b""
        if proc.stderr:
            proc.stderr.close()
        if proc.returncode not in (0, 1):
            raise RuntimeError(f"{self.argv} exited {proc.returncode}: {err.decode(errors='replace')[-500:]}")
        return Timing(wall, usage.ru_utime + usage.ru_stime)


_REMOTE_LOOP = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
ns = {}
exec(sys.argv[2], ns)
fns = {}
for line in sys.stdin:
    req = json.loads(line)
    if "define" in req:
        fns[req["define"]] = eval(req["expr"], ns)
        print("{}", flush=True)
        continue
    c0, w0 = time.process_time(), time.perf_counter()
    fns[req["call"]]()
    print(json.dumps([time.perf_counter() - w0, time.process_time() - c0]), flush=True)
"""


class Remote:
    """A helper process whose ``sys.path`` starts with another checkout: ``setup`` is executed there
    once, then each :meth:`contender` is an expression (over ``setup``'s names) evaluating to a
    no-argument function, timed inside the helper."""

    def __init__(self, tree: Path, setup: str) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", _REMOTE_LOOP, str(tree), setup], cwd=tree,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._n = 0

    def _ask(self, req: dict[str, str]) -> str:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write(json.dumps(req) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("the helper process of the other checkout died")
        return line

    def contender(self, name: str, expr: str) -> Contender:
        self._n += 1
        key = f"f{self._n}"
        self._ask({"define": key, "expr": expr})
        remote = self

        class _RemoteCall(Contender):
            def __call__(self) -> Timing:
                wall, cpu = json.loads(remote._ask({"call": key}))
                return Timing(wall, cpu)

        c = _RemoteCall()
        c.name = name
        return c

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=30)


def _cpu(children: bool) -> float:
    ru = resource.getrusage(resource.RUSAGE_SELF)
    total = ru.ru_utime + ru.ru_stime
    if children:
        rc = resource.getrusage(resource.RUSAGE_CHILDREN)
        total += rc.ru_utime + rc.ru_stime
    return total


# ---------------------------------------------------------------------------------------------
# The machine's load


def _proc_stat() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine since boot, or None off Linux."""
    try:
        with open("/proc/stat") as fh:
            fields = [float(x) for x in fh.readline().split()[1:]]
    except OSError:
        return None
    hz = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0.0)
    total = sum(fields[:8])
    return (total - idle) / hz, total / hz


@dataclass
class Load:
    """The machine's load over one measurement."""

    load_before: float
    load_after: float = 0.0
    busy_cores: float | None = None
    """cores busy on average, every process counted"""
    others_cores: float | None = None
    """cores busy with processes other than this one and its waited-for children"""

    def line(self) -> str:
        s = f"load {self.load_before:.1f}→{self.load_after:.1f}"
        if self.others_cores is not None:
            s += f", others {self.others_cores:.1f} of {os.cpu_count()} cores"
        return s


class LoadProbe:
    def __init__(self) -> None:
        self.load = Load(load_before=os.getloadavg()[0])
        self._stat = _proc_stat()
        self._ours = _cpu(True)
        self._t = time.perf_counter()

    def stop(self) -> Load:
        self.load.load_after = os.getloadavg()[0]
        stat = _proc_stat()
        elapsed = time.perf_counter() - self._t
        if stat is not None and self._stat is not None and elapsed > 0:
            busy = stat[0] - self._stat[0]
            self.load.busy_cores = busy / elapsed
            self.load.others_cores = max(0.0, busy - (_cpu(True) - self._ours)) / elapsed
        return self.load


# ---------------------------------------------------------------------------------------------
# Interleaving


def interleave(contenders: Sequence[Contender], rounds: int, *, warmup: int = 1,
               on_round: Callable[[int], None] | None = None) -> dict[str, list[Timing]]:
    """Run every contender once per round, the order rotated by one each round (so each runs first
    equally often); ``warmup`` untimed rounds first. Returns each contender's timings by round."""
    names = [c.name for c in contenders]
    if len(set(names)) != len(names):
        raise ValueError(f"contender names must be unique: {names}")
    n = len(contenders)
    for _ in range(warmup):
        for c in contenders:
            c()
    out: dict[str, list[Timing]] = {c.name: [] for c in contenders}
    for r in range(rounds):
        for i in range(n):
            c = contenders[(i + r) % n]
            out[c.name].append(c())
        if on_round is not None:
            on_round(r)
    return out


def quantiles(xs: Sequence[float]) -> tuple[float, float, float]:
    """(25th percentile, median, 75th percentile)."""
    if len(xs) == 1:
        return xs[0], xs[0], xs[0]
    q = statistics.quantiles(xs, n=4, method="inclusive")
    return q[0], q[1], q[2]


@dataclass
class Ratio:
    """Per-round ratios ours / baseline (one per round and case)."""

    values: list[float]

    @property
    def median(self) -> float:
        return quantiles(self.values)[1]

    def text(self) -> str:
        lo, med, hi = quantiles(self.values)
        return f"{med:.2f}× ({lo:.2f}–{hi:.2f})"


@dataclass
class Result:
    """One row of the benchmark table."""

    suite: str
    case: str
    """what is compared, e.g. ``ogi --version`` or ``HTML, 7 real pages``"""
    ours: str
    baseline: str
    ours_value: str
    """ours in absolute terms (median), e.g. ``41 ms`` or ``3.2 ms/page CPU``"""
    baseline_value: str
    cpu: Ratio | None
    wall: Ratio | None
    rounds: int
    load: Load
    goal: str = ""
    """e.g. ``wall ≤ 4×``"""
    met: bool | None = None
    notes: list[str] = field(default_factory=list)


def ratios(timings: dict[str, list[Timing]], pairs: Sequence[tuple[str, str]], kind: str) -> Ratio | None:
    """Per-round ratios ``ours / base`` for every (ours, base) pair of contender names, pooled."""
    vals: list[float] = []
    for ours, base in pairs:
        for a, b in zip(timings[ours], timings[base], strict=True):
            x, y = (a.cpu, b.cpu) if kind == "cpu" else (a.wall, b.wall)
            if x is None or y is None or y <= 0:
                return None
            vals.append(x / y)
    return Ratio(vals) if vals else None


def per_case_medians(timings: dict[str, list[Timing]], pairs: Sequence[tuple[str, str]], kind: str) -> list[float]:
    """The median per-round ratio of each (ours, base) pair: one figure per case (file)."""
    out = []
    for pair in pairs:
        r = ratios(timings, [pair], kind)
        if r is not None:
            out.append(r.median)
    return out


def median_of(timings: dict[str, list[Timing]], names: Sequence[str], kind: str) -> float:
    """Median over rounds of the sum over ``names`` (e.g. all files of one contender)."""
    rounds = len(timings[names[0]])
    sums = []
    for r in range(rounds):
        vals = [timings[n][r].cpu if kind == "cpu" else timings[n][r].wall for n in names]
        sums.append(sum(v or 0.0 for v in vals))
    return statistics.median(sums)


def ms(seconds: float) -> str:
    v = seconds * 1000
    return f"{v:.0f} ms" if v >= 100 else f"{v:.1f} ms" if v >= 1 else f"{v:.2f} ms"


# ---------------------------------------------------------------------------------------------
# The table


def table(results: Sequence[Result]) -> str:
    """A markdown table of the results (what ``python -m benchmarks`` prints and the README holds)."""
    head = ("| benchmark | ours | baseline | ours (median) | baseline (median) | CPU ratio, median (IQR) "
            "| wall ratio, median (IQR) | goal | rounds | machine |")
    lines = [head, "|" + "---|" * 10]
    for r in results:
        goal = r.goal
        if r.met is not None and goal:
            goal += " ✓" if r.met else " ✗"
        lines.append(
            f"| {r.suite}: {r.case} | {r.ours} | {r.baseline} | {r.ours_value} | {r.baseline_value} | "
            f"{r.cpu.text() if r.cpu else '—'} | {r.wall.text() if r.wall else '—'} | {goal or '—'} | {r.rounds} | "
            f"{r.load.line()} |"
        )
    return "\n".join(lines)


def machine_line() -> str:
    import platform

    return (f"{os.cpu_count()} cores ({platform.processor() or platform.machine()}), Python "
            f"{platform.python_version()}, {time.strftime('%Y-%m-%d')}")
