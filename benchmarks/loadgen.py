"""A small HTTP/1.1 load generator on plain asyncio connections, for the benchmarks.

One event loop drives every client: a client is a task that opens a TCP connection,
writes the request bytes and reads the answer (status line, headers, a body by
Content-Length, chunks or to the close), reusing the connection unless the server
closes it (gunicorn's sync workers close after every response). No HTTP library and
no thread per client, so the generator itself costs a fraction of a millisecond of CPU
per request (it prints what it cost) and leaves the cores to the servers.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field


class HTTPError(Exception):
    """A response the client did not expect, or a broken connection."""


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


class Connection:
    """One client's connection to 127.0.0.1:``port``, reopened when the server closes it."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes = b"",
                      content_type: str = "application/x-www-form-urlencoded") -> Response:
        """Send one request and read its whole response."""
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
        if body or method == "POST":
            head += f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode("latin-1") + b"\r\n" + body)
        try:
            response = await self._read()
        except (asyncio.IncompleteReadError, ConnectionError) as error:
            self.close()
            raise HTTPError(f"connection: {error!r}"[:80]) from error
        if response.headers.get("connection", "").lower() == "close":
            self.close()
        return response

    async def _read(self) -> Response:
        reader = self.reader
        raw = await reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        headers = {}
        for line in lines[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        if "content-length" in headers:
            body = await reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            parts = []
            while True:
                size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
                if size == 0:
                    await reader.readuntil(b"\r\n")
                    break
                parts.append(await reader.readexactly(size + 2))
            body = b"".join(p[:-2] for p in parts)
        else:
            body = await reader.read()
            headers["connection"] = "close"
        return Response(status, headers, body)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Burst:
    """What one burst measured: per job its latencies (seconds, by step), the errors,
    each job's result, the wall time and this process's CPU time."""

    latencies: list[tuple[float, ...]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    results: dict[int, object] = field(default_factory=dict)
    wall: float = 0.0
    client_cpu: float = 0.0
    requests: int = 0
    #: Filled by the caller: the server's (and of it, its database's) and the whole
    #: machine's CPU time.
    server_cpu: float = 0.0
    database_cpu: float = 0.0
    machine_cpu: float = 0.0


Job = Callable[[Connection, int], Awaitable[tuple[tuple[float, ...], object, int]]]


def run_burst(port: int, jobs: int, clients: int, job: Job) -> Burst:
    """``clients`` tasks share ``jobs`` job numbers; ``job(connection, n)`` returns the
    latencies of its steps, a result and how many requests it sent, or raises."""
    burst = Burst()

    async def client(queue: asyncio.Queue) -> None:
        connection = Connection(port)
        while not queue.empty():
            n = queue.get_nowait()
            try:
                latencies, result, requests = await job(connection, n)
            except (HTTPError, OSError, asyncio.IncompleteReadError, ValueError) as error:
                burst.errors.append(str(error)[:80])
                connection.close()
                continue
            burst.latencies.append(latencies)
            burst.results[n] = result
            burst.requests += requests
        connection.close()

    async def main() -> None:
        queue: asyncio.Queue = asyncio.Queue()
        for n in range(jobs):
            queue.put_nowait(n)
        await asyncio.gather(*(client(queue) for _ in range(clients)))

    cpu, started = time.process_time(), time.perf_counter()
    asyncio.run(main())
    burst.wall = time.perf_counter() - started
    burst.client_cpu = time.process_time() - cpu
    return burst
