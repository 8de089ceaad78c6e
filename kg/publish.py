"""Publishing a build atomically: outputs are written into a fresh version folder, and the
output path is a symbolic link switched to it with one rename (os.replace). A build that
is killed half-way leaves only an unreferenced version folder; readers of `build/` always
see either the previous complete build or the new one."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path


def versions_dir(out_dir: Path) -> Path:
    return out_dir.parent / f".{out_dir.name}-versions"


def new_staging_dir(out_dir: Path) -> Path:
    """A fresh folder on the same file system as out_dir (so the switch is a rename)."""
    root = versions_dir(out_dir)
    root.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    staging = root / f"{stamp}-{os.getpid()}"
    staging.mkdir()
    return staging


def current_target(out_dir: Path) -> Path | None:
    if out_dir.is_symlink():
        return (out_dir.parent / os.readlink(out_dir)).resolve()
    return None


def publish(staging: Path, out_dir: Path) -> None:
    """Point out_dir at staging, then delete versions nothing points to any more."""
    link_tmp = out_dir.parent / f".{out_dir.name}.link-tmp-{os.getpid()}"
    if link_tmp.is_symlink() or link_tmp.exists():
        link_tmp.unlink()
    os.symlink(os.path.relpath(staging, out_dir.parent), link_tmp)
    if out_dir.exists() and not out_dir.is_symlink():
        # A plain folder (from an older layout or made by hand) cannot be replaced by a
        # rename; move it aside once, after which every switch is atomic.
        out_dir.rename(versions_dir(out_dir) / f"legacy-{os.getpid()}")
    os.replace(link_tmp, out_dir)
    keep = current_target(out_dir)
    for old in versions_dir(out_dir).iterdir():
        if old.resolve() != keep:
            shutil.rmtree(old, ignore_errors=True)


def discard(staging: Path) -> None:
    shutil.rmtree(staging, ignore_errors=True)
