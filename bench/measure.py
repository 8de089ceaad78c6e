"""Running a benchmark step as a child process and measuring it: wall time, peak memory, and
a watchdog that stops it at a memory or time limit instead of letting it take the machine.

Why wait4 and not resource.getrusage(RUSAGE_CHILDREN): RUSAGE_CHILDREN is the largest of all
children so far, so the second step would report the first one's peak. wait4 returns the
rusage of that one child (its ru_maxrss covers the child and the descendants it waited for,
e.g. the JVM HermiT runs in). The watchdog sums the resident memory of the child's whole
process group (it runs in a session of its own), sampled twice a second, which also catches
a JVM that is still running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Measured:
    """What a child did: exit status (None if killed by the watchdog), time, memory, output."""
    returncode: int | None
    seconds: float
    maxrss_kb: int              # wait4's ru_maxrss: the peak of the child (or a waited-for descendant)
    sampled_peak_kb: int        # the peak of the sampled resident memory of the whole process group
    stdout: str
    stderr: str
    stopped: str | None = None  # why the watchdog stopped it

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and self.stopped is None

    def one_line_error(self) -> str:
        if self.stopped:
            return self.stopped
        tail = [line for line in self.stderr.strip().splitlines() if line.strip()]
        return f"exit status {self.returncode}: {tail[-1][:300] if tail else 'no message'}"


def group_rss_kb(pgid: int) -> int:
    """Resident memory (KB) of every process in a process group, from /proc."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as fh:
                fields = fh.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        # after the command name: state ppid pgrp session ... rss is field 24 overall, 22 here
        if int(fields[2]) == pgid:
            total += int(fields[21]) * PAGE_KB
    return total


def available_kb() -> int:
    """MemAvailable from /proc/meminfo (KB)."""
    with open("/proc/meminfo", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1])
    raise OSError("/proc/meminfo: no MemAvailable line")


def run_measured(cmd: list[str], *, cwd: Path | None = None, env: dict[str, str] | None = None,
                 timeout: float | None = None, mem_limit_kb: int | None = None, log_dir: Path | None = None,
                 name: str = "step") -> Measured:
    """Run cmd to completion (or until the watchdog stops it) and measure it."""
    log_dir = log_dir or Path("/tmp")
    log_dir.mkdir(parents=True, exist_ok=True)
    out_path, err_path = log_dir / f"{name}.stdout", log_dir / f"{name}.stderr"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        started = time.perf_counter()
        process = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                   start_new_session=True)
        peak, stopped, rusage, status = 0, None, None, None
        next_sample = 0.0
        while True:
            pid, status, rusage = os.wait4(process.pid, os.WNOHANG)
            if pid:
                break
            now = time.perf_counter()
            if now >= next_sample:
                peak = max(peak, group_rss_kb(process.pid))
                next_sample = now + 0.5
                if stopped is None and mem_limit_kb and peak > mem_limit_kb:
                    stopped = f"stopped at {peak / 1e6:.1f} GB resident (limit {mem_limit_kb / 1e6:.1f} GB)"
                if stopped is None and timeout and now - started > timeout:
                    stopped = f"stopped after {now - started:.0f} s (limit {timeout:.0f} s)"
                if stopped:
                    _kill_group(process.pid)
            time.sleep(0.05)
        seconds = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)  # so that Popen does not wait for it again
    return Measured(None if stopped else process.returncode, seconds, rusage.ru_maxrss, peak,
                    out_path.read_text(errors="replace"), err_path.read_text(errors="replace"), stopped)


def _kill_group(pgid: int) -> None:
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
