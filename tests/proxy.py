"""A TCP proxy that can cut every connection, to take a server away from the app."""

import asyncio
import contextlib
import threading


class TcpProxy:
    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.port = 0
        self.cut_off = False
        self.writers: set[asyncio.StreamWriter] = set()
        # What the cut did: connections dropped while open, and refused while cut.
        self.dropped = 0
        self.refused = 0
        self.loop = asyncio.new_event_loop()
        self.ready = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self):
        self.thread.start()
        self.ready.wait(5)
        return self

    def __exit__(self, *exc):
        self.cut_off = True
        asyncio.run_coroutine_threadsafe(self._close_and_wait(), self.loop).result(5)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _close_and_wait(self) -> None:
        writers = list(self.writers)
        for writer in writers:
            writer.close()
        for writer in writers:
            with contextlib.suppress(ConnectionError, OSError):
                await writer.wait_closed()

    def cut(self) -> None:
        """Drop every open connection and refuse new ones."""
        self.cut_off = True
        self.loop.call_soon_threadsafe(self._close_all)

    def restore(self) -> None:
        self.cut_off = False

    def _serve(self) -> None:
        asyncio.set_event_loop(self.loop)
        server = self.loop.run_until_complete(asyncio.start_server(self._handle, "127.0.0.1", 0))
        self.port = server.sockets[0].getsockname()[1]
        self.ready.set()
        self.loop.run_forever()

    def _close_all(self) -> None:
        self.dropped += len(self.writers) // 2  # each connection has two ends here
        for writer in list(self.writers):
            writer.close()

    async def _handle(self, reader, writer) -> None:
        if self.cut_off:
            self.refused += 1
            writer.close()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.close()
            return
        self.writers.update({writer, upstream_writer})
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    async def _pipe(self, reader, writer) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            self.writers.discard(writer)
            writer.close()
