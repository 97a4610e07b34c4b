"""A real HTTP receiver on loopback for the webhook tests: it records every request and
answers from a script of behaviours (a status code, or ``("sleep", seconds)`` before a 200),
then 200 once the script runs out."""

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Receiver:
    def __init__(self):
        self.requests = []
        self.script = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's API
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                with receiver.lock:
                    receiver.requests.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                    step = receiver.script.pop(0) if receiver.script else 200
                if isinstance(step, tuple):
                    time.sleep(step[1])
                    step = 200
                try:
                    self.send_response(step)
                    if 300 <= step < 400:
                        self.send_header("location", "http://127.0.0.1:9/elsewhere")
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:
                    pass  # the sender hung up (a timeout, a killed worker)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/hooks/imprimatur"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def ids(self):
        return [request["headers"]["webhook-id"] for request in self.requests]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
