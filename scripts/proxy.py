#!/usr/bin/env python3
"""A small round-robin reverse proxy for trying Fanfold on several app servers on one machine.

scripts/cluster.sh starts it in front of the app servers when neither Caddy nor nginx is
installed. It is for a local trial, not for production (docs/scaling.md has Caddy and nginx
configurations): one thread per client connection, one new upstream connection per request.

    python3 scripts/proxy.py --listen 127.0.0.1:8000 127.0.0.1:8001 127.0.0.1:8002

Each request goes to the next app server in turn; a server that refuses the connection is
skipped (the request never reached it, so even a POST is safe to send to the next one). The
request keeps its Host header (Django checks it and the form's Origin against it), and the
client's address is appended to X-Forwarded-For, which Fanfold believes when this proxy's
address is in FANFOLD_TRUSTED_PROXIES (127.0.0.1 by default). Standard library only.
"""

import argparse
import http.client
import itertools
import signal
import socket
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# Headers about one connection, never forwarded (RFC 9110 section 7.6.1).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "proxy-connection",
        "te",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "expect",
    }
)
CHUNK = 64 * 1024


def address(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host.strip("[]"), int(port)


class Upstreams:
    """The app servers, handed out in turn."""

    def __init__(self, servers: list[tuple[str, int]]):
        self.servers = servers
        self.counter = itertools.count()
        self.lock = threading.Lock()

    def in_turn(self) -> list[tuple[str, int]]:
        with self.lock:
            start = next(self.counter) % len(self.servers)
        return self.servers[start:] + self.servers[:start]


class ProxyServer(ThreadingHTTPServer):
    daemon_threads = True
    upstreams: Upstreams
    upstream_timeout: float
    access_log: bool


class ProxyHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fanfold-proxy"
    timeout = 75  # an idle keep-alive connection is closed after this many seconds
    server: ProxyServer

    def do_GET(self) -> None:
        self.forward()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_GET

    # The request

    def read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            parts = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(parts)
                parts.append(self.rfile.read(size))
                self.rfile.readline()
        length = self.headers.get("Content-Length")
        return self.rfile.read(int(length)) if length else None

    def upstream_headers(self, body: bytes | None) -> dict[str, str]:
        named = {
            v.strip().lower() for v in self.headers.get("Connection", "").split(",") if v.strip()
        }
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            lower = name.lower()
            if lower in HOP_BY_HOP or lower in named or lower == "content-length":
                continue
            if lower.startswith("x-forwarded-"):
                continue  # set below
            headers[name] = value
        if "Host" not in self.headers:
            host, port = self.server.server_address[:2]
            headers["Host"] = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
        client = self.client_address[0]
        earlier = ", ".join(self.headers.get_all("X-Forwarded-For") or [])
        headers["X-Forwarded-For"] = f"{earlier}, {client}" if earlier else client
        headers["X-Forwarded-Proto"] = "http"
        headers["X-Forwarded-Host"] = self.headers.get("Host", headers["Host"])
        if body is not None:
            headers["Content-Length"] = str(len(body))
        return headers

    def forward(self) -> None:
        try:
            body = self.read_body()
        except (ValueError, OSError):
            self.send_error(400, "Unreadable request body")
            return
        headers = self.upstream_headers(body)
        for host, port in self.server.upstreams.in_turn():
            upstream = http.client.HTTPConnection(host, port, timeout=self.server.upstream_timeout)
            try:
                upstream.connect()
            except OSError:
                upstream.close()
                self.log_error("app server %s:%s did not answer; trying the next", host, port)
                continue
            try:
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
            except TimeoutError:
                upstream.close()
                self.send_error(504, f"The app server {host}:{port} took too long")
                return
            except (OSError, http.client.HTTPException) as e:
                upstream.close()
                self.send_error(502, f"The app server {host}:{port} failed: {e}")
                return
            try:
                self.relay(response)
            finally:
                upstream.close()
            return
        self.send_error(502, "No app server answered")

    # The response

    def relay(self, response: http.client.HTTPResponse) -> None:
        no_body = (
            self.command == "HEAD" or response.status in (204, 304) or 100 <= response.status < 200
        )
        length = response.getheader("Content-Length")
        chunked = not no_body and length is None and self.request_version != "HTTP/1.0"
        if not no_body and length is None and not chunked:
            self.close_connection = True  # an HTTP/1.0 client: the end of the body is the close
        self.send_response_only(response.status, response.reason)
        named = {
            v.strip().lower()
            for v in (response.getheader("Connection") or "").split(",")
            if v.strip()
        }
        for name, value in response.getheaders():
            if name.lower() not in HOP_BY_HOP and name.lower() not in named:
                self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        if self.server.access_log:
            self.log_request(response.status)
        if no_body:
            return
        try:
            while data := response.read1(CHUNK):
                if chunked:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
                else:
                    self.wfile.write(data)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except (OSError, http.client.HTTPException):
            self.close_connection = True  # the body is cut short: the client must not reuse it

    def log_message(self, format: str, *args) -> None:
        sys.stderr.write(f"proxy: {self.address_string()} {format % args}\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("servers", nargs="+", type=address, help="app servers, HOST:PORT")
    parser.add_argument("--listen", type=address, default=("127.0.0.1", 8000))
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds to wait for an app server's answer"
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    args = parser.parse_args()

    if ":" in args.listen[0]:
        ProxyServer.address_family = socket.AF_INET6
    server = ProxyServer(args.listen, ProxyHandler)
    server.upstreams = Upstreams(args.servers)
    server.upstream_timeout = args.timeout
    server.access_log = args.access_log
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print(
        f"proxy: http://{args.listen[0]}:{args.listen[1]}/ -> "
        + ", ".join(f"{h}:{p}" for h, p in args.servers),
        file=sys.stderr,
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
