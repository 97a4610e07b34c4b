"""A TCP fault proxy for tests (Toxiproxy's idea, small): the app talks to Redis or
PostgreSQL through it, and the test switches its mode while traffic flows.

Modes: ``pass`` (forward), ``refuse`` (reset every connection, old and new), ``blackhole``
(accept and read, never answer: a server that hangs), ``latency`` (forward each chunk
after ``latency`` seconds), ``cut`` (forward ``cut_after`` more bytes per connection, then
reset it mid-stream)."""

import contextlib
import socket
import struct
import threading
import time

MODES = ("pass", "refuse", "blackhole", "latency", "cut")


def _reset(sock):
    """Close with RST rather than FIN, as a refusing or crashing server would. The shutdown
    first wakes a pump thread blocked in ``recv`` on this socket: on Linux a close alone
    waits for that call, and the peer would never learn the connection is gone."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


class FaultProxy:
    def __init__(self, target_port, target_host="127.0.0.1"):
        self.target = (target_host, target_port)
        self.mode = "pass"
        self.latency = 0.0
        self.cut_after = 0
        self._lock = threading.Lock()
        self._sockets = set()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._closed = False
        threading.Thread(target=self._accept_loop, daemon=True).start()

    def set(self, mode, *, latency=0.0, cut_after=0):
        if mode not in MODES:
            raise ValueError(mode)
        with self._lock:
            self.mode, self.latency, self.cut_after = mode, latency, cut_after
            doomed = list(self._sockets) if mode == "refuse" else []
        for sock in doomed:
            self._drop(sock)

    def url(self, scheme, suffix=""):
        return f"{scheme}://127.0.0.1:{self.port}{suffix}"

    def close(self):
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        for sock in list(self._sockets):
            self._drop(sock)

    def _track(self, sock):
        with self._lock:
            self._sockets.add(sock)

    def _drop(self, sock):
        with self._lock:
            self._sockets.discard(sock)
        _reset(sock)

    def _accept_loop(self):
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                _reset(client)
                continue
            self._track(client)
            threading.Thread(target=self._serve, args=(client,), daemon=True).start()

    def _serve(self, client):
        if self.mode == "blackhole":
            self._pump(client, None)
            return
        try:
            upstream = socket.create_connection(self.target, timeout=5)
            upstream.settimeout(None)
        except OSError:
            self._drop(client)
            return
        self._track(upstream)
        threading.Thread(target=self._pump, args=(upstream, client), daemon=True).start()
        self._pump(client, upstream)

    def _pump(self, source, destination):
        """Copy ``source`` to ``destination`` chunk by chunk, applying the mode current at
        each chunk (so a connection opened in ``pass`` can start to hang)."""
        sent = 0
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                data = b""
            if not data:
                break
            mode = self.mode
            if mode == "blackhole" or destination is None:
                continue  # swallowed: the other side waits for an answer that never comes
            if mode == "latency":
                time.sleep(self.latency)
            if mode == "cut":
                room = max(self.cut_after - sent, 0)
                with contextlib.suppress(OSError):
                    destination.sendall(data[:room])
                sent += len(data[:room])
                if sent >= self.cut_after:
                    break
                continue
            try:
                destination.sendall(data)
            except OSError:
                break
        self._drop(source)
        if destination is not None:
            self._drop(destination)
