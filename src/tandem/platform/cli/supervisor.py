"""Keep N server processes on one port, each accepting on its own listening socket (SO_REUSEPORT).

With one socket shared by every process, the process that wakes first accepts every connection waiting (uvloop
accepts until the queue is empty), so a client that opens its keep-alive connections at once (a reverse proxy's
upstream pool, a load test) lands them nearly all on one process: 15 of 16 were seen, which leaves the other
process idle while the busy one's threads wait on its interpreter lock. With one socket per process in a
SO_REUSEPORT group the kernel spreads connections over the processes by a hash of their addresses instead.

The supervisor creates and keeps every socket, so a connection waiting on the socket of a process that died
stays queued until the replacement, which gets the same socket, accepts it.
"""

from __future__ import annotations

import logging
import socket
import sys

from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors import Multiprocess
from uvicorn.supervisors.multiprocess import Process

log = logging.getLogger("tandem.serve")


def bind_group(host: str, port: int, count: int, backlog: int = 2048) -> list[socket.socket]:
    """Listen on host:port with `count` sockets in one SO_REUSEPORT group; exit if anything else holds the port.

    Any process of the same user could join a SO_REUSEPORT group and take a share of the connections (a second
    Tandem started by mistake, on another database). So the port is first bound without SO_REUSEPORT, which fails
    while any socket listens there, and the group listens at once, so that check fails for everyone after it.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sockets: list[socket.socket] = []
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # connections in TIME_WAIT do not count
            probe.bind((host, port))
            port = probe.getsockname()[1]
        for _ in range(count):
            sock = socket.socket(family, socket.SOCK_STREAM)
            sockets.append(sock)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
            sock.bind((host, port))
            sock.listen(backlog)  # connections queue here until the process for this socket has started
            sock.set_inheritable(True)
    except OSError as exc:
        for sock in sockets:
            sock.close()
        log.error("cannot listen on %s:%s: %s", host, port, exc)
        sys.exit(STARTUP_FAILURE)
    return sockets


class SocketPerProcess(Multiprocess):
    """uvicorn's supervisor (health checks, signals), with process i always started on socket i of the group.

    uvicorn starts every process on the same sockets; the three methods that start processes are uvicorn's own
    with the slot's socket passed instead (uvicorn 0.54).
    """

    def __init__(self, config: Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        if len(sockets) != self.processes_num:
            raise ValueError("one socket per server process")

    def _start(self, slot: int) -> Process:
        process = Process(self.config, [self.sockets[slot]])
        process.start()
        return process

    def init_processes(self) -> None:
        self.processes.extend(self._start(slot) for slot in range(self.processes_num))

    def restart_all(self) -> None:
        """Replace the processes one by one, each on its predecessor's socket once it is ready."""
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._start(slot)
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    log.error("new server process %s was not ready in time; keeping %s", new.pid, old.pid)
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def keep_subprocess_alive(self) -> None:
        """Replace a dead or hung process on its own socket; stop if one fails before it could serve."""
        if self.should_exit.is_set():
            return
        for slot, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                log.error("server process %s failed to start; stopping", process.pid)
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            log.warning("server process %s died; starting another on its socket", process.pid)
            self.processes[slot] = self._start(slot)
