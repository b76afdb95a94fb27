"""Our SSSOM exports pass the reference validator (sssom-py's `sssom validate`), not only our own reader."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Cli

pytestmark = [pytest.mark.integration, pytest.mark.slow]

SSSOM = Path(sys.executable).parent / "sssom"  # the dev extra installs sssom-py beside pytest


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SSSOM), "validate", str(path)], capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.parametrize(
    "set_id", ["nist-ai-rmf-iso27001", "nist-ai-rmf-gdpr", "nist-ai-600-1-nist-ai-rmf", "iso42001-iso27001"]
)
def test_an_exported_set_passes_sssom_validate(seeded_cli: Cli, tmp_path: Path, set_id: str) -> None:
    exported = tmp_path / f"{set_id}.sssom.tsv"
    seeded_cli.run("export", "mappings", "--set", set_id, "--format", "sssom", "-o", str(exported), check=True)
    done = validate(exported)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "not well-formed" not in done.stdout + done.stderr, "sssom-py dropped a row it could not read"


def test_sssom_validate_refuses_a_broken_export(seeded_cli: Cli, tmp_path: Path) -> None:
    """The check above can fail: a justification outside the SEMAPV vocabulary is an error."""
    exported = tmp_path / "set.sssom.tsv"
    seeded_cli.run(
        "export", "mappings", "--set", "nist-ai-rmf-gdpr", "--format", "sssom", "-o", str(exported), check=True
    )
    broken = tmp_path / "broken.sssom.tsv"
    broken.write_text(exported.read_text().replace("semapv:ManualMappingCuration", "semapv:Guesswork"))
    assert validate(broken).returncode != 0
