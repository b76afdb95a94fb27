"""The write channel's parts in one process: the socket at any store depth, for its owner only, a dead server's
socket refusing at once; and errors and results crossing the wire as the service raised and returned them."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from pathlib import Path

import pytest

from api.channel import address, wire
from core.errors import DataError, NotFoundError, Problem
from graph.views.read import LoadReport
from graph.views.write import ApiKeyView


def test_the_socket_works_in_a_store_deeper_than_a_socket_address_allows(tmp_path: Path) -> None:
    store = tmp_path.joinpath(*(["a-rather-long-folder-name"] * 6)) / "store"
    store.mkdir(parents=True)
    assert len(str(address.socket_path(store))) > 108
    listener = address.listen(store)
    try:
        assert stat.S_IMODE(address.socket_path(store).stat().st_mode) == 0o600
        client = address.connect(store, timeout=5)
        assert client is not None
        accepted, _ = listener.accept()
        assert address.peer_uid(accepted) == os.getuid()
        accepted.close()
        client.close()
    finally:
        listener.close()


def test_a_dead_servers_socket_refuses_at_once_and_none_is_returned(tmp_path: Path) -> None:
    listener = address.listen(tmp_path)
    listener.close()  # the process is gone; its socket file stays
    assert address.socket_path(tmp_path).exists()
    assert address.connect(tmp_path, timeout=5) is None
    assert address.connect(tmp_path / "nowhere", timeout=5) is None


def test_a_data_error_crosses_the_wire_with_every_problem_and_the_same_message() -> None:
    error = DataError([Problem("x.yaml", "missing title", line=3, path="provisions → 0")])
    again = wire.error_from_wire(wire.error_to_wire(error))
    assert isinstance(again, DataError) and str(again) == str(error) and again.problems == error.problems
    missing = wire.error_from_wire(wire.error_to_wire(NotFoundError("API key", "0" * 12)))
    assert str(missing) == "unknown API key '000000000000'" and missing.code == "NOT_FOUND"


def test_results_cross_the_wire_unchanged() -> None:
    report = LoadReport(("a.yaml",), ("x",), (), 2, False, 7, 0.5, timelines=("x",))
    assert wire.report_from_wire(wire.report_to_wire(report)) == report
    key = ApiKeyView("abc", "grc", "viewer", dt.datetime(2026, 1, 2, tzinfo=dt.UTC), None)
    assert wire.key_from_wire(wire.key_to_wire(key)) == key


def test_messages_are_json_lines_and_a_closed_stream_reads_as_none() -> None:
    stream = io.BytesIO()
    wire.send(stream, {"ok": {"é": 1}})
    stream.seek(0)
    assert wire.receive(stream) == {"ok": {"é": 1}}
    assert wire.receive(stream) is None


def test_load_options_cross_the_wire_and_wrong_ones_are_refused_by_name() -> None:
    sent = {"replace": True, "include_bundled": False, "overwrite": True, "drop_dangling": False, "fmt": "oscal"}
    assert wire.options_from_wire(sent) == sent
    assert wire.options_from_wire({"fmt": None}) == {"fmt": None}
    assert wire.options_from_wire(None) == {}
    for bad, said in (
        ({"replace": "yes"}, "'replace' must be true or false"),
        ({"force": True}, "unknown load option"),
    ):
        with pytest.raises(wire.ChannelError, match=said):
            wire.options_from_wire(bad)
