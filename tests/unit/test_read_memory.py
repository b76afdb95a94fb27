"""Reading an input file costs memory in proportion to the file, not to the input limit."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest

from core.errors import DataError
from loaders.limits import InputLimits, read_text


def test_reading_a_small_file_does_not_allocate_the_whole_input_limit(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("framework: {id: x}\n" * 100)
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        text = read_text(path, InputLimits())  # a 64 MB limit
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()
    assert len(text) == 1_900
    assert peak < 1_000_000, f"reading a 2 KB file peaked at {peak:,} bytes"


def test_a_file_is_still_read_whole_and_refused_above_the_limit(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("a" * 5_000)
    assert len(read_text(path, InputLimits(max_bytes=5_000))) == 5_000
    with pytest.raises(DataError, match="larger than the input limit"):
        read_text(path, InputLimits(max_bytes=4_999))
