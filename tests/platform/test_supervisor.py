"""The listening sockets of `tandem serve --workers N`: one SO_REUSEPORT group that nothing else can join."""

from __future__ import annotations

import socket

import pytest
from uvicorn.config import STARTUP_FAILURE

from tandem.platform.cli.supervisor import bind_group


def _close(sockets: list[socket.socket]) -> None:
    for sock in sockets:
        sock.close()


def test_the_group_listens_on_one_port_at_once() -> None:
    group = bind_group("127.0.0.1", 0, 3)
    try:
        ports = {sock.getsockname()[1] for sock in group}
        assert len(group) == 3 and len(ports) == 1
        # Listening before any server process has started: a connection queues instead of being refused.
        with socket.create_connection(("127.0.0.1", ports.pop()), timeout=5):
            pass
    finally:
        _close(group)


def test_a_second_server_on_the_same_port_is_refused_not_admitted() -> None:
    group = bind_group("127.0.0.1", 0, 2)
    port = group[0].getsockname()[1]
    try:
        with pytest.raises(SystemExit) as refused:
            bind_group("127.0.0.1", port, 2)  # would otherwise join the group and take half the connections
        assert refused.value.code == STARTUP_FAILURE
    finally:
        _close(group)


def test_a_port_held_by_another_program_is_refused() -> None:
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        with pytest.raises(SystemExit):
            bind_group("127.0.0.1", other.getsockname()[1], 2)


def test_the_port_is_free_again_once_the_group_is_closed() -> None:
    group = bind_group("127.0.0.1", 0, 2)
    port = group[0].getsockname()[1]
    _close(group)
    _close(bind_group("127.0.0.1", port, 2))
