"""A world that looks like the internet, on 127.0.0.1: TLS and a round-trip delay.

Run in a child process of the bench (``--serve-network UPSTREAM RTT_MS``), in front of
the demo emulator. Two layers, as a client on the internet meets AWS:

- a *latency relay* (the port clients connect to): every chunk of bytes is delivered
  half a round trip later in each direction, and the first one of a connection a whole
  round trip more (the TCP handshake), so a TLS handshake costs its real round trips;
- a *TLS-terminating HTTP/1.1 proxy* behind it, with a throw-away self-signed
  certificate for 127.0.0.1 (made here with ``cryptography``; clients trust it through
  ``AWS_CA_BUNDLE``). It keeps client connections alive, as AWS endpoints do, while the
  emulator behind it closes after every response.
"""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import json
import ssl
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

CERT_DAYS = 2


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and localhost, and its key (PEM)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "xacct bench 127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


# --- the latency relay ---


async def _pipe(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float, first_extra: float
) -> None:
    """Copy ``reader`` to ``writer``, each chunk ``delay`` seconds late, in order."""
    loop = asyncio.get_running_loop()
    last = 0.0
    extra = first_extra
    try:
        while data := await reader.read(65536):
            # Strictly increasing times: the event loop's timers do not keep ties in order.
            last = max(loop.time() + delay + extra, last + 1e-6)
            extra = 0.0
            loop.call_at(last, _deliver, writer, data)
    except (ConnectionError, OSError):
        pass
    loop.call_at(max(loop.time() + delay, last + 1e-6), _finish, writer)


def _deliver(writer: asyncio.StreamWriter, data: bytes) -> None:
    if not writer.is_closing():
        writer.write(data)


def _finish(writer: asyncio.StreamWriter) -> None:
    if not writer.is_closing():
        writer.close()


async def _relay(target_port: int, rtt: float, client_r, client_w) -> None:  # type: ignore[no-untyped-def]
    server_r, server_w = await asyncio.open_connection("127.0.0.1", target_port)
    try:
        await asyncio.gather(
            _pipe(client_r, server_w, rtt / 2, rtt),  # + the TCP handshake's round trip
            _pipe(server_r, client_w, rtt / 2, 0.0),
        )
    except asyncio.CancelledError:
        # Cancelled at shutdown while a client keeps its connection alive: end quietly
        # (on Python 3.11 asyncio prints a traceback for a cancelled connection task).
        server_w.close()
        client_w.close()


# --- the TLS-terminating, keep-alive HTTP proxy ---


async def _read_message(
    reader: asyncio.StreamReader, request: bool
) -> tuple[bytes, list[tuple[str, str]], bytes]:
    """One HTTP/1.1 request or response: start line, headers, body (de-chunked); a
    request without a length has no body, a response without one ends at close."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = [tuple(part.strip() for part in line.split(":", 1)) for line in lines[1:] if line]
    fields = {name.lower(): value for name, value in headers}
    if fields.get("transfer-encoding", "").lower() == "chunked":
        body = b""
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            chunk = await reader.readexactly(size + 2)
            if size == 0:
                break
            body += chunk[:-2]
    elif "content-length" in fields:
        body = await reader.readexactly(int(fields["content-length"]))
    elif request:
        body = b""
    else:
        body = await reader.read()  # until the server closes
    return lines[0].encode("latin-1"), headers, body  # type: ignore[return-value]


def _message(start: bytes, headers: list[tuple[str, str]], body: bytes, connection: str) -> bytes:
    skip = {"content-length", "transfer-encoding", "connection", "keep-alive"}
    kept = [f"{n}: {v}" for n, v in headers if n.lower() not in skip]
    kept += [f"Content-Length: {len(body)}", f"Connection: {connection}"]
    return start + b"\r\n" + "\r\n".join(kept).encode("latin-1") + b"\r\n\r\n" + body


async def _serve_http(upstream: tuple[str, int], reader, writer) -> None:  # type: ignore[no-untyped-def]
    try:
        while True:
            try:
                start, headers, body = await _read_message(reader, True)
            except (asyncio.IncompleteReadError, ConnectionError):
                break
            up_r, up_w = await asyncio.open_connection(*upstream)
            up_w.write(_message(start, headers, body, "close"))
            await up_w.drain()
            status, answer_headers, answer = await _read_message(up_r, False)
            up_w.close()
            writer.write(_message(status, answer_headers, answer, "keep-alive"))
            await writer.drain()
    except (ConnectionError, OSError, ssl.SSLError, asyncio.CancelledError):
        pass  # a cancel comes at shutdown, with the client's connection still alive
    finally:
        writer.close()


async def _main(upstream_url: str, rtt: float, stop: asyncio.Event) -> None:
    parts = urllib.parse.urlsplit(upstream_url)
    upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
    with tempfile.TemporaryDirectory(prefix="xacct-bench-tls-") as tmp:
        cert, key = make_certificate(Path(tmp))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        tls = await asyncio.start_server(
            lambda r, w: _serve_http(upstream, r, w), "127.0.0.1", 0, ssl=context
        )
        tls_port = tls.sockets[0].getsockname()[1]
        relay = await asyncio.start_server(lambda r, w: _relay(tls_port, rtt, r, w), "127.0.0.1", 0)
        port = relay.sockets[0].getsockname()[1]
        payload = {"endpoint_url": f"https://127.0.0.1:{port}", "ca_bundle": str(cert)}
        print(json.dumps(payload), flush=True)
        await stop.wait()
        relay.close()
        tls.close()


def serve_network(upstream_url: str, rtt_ms: str) -> int:
    """Child: serve the world until stdin closes; print its endpoint and CA bundle first."""
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def wait_for_stdin() -> None:
        sys.stdin.read()
        loop.call_soon_threadsafe(stop.set)

    threading.Thread(target=wait_for_stdin, daemon=True).start()
    loop.run_until_complete(_main(upstream_url, float(rtt_ms) / 1000, stop))
    # Connections clients still keep alive: end their tasks quietly, not as warnings.
    pending = asyncio.all_tasks(loop)
    for task in pending:
        task.cancel()
    loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
    loop.close()
    return 0
