"""System tools the renders need, checked before any manim work starts.

Without LaTeX every formula fails deep inside manim with a bare
FileNotFoundError; we say what is missing and how to install it instead.
"""

from __future__ import annotations

import shutil
import subprocess

APT_PACKAGES = (
    "libcairo2-dev libpango1.0-dev pkg-config texlive-latex-base texlive-latex-extra "
    "texlive-fonts-recommended dvisvgm"
)
INSTALL_HINT = f"sudo apt-get install --no-install-recommends {APT_PACKAGES}"


def missing_tools() -> list[str]:
    """Names of missing tools and LaTeX packages (empty when all is there)."""
    missing = [tool for tool in ("latex", "dvisvgm") if shutil.which(tool) is None]
    if not missing and shutil.which("kpsewhich"):
        for needed in ("standalone.cls", "preview.sty"):
            found = subprocess.run(["kpsewhich", needed], capture_output=True, text=True).stdout.strip()
            if not found:
                missing.append(f"LaTeX package {needed}")
    return missing


def problem() -> str | None:
    """One line naming what is missing and the command that installs it."""
    missing = missing_tools()
    if not missing:
        return None
    return f"missing {', '.join(missing)} (needed to typeset formulas); install with: {INSTALL_HINT}"
