"""The production install that the deployment tests share: the wheel `pip install .`
builds, installed with [prod] into a new virtual environment outside the checkout.

Built once per test process (about a minute on the 2-core machine), so the wheel test
and the nginx test both serve the installed package, not the checkout.
"""
from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[2]
#: What the build needs from the checkout (a copy, so no stale build/ leaks in).
SOURCES = ["pyproject.toml", "setup.py", "README.md", "src", "templates", "migrations"]
#: Settings of the developer's shell that must not reach the installed app.
LEFT_OUT = {"VIRTUAL_ENV", "DATABASE_URL", "RATELIMIT_STORAGE_URI", "INSTANCE_PATH", "TRUST_PROXY",
            "PUBLIC_BASE_URL", "SECRET_KEY"}


class Installed(NamedTuple):
    wheel: Path
    venv: Path

    @property
    def bin(self) -> Path:
        return self.venv / "bin"

    def package_folder(self, name: str) -> Path:
        """A folder inside the installed package (static, templates...)."""
        (site_packages,) = (self.venv / "lib").glob("python*/site-packages")
        return site_packages / "materiality" / name


def run(command: list[str], cwd: Path, env: dict, timeout: float = 300) -> str:
    """Run a command; fail the test with its output when it fails."""
    result = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True,
                            timeout=timeout, check=False)
    assert result.returncode == 0, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def clean_environment(bin_: Path) -> dict:
    """The shell's environment without the developer's settings, the venv's bin first."""
    env = {key: value for key, value in os.environ.items() if key not in LEFT_OUT
           and not key.startswith(("FLASK_", "PYTHON"))}
    env["PATH"] = f"{bin_}:{env.get('PATH', '')}"
    return env


@cache
def installed() -> Installed:
    """Build the wheel from a clean copy of the checkout and install it into a new venv."""
    top = Path(tempfile.mkdtemp(prefix="materiality-wheel-"))
    atexit.register(shutil.rmtree, top, ignore_errors=True)
    source, dist, venv = top / "source", top / "dist", top / "venv"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name,
                            ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.mo"))
        else:
            shutil.copy2(ROOT / name, source / name)
    env = clean_environment(venv / "bin")
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(dist), str(source)],
        cwd=source, env=os.environ.copy())
    (wheel,) = dist.glob("materiality-*.whl")
    # A venv without pip of its own: the suite's pip installs into it (saves ~5 s).
    run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=top, env=env)
    pip = [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
           "--quiet", "--no-compile"]
    run([*pip, "--require-hashes", "--no-deps", "-r", str(ROOT / "requirements-hashed.txt")],
        cwd=top, env=env)
    run([*pip, f"{wheel}[prod]", "-c", str(ROOT / "constraints.txt")], cwd=top, env=env)
    return Installed(wheel, venv)
