"""The servers measured: the app at a URL (or started here with --serve), and the bare
servers of --compare, which the generator always starts itself. Their CPU time and
memory are read from their process ids."""

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import psutil
from django.conf import settings

from realtime.management.commands.serve import DAPHNE_FLAGS
from realtime.processes import free_port, wait_for_port

RSS_STEADY_BYTES = 256 * 1024


class Probe:
    """CPU seconds and resident memory of some processes and their children."""

    def __init__(self, pids: list[int]):
        self.pids = pids

    def processes(self) -> list[psutil.Process]:
        found = []
        for pid in self.pids:
            process = psutil.Process(pid)
            found += [process, *process.children(recursive=True)]
        return found

    def cpu_seconds(self) -> float | None:
        return self.total(lambda p: sum(p.cpu_times()[:2])) if self.pids else None

    def rss(self) -> int | None:
        return self.total(lambda p: p.memory_info().rss) if self.pids else None

    def total(self, read) -> float | None:
        """The sum over the processes, or None when one of them is gone."""
        try:
            return sum(read(process) for process in self.processes())
        except psutil.NoSuchProcess:
            return None

    def settled_rss(self, within_s: float = 10, step_s: float = 0.5) -> int | None:
        """Resident memory once it stops moving (a server that just started may still
        be loading), or after `within_s`."""
        last = self.rss()
        for _ in range(int(within_s / step_s)):
            time.sleep(step_s)
            now = self.rss()
            if now is None or last is None or abs(now - last) < RSS_STEADY_BYTES:
                return now
            last = now
        return last


class Served:
    """A server process started here, on its own port and pinned to `cpu`; it can be
    killed (SIGKILL) and started again on the same port."""

    def __init__(self, command, port: int, cpu: int | None, log: Path | None, env=None):
        self.command, self.port, self.cpu, self.log = command, port, cpu, log
        self.env = env or {}
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        taskset = shutil.which("taskset") if self.cpu is not None else None
        pin = [taskset, "-c", str(self.cpu)] if taskset else []
        with open(self.log or os.devnull, "ab") as output:
            self.process = subprocess.Popen(  # noqa: S603  (our interpreter, our arguments)
                [*pin, *self.command],
                cwd=settings.BASE_DIR,
                env={
                    **os.environ,
                    "SECRET_KEY": settings.SECRET_KEY,
                    "PYTHONUNBUFFERED": "1",
                    **self.env,
                },
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        if self.cpu is not None and not taskset:
            psutil.Process(self.process.pid).cpu_affinity([self.cpu])
        wait_for_port(self.port, self.process, timeout=60)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.kill()

    @property
    def pid(self) -> int:
        return self.process.pid


@dataclass
class Target:
    """A server under test: where it is, how to read its usage, how to restart it."""

    name: str
    http_url: str
    pids: list[int] = field(default_factory=list)
    served: Served | None = None
    restart_command: str = ""
    keeps_log: bool = True  # replays missed events on `resume` (the bare servers do not)
    notes: list[str] = field(default_factory=list)

    @property
    def can_restart(self) -> bool:
        return self.served is not None or bool(self.restart_command)

    def probe(self) -> Probe:
        return Probe(self.pids)

    async def restart(self) -> None:
        """Kill the server and start it again (or run --restart-command)."""
        if self.served is not None:
            self.served.kill()
            await asyncio.to_thread(self.served.start)
            self.pids = [self.served.pid]
            return
        # The operator's own command, as they would type it.
        await asyncio.to_thread(subprocess.run, self.restart_command, shell=True, check=True)  # noqa: S604
        self.pids = []  # a restarted server has new process ids: not measured after this
        self.notes.append("server CPU and memory not measured after --restart-command")

    def stop(self) -> None:
        if self.served is not None:
            self.served.stop()


def listening_pids(url: str) -> list[int]:
    """The processes listening on a local URL's port (none for another host)."""
    address = urlsplit(url)
    if address.hostname not in ("127.0.0.1", "localhost", "::1"):
        return []
    port = address.port or 80
    return sorted(
        {
            found.pid
            for found in psutil.net_connections("tcp")
            if found.status == psutil.CONN_LISTEN and found.laddr.port == port and found.pid
        }
    )


def manage(*arguments: str) -> list[str]:
    return [sys.executable, "manage.py", *arguments]


# Every simulated person connects from this one address: the server started here lifts
# the limits per address (the limits per person stay).
ONE_ADDRESS = {
    "WS_ADDRESS_RATE_PER_SECOND": "1000000",
    "WS_ADDRESS_RATE_BURST": "1000000",
    "WS_ADDRESS_CONNECTS_PER_SECOND": "1000000",
    "WS_ADDRESS_CONNECTS_BURST": "1000000",
}


def serve_app(cpu: int | None, log: Path | None) -> Target:
    """`manage.py serve` on a free port, on this environment's DATABASE_URL and REDIS_URL,
    after migrating and loading the demo (so its facilitator can log in)."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    for step in (manage("migrate", "--noinput"), manage("seed_demo", "--base-url", url)):
        subprocess.run(step, cwd=settings.BASE_DIR, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
    served = Served(manage("serve", "--port", str(port)), port, cpu, log, ONE_ADDRESS)
    served.start()
    return Target("app", url, [served.pid], served)


def serve_bare_daphne(cpu: int | None) -> Target:
    port = free_port()
    daphne = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), *DAPHNE_FLAGS]
    served = Served([*daphne, "realtime.loadtest.bare_asgi:application"], port, cpu, None)
    served.start()
    return Target("bare Daphne", f"http://127.0.0.1:{port}", [served.pid], served, keeps_log=False)


def serve_bare_websockets(cpu: int | None) -> Target:
    port = free_port()
    command = [sys.executable, "-m", "realtime.loadtest.bare_websockets", "--port", str(port)]
    served = Served(command, port, cpu, None)
    served.start()
    url = f"http://127.0.0.1:{port}"
    return Target("bare websockets", url, [served.pid], served, keeps_log=False)
