"""Headless Chromium for tests: install it if missing, dump the DOM, take screenshots.

Why: the HTML report is read in a browser, so a test should look at the DOM a
browser builds (after its parser's error recovery and the page's script), not
only at the markup string. Debian's ``chromium`` package is used because CI is
a fresh Debian machine where we are root; a failed install raises, so the
test fails instead of silently skipping.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 120  # seconds for one browser run (first start is slow on a cold machine)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--enable-logging=stderr", "--v=0")


class BrowserError(RuntimeError):
    """Chromium could not be installed or did not produce its output."""


def _apt(*args: str) -> None:
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    proc = subprocess.run(["apt-get", *args], env=env, capture_output=True, text=True,
                          timeout=1800)
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-3000:]
        raise BrowserError(f"apt-get {' '.join(args)} failed ({proc.returncode}):\n{tail}")


def ensure_chromium() -> Path:
    """Path of Debian's chromium, installing it with apt-get when it is missing."""
    if CHROMIUM.exists():
        return CHROMIUM
    if shutil.which("apt-get") is None:
        raise BrowserError(f"{CHROMIUM} missing and no apt-get to install it")
    if os.geteuid() != 0:
        raise BrowserError(f"{CHROMIUM} missing; installing it needs root (apt-get)")
    _apt("update")
    _apt("install", "-y", "--no-install-recommends", "chromium")
    if not CHROMIUM.exists():
        raise BrowserError(f"apt-get installed chromium but {CHROMIUM} is still missing")
    return CHROMIUM


def _run(url: str, *extra: str) -> subprocess.CompletedProcess:
    """One headless run with a throw-away profile; raises on a non-zero exit."""
    with tempfile.TemporaryDirectory(prefix="chromium-profile-") as profile:
        cmd = [str(ensure_chromium()), *FLAGS, f"--user-data-dir={profile}", *extra, url]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT,
                              stdin=subprocess.DEVNULL)
    if proc.returncode != 0:
        raise BrowserError(f"chromium exited {proc.returncode}:\n{proc.stderr[-3000:]}")
    return proc


def console_errors(stderr: str) -> list[str]:
    """Lines of the browser log that report an uncaught page-script error."""
    return [line for line in stderr.splitlines() if "CONSOLE" in line and "Uncaught" in line]


def dump_dom(path: Path) -> tuple[str, str]:
    """(serialised DOM after the page's scripts ran, browser stderr) of a local file."""
    proc = _run(path.resolve().as_uri(), "--dump-dom")
    if "<html" not in proc.stdout:
        raise BrowserError(f"--dump-dom printed no document:\n{proc.stderr[-3000:]}")
    return proc.stdout, proc.stderr


def screenshot(path: Path, png: Path, size: tuple[int, int] = (1400, 2000)) -> Path:
    """PNG of a local file rendered at ``size`` (width, height) pixels."""
    png.unlink(missing_ok=True)
    proc = _run(path.resolve().as_uri(), f"--screenshot={png.resolve()}",
                f"--window-size={size[0]},{size[1]}")
    if not png.is_file() or png.stat().st_size == 0:
        raise BrowserError(f"no screenshot written to {png}:\n{proc.stderr[-3000:]}")
    return png
