"""`make bench-nightly`: each step's time and its own peak memory, on a real (small) warehouse."""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from footprint.devtools.bench_nightly import NightTiming, _timed, in_own_process

MB = 1024 * 1024


def _hold(megabytes: int) -> None:
    block = bytearray(megabytes * MB)
    block[::4096] = b"\x01" * len(block[::4096])  # touch every page, so that it is resident


def _own_peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / MB


def test_each_step_peak_is_its_own_not_the_largest_step_before_it() -> None:
    timing = NightTiming("2022-03-01", "initial")
    _timed(timing, "load", lambda: _hold(600))
    _timed(timing, "gate", lambda: _hold(10))

    assert timing.peak_gb["load"] - timing.peak_gb["gate"] > 0.5
    assert set(timing.seconds) == set(timing.peak_gb) == {"load", "gate"}


def test_a_step_runs_apart_so_its_memory_is_not_left_to_the_next() -> None:
    before = _own_peak_gb()
    assert in_own_process(lambda: _hold(600)) > 0.55
    assert _own_peak_gb() - before < 0.3


def test_a_failing_step_fails_the_benchmark() -> None:
    def fails() -> None:
        raise ValueError("the step's own error")

    with pytest.raises(RuntimeError, match="benchmark step failed"):
        in_own_process(fails)


def test_a_step_that_keeps_a_named_semaphore_ends_without_a_leak_warning(tmp_path: Path) -> None:
    # As dbt's build does: its locks are named semaphores that live as long as the process. A
    # fresh interpreter, so that the resource tracker's report is on the captured stderr.
    script = tmp_path / "step.py"
    script.write_text(
        "import multiprocessing\n"
        "from footprint.devtools.bench_nightly import in_own_process\n"
        "kept = []\n"
        "in_own_process(lambda: kept.append(multiprocessing.get_context('spawn').Lock()))\n"
    )
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "leaked semaphore" not in run.stderr


@pytest.mark.dbt
@pytest.mark.slow
def test_the_benchmark_times_and_weighs_every_step_of_every_night(tmp_path: Path) -> None:
    # As `make bench-nightly` runs it: in a fresh process, because a process that has run dbt
    # must not fork (the thread pool of dbt's parser does not survive it), and this test's has.
    env = {k: v for k, v in os.environ.items() if not k.startswith("FOOTPRINT_")}
    args = ["--preset", "small", "--history-years", "1", "--nights", "1", "--out", str(tmp_path),
            "--memory-limit", "1GB", "--threads", "2"]
    run = subprocess.run([sys.executable, "-m", "footprint.devtools.bench_nightly", *args], env=env,
                         capture_output=True, text=True, timeout=600, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert "leaked semaphore" not in run.stderr

    result = json.loads((tmp_path / "bench-nightly.json").read_text())
    kinds = [night["kind"] for night in result["nights"]]
    assert kinds == ["initial", "nightly", "full rebuild"]
    for night in result["nights"][:2]:
        assert set(night["seconds"]) == set(night["peak_gb"]) == {"load", "gate", "build", "publish"}
    assert result["memory_limit"] == "1GB"
    assert result["build_peak_rss_gb"] == max(n["peak_gb"]["build"] for n in result["nights"])
    assert 0 < result["nightly_build_over_full"][0] == result["worst_ratio"]
    assert result["imports_s"] > 0
    assert "peak resident memory of a dbt build" in run.stdout
    assert "nightly dbt build / full rebuild" in run.stdout
