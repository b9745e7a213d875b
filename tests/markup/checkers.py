"""The two markup checkers, as installed by `make install` (npm ci in tests/markup).

- The Nu HTML checker (vnu.jar, npm package vnu-jar) runs once over every page file:
  one JVM start for the whole session.
- axe-core (npm package axe-core) is injected into each page in Chromium.

Both are pinned in tests/markup/package-lock.json; nothing is fetched at test time.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).parent
VNU_JAR = HERE / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE_JS = HERE / "node_modules" / "axe-core" / "axe.min.js"
JAVA = shutil.which("java")


def vnu_missing() -> str | None:
    """Why the validator cannot run here, or None."""
    if JAVA is None:
        return "java is not installed (apt-get install default-jre-headless)"
    if not VNU_JAR.is_file():
        return f"{VNU_JAR} is missing (make install runs npm ci in tests/markup)"
    return None


def axe_missing() -> str | None:
    if not AXE_JS.is_file():
        return f"{AXE_JS} is missing (make install runs npm ci in tests/markup)"
    return None


def validate(files: list[Path]) -> dict[Path, list[str]]:
    """The Nu checker's errors for each file (warnings and notes left out), one JVM run."""
    completed = subprocess.run(  # noqa: S603
        [JAVA, "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--exit-zero-always",
         "--stdout", *map(str, files)],
        capture_output=True, text=True, timeout=900, check=True)
    by_name = {file.resolve().as_uri(): file for file in files}
    by_name.update({f"file:{file.resolve()}": file for file in files})
    findings: dict[Path, list[str]] = defaultdict(list)
    for message in json.loads(completed.stdout)["messages"]:
        if message.get("type") not in ("error", "non-document-error") and message.get(
                "subType") != "fatal":
            continue
        file = by_name.get(message.get("url", ""), Path(message.get("url", "?")))
        where = f"line {message['lastLine']}: " if "lastLine" in message else ""
        extract = (message.get("extract") or "").strip().replace("\n", " ")[:100]
        findings[file].append(f"{where}{message['message']}" + (f"  «{extract}»" if extract else ""))
    return findings


#: axe's default rule set (WCAG 2.0, 2.1 and 2.2 A and AA, and its best practices), as
#: the issue's walk ran it; "experimental" rules stay off, as by default.
#: Running animations are finished first: a card fading in is not a contrast failure.
AXE_RUN = """async () => {
  for (const animation of document.getAnimations()) {
    try { animation.finish(); } catch (infinite) { animation.cancel(); }
  }
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map(n => n.target.join(' ') + ' — '
                       + n.failureSummary.split('\\n').slice(1).join(' ').trim())
  }));
}"""


def load_axe(context) -> None:  # noqa: ANN001
    """Have axe-core in every page of a Playwright browser context (an init script: about
    half the cost of adding it to each loaded page)."""
    context.add_init_script(path=str(AXE_JS))


def axe_violations(page) -> list[str]:  # noqa: ANN001
    """axe-core's violations on a loaded page (of a context given :func:`load_axe`), one
    line per element."""
    lines = []
    for violation in page.evaluate(AXE_RUN):
        for node in violation["nodes"]:
            lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}: {node}")
    return lines
