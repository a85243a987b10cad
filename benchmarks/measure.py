"""What every benchmark area shares: settings, timed runs, figures and the table.

A figure is the median wall time (or another quantity) of several runs, with
the peak memory of the largest process, beside the same figure for the stock
setup when there is one. The table prints the ratio of the two.
"""

from __future__ import annotations

import argparse
import itertools
import math
import os
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


@dataclass(frozen=True)
class Settings:
    """What a run of the benchmarks covers."""

    sizes: tuple[int, ...] = (10, 100, 300)
    repeats: int = 3
    workdir: Path = ROOT / "_build" / "bench"


@dataclass(frozen=True)
class Run:
    seconds: float
    peak_mb: float
    cpu_seconds: float = 0.0
    # What the command printed (stdout and stderr), for counts read off it.
    output: str = field(default="", repr=False, compare=False)


class Sample(NamedTuple):
    """The median of several runs (and the peak memory over them)."""

    runs: tuple[Run, ...]

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return max(run.peak_mb for run in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)


@dataclass(frozen=True)
class Figure:
    """One row of the table: a measure at a size, ours and the stock setup's."""

    area: str
    measure: str
    notices: int | None
    value: float
    unit: str = "s"
    stock: float | None = None
    stock_label: str = "stock"
    peak_mb: float | None = None
    stock_peak_mb: float | None = None
    cpu_seconds: float | None = None
    stock_cpu_seconds: float | None = None


def compared(area: str, measure: str, notices: int | None, ours: Sample, theirs: Sample,
             label: str = "stock") -> Figure:
    """*ours* beside *theirs*: the wall time, CPU time and peak memory of both."""
    return Figure(area, measure, notices, ours.seconds, stock=theirs.seconds, stock_label=label,
                  peak_mb=ours.peak_mb, stock_peak_mb=theirs.peak_mb,
                  cpu_seconds=ours.cpu_seconds, stock_cpu_seconds=theirs.cpu_seconds)


def timed(command: list[str]) -> Run:
    """Run *command*; its wall time and the peak memory of its largest process.

    The peak comes from wait4's resource usage, which covers the process and
    the children it waited for (the workers of a parallel build); the CPU time
    (user + system, over the same processes) is less sensitive than wall time
    to other work on a shared machine.
    """
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    output = output.decode(errors="replace")
    # Waited for by wait4: the Popen object is told, so that it does not wait again.
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        command_line = " ".join(map(str, command))
        raise RuntimeError(f"{command_line} failed ({process.returncode}):\n{output[-3000:]}")
    return Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, output)


def best_of(repeat: int, run) -> tuple[float, float]:
    """The least wall seconds and the least CPU seconds (this process's and
    the commands it waited for) of *repeat* runs."""
    walls, cpus = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), _cpu_seconds()
        run()
        walls.append(time.perf_counter() - start)
        cpus.append(_cpu_seconds() - start_cpu)
    return min(walls), min(cpus)


def _cpu_seconds() -> float:
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


def growth(small: Figure, large: Figure) -> str:
    """How a cost grows between two sizes: the ratio and its exponent (1 is linear)."""
    if not (small.value and large.value and small.notices and large.notices):
        return ""
    ratio = large.value / small.value
    exponent = math.log(ratio) / math.log(large.notices / small.notices)
    return f"x{ratio:.1f} for x{large.notices / small.notices:.0f} notices (exponent {exponent:.2f})"


def machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"{os.cpu_count()} cores, load average {one:.1f} (1 min), {five:.1f} (5 min)"


def format_table(figures: list[Figure]) -> str:
    """The figures as a Markdown table."""
    lines = [
        "| area | measure | notices | ours | CPU | peak MB | compared with | theirs | CPU "
        "| peak MB | ratio |",
        "| --- | --- | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for figure in figures:
        ratio = f"{figure.value / figure.stock:.2f}" if figure.stock else ""
        lines.append(
            f"| {figure.area} | {figure.measure} | {figure.notices or ''} "
            f"| {_amount(figure.value, figure.unit)} | {_amount(figure.cpu_seconds, 's')} "
            f"| {_mb(figure.peak_mb)} "
            f"| {figure.stock_label if figure.stock is not None else ''} "
            f"| {_amount(figure.stock, figure.unit)} | {_amount(figure.stock_cpu_seconds, 's')} "
            f"| {_mb(figure.stock_peak_mb)} | {ratio} |"
        )
    return "\n".join(lines)


def format_growth(figures: list[Figure], heading: str) -> str:
    """For each measure taken at several sizes, how its cost grows: a section
    under *heading* to print after the table, or nothing."""
    by_measure: dict[tuple[str, str, str], list[Figure]] = {}
    for figure in figures:
        if figure.notices:
            key = (figure.area, figure.measure, figure.stock_label)
            by_measure.setdefault(key, []).append(figure)
    lines = []
    for (area, measure, _), series in by_measure.items():
        series.sort(key=lambda figure: figure.notices)
        if len(series) < 2:
            continue
        sizes = " -> ".join(str(figure.notices) for figure in series)
        lines.append(f"- {area}, {measure} ({sizes}):")
        for label, value in (
            ("ours, wall", lambda f: f.value),
            ("ours, CPU", lambda f: f.cpu_seconds),
            (f"{series[0].stock_label}, wall", lambda f: f.stock),
            (f"{series[0].stock_label}, CPU", lambda f: f.stock_cpu_seconds),
        ):
            steps = [growth(replace(a, value=value(a)), replace(b, value=value(b)))
                     for a, b in itertools.pairwise(series) if value(a) and value(b)]
            if steps:
                lines.append(f"  - {label}: {'; '.join(steps)}")
    return f"\n\n{heading}:\n" + "\n".join(lines) if lines else ""


def _amount(value: float | None, unit: str) -> str:
    if value is None:
        return ""
    if unit == "s" or unit.startswith("per "):
        return f"{value:.2f} {unit}"
    return f"{value:,.0f} {unit}"


def _mb(value: float | None) -> str:
    return f"{value:.0f}" if value is not None else ""


def parse_settings(argv: list[str] | None = None, description: str = "") -> Settings:
    """Settings from the command line, shared by the runner and each area."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", default="10,100,300",
                        help="notice counts, comma-separated (default 10,100,300)")
    parser.add_argument("--repeats", type=int, default=3, help="runs per figure (median)")
    parser.add_argument("--workdir", type=Path, default=Settings.workdir)
    args = parser.parse_args(argv)
    sizes = tuple(int(size) for size in args.sizes.split(","))
    return Settings(sizes, args.repeats, args.workdir.resolve())


def main_for_area(area_run, description: str) -> None:
    """Run one area alone and print its table."""
    settings = parse_settings(None, description)
    print(f"Machine: {machine_load()}", flush=True)
    figures = area_run(settings)
    print(format_table(figures) + format_growth(figures, "Growth"))
