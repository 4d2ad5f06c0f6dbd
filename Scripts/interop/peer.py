#!/usr/bin/env python3
"""An hq-interop (HTTP/0.9 over QUIC) server or client built on aioquic or qh3, used as an independent peer.

hq-interop: the client opens one client-initiated bidirectional stream per request, sends `GET /path\\r\\n` and
finishes the stream; the server answers with the file's bytes and a FIN.

Server:
    peer.py server --stack aioquic|qh3 --listen HOST:PORT --root DIR --cert PEM --key PEM [--retry] [--alpn A]
Prints `listening on HOST:PORT` when ready and runs until SIGTERM/SIGINT. Session tickets (resumption) and 0-RTT
are always offered. For every connection it prints one JSON line to stdout when the connection ends (or when the
server is stopped): {"event": "connection", "alpn", "resumed", "earlyData", "cipherSuite", "keyUpdates",
"peerAddresses", "requests"}. With `--alpn h3` it only completes handshakes (no HTTP/3).

Client:
    peer.py client --stack aioquic|qh3 URL... --output-dir DIR [--ca PEM | --insecure] [--resume] [--zero-rtt]
                   [--key-update] [--chacha20] [--migrate] [--alpn A] [--timeout S]
Fetches the URLs in parallel on one connection, writes each file under DIR by its basename and prints ONE JSON line:
{"ok", "resumed", "zeroRTT", "retry", "cipherSuite", "keyUpdates", "migrated", "bytes", "seconds", "error"?}.
Exits 0 only when everything asked for succeeded. With `--alpn h3` and the path `/` it only completes the
handshake and closes with application error 0x100 (H3_NO_ERROR).

Neither stack has an API for client migration: `--migrate` switches to a spare connection ID (RFC 9000 §9.5) and
hands the live connection a new UDP socket, i.e. a new local port, after 64 KiB of response data; aioquic and qh3
clients both keep going on the new port, and both stacks' servers follow the client there. The key phase used to
count key updates is not public either: it is read defensively, and keyUpdates is null when a stack hides it.
"""

import argparse
import asyncio
import importlib
import json
import os
import signal
import socket
import ssl
import sys
import time
from types import SimpleNamespace
from urllib.parse import unquote, urlsplit

HQ_ALPN = "hq-interop"
H3_NO_ERROR = 0x100
QUIC_V1 = 0x00000001
QUIC_V2 = 0x6B3343CF
MIGRATE_AFTER_BYTES = 64 * 1024


def log(message):
    print(message, file=sys.stderr, flush=True)


def load_stack(name):
    """Imports the chosen QUIC package; aioquic and qh3 expose the same module layout for what is used here."""
    return SimpleNamespace(
        name=name,
        aio=importlib.import_module(name + ".asyncio"),
        configuration=importlib.import_module(name + ".quic.configuration"),
        events=importlib.import_module(name + ".quic.events"),
        tls=importlib.import_module(name + ".tls"),
    )


def host_port(text):
    """Splits `HOST:PORT` or `[V6]:PORT`."""
    host, sep, port = text.rpartition(":")
    if not sep or not port.isdigit():
        raise argparse.ArgumentTypeError("expected HOST:PORT, got %r" % text)
    return host.strip("[]"), int(port)


def is_retry_packet(datagram):
    """RFC 9000 §17.2.5 / RFC 9369 §3.2: a long header whose type bits say Retry (0b11 in v1, 0b00 in v2)."""
    if len(datagram) < 5 or not datagram[0] & 0x80:
        return False
    version = int.from_bytes(datagram[1:5], "big")
    packet_type = (datagram[0] & 0x30) >> 4
    return (version == QUIC_V1 and packet_type == 3) or (version == QUIC_V2 and packet_type == 0)


def cipher_suite_name(quic):
    """The negotiated TLS 1.3 cipher suite as its IANA name, or None when the stack does not tell."""
    suite = None
    try:
        if hasattr(quic, "get_cipher"):
            suite = quic.get_cipher()
        else:
            suite = quic.tls.key_schedule.cipher_suite
    except AttributeError:
        suite = None
    return None if suite is None else "TLS_" + suite.name


class KeyPhaseCounter:
    """Counts changes of the 1-RTT send key phase (RFC 9001 §6), i.e. completed key updates in either direction.

    Neither stack has a public accessor, so this reads the phase where each keeps it and reports None (unknown)
    when it cannot."""

    def __init__(self, stack):
        self.one_rtt = getattr(getattr(stack.tls, "Epoch", None), "ONE_RTT", None)
        self.last = None
        self.changes = 0
        self.observable = False

    def phase(self, quic):
        core = getattr(quic, "_core", None)
        if core is not None:
            value = getattr(core, "send_key_phase", None)
            return value() if callable(value) else value
        cryptos = getattr(quic, "_cryptos", None)
        if isinstance(cryptos, dict) and self.one_rtt in cryptos:
            pair = cryptos[self.one_rtt]
            if pair.send.is_valid():
                return pair.send.key_phase
        return None

    def update(self, quic):
        try:
            value = self.phase(quic)
        except Exception:  # a stack's internals changed: stay "unknown" rather than fail the run
            value = None
        if value is None:
            return
        self.observable = True
        if self.last is not None and value != self.last:
            self.changes += 1
        self.last = value

    @property
    def count(self):
        return self.changes if self.observable else None


def resolve_request(root, request):
    """Maps the request line `GET /path` to a file under root; None when malformed or escaping root."""
    line = request.split(b"\n", 1)[0].strip()
    parts = line.split()
    if len(parts) != 2 or parts[0] != b"GET":
        return None
    path = unquote(parts[1].decode("utf-8", "replace")).split("?", 1)[0]
    if not path.startswith("/"):
        return None
    candidate = os.path.realpath(os.path.join(root, path.lstrip("/")))
    if os.path.commonpath([root, candidate]) != root or not os.path.isfile(candidate):
        return None
    return candidate


# ----------------------------------------------------------------------------------------------------- server


def build_server_protocol(stack, settings):
    events = stack.events

    class ServerProtocol(stack.aio.QuicConnectionProtocol):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.requests = {}
            self.answered = 0
            self.addresses = set()
            self.handshake = None
            self.cipher = None
            self.key_phases = KeyPhaseCounter(stack)
            self.reported = False
            self.early_requests = 0
            self.stack_error = None
            settings.live.add(self)

        def datagram_received(self, data, addr):
            self.addresses.add(tuple(addr[:2]))
            try:
                super().datagram_received(data, addr)
            except Exception as error:  # a stack's internal error must not end the server
                self.note_error(error)
            self.key_phases.update(self._quic)

        def transmit(self):
            try:
                super().transmit()
            except Exception as error:  # seen from qh3 while a connection closes: note it, keep serving others
                self.note_error(error)

        def note_error(self, error):
            if not self.stack_error:
                self.stack_error = "%s: %s" % (type(error).__name__, error)
                log("connection error inside %s: %s" % (stack.name, self.stack_error))

        def quic_event_received(self, event):
            if isinstance(event, events.HandshakeCompleted):
                self.handshake = event
                self.cipher = cipher_suite_name(self._quic)
            elif isinstance(event, events.StreamDataReceived):
                self.on_stream_data(event)
            elif isinstance(event, events.ConnectionTerminated):
                self.report()

        def on_stream_data(self, event):
            stream_id = event.stream_id
            if settings.alpn != HQ_ALPN or stream_id % 4 != 0:
                return  # only client-initiated bidirectional streams carry hq requests
            buffer = self.requests.get(stream_id)
            if buffer is None:
                buffer = self.requests[stream_id] = bytearray()
                if self.handshake is None:
                    self.early_requests += 1  # a request that came before the handshake completed: 0-RTT
            if buffer is False:
                return  # already answered
            buffer += event.data
            if event.end_stream or b"\n" in buffer or len(buffer) > 4096:
                self.requests[stream_id] = False
                self.answer(stream_id, bytes(buffer))

        def answer(self, stream_id, request):
            path = resolve_request(settings.root, request)
            if path is None:
                log("stream %d: refused %r" % (stream_id, request[:200]))
                self._quic.reset_stream(stream_id, 0x10)
            else:
                with open(path, "rb") as handle:
                    body = handle.read()
                log("stream %d: %s (%d bytes)" % (stream_id, path, len(body)))
                self._quic.send_stream_data(stream_id, body, end_stream=True)
                self.answered += 1
            self.transmit()

        def report(self):
            if self.reported:
                return
            self.reported = True
            settings.live.discard(self)
            handshake = self.handshake
            summary = {
                "event": "connection",
                "handshake": handshake is not None,
                "alpn": getattr(handshake, "alpn_protocol", None),
                "resumed": bool(getattr(handshake, "session_resumed", False)),
                "earlyData": bool(getattr(handshake, "early_data_accepted", False)),
                "cipherSuite": self.cipher,
                "keyUpdates": self.key_phases.count,
                "peerAddresses": len(self.addresses),
                "requests": self.answered,
                "earlyRequests": self.early_requests,
                "stackError": self.stack_error,
            }
            print(json.dumps(summary), flush=True)

    return ServerProtocol


async def run_server(args, stack):
    root = os.path.realpath(args.root)
    settings = SimpleNamespace(root=root, alpn=args.alpn, live=set())
    configuration = stack.configuration.QuicConfiguration(
        is_client=False,
        alpn_protocols=[args.alpn],
        max_data=16 * 1024 * 1024,
        max_stream_data=8 * 1024 * 1024,
        idle_timeout=30.0,
    )
    configuration.load_cert_chain(args.cert, args.key)
    if args.keylog:
        configuration.secrets_log_file = open(args.keylog, "a")

    tickets = {}

    def store_ticket(ticket):
        tickets[ticket.ticket] = ticket

    def fetch_ticket(label):
        return tickets.pop(label, None)  # single use: a replayed 0-RTT ticket is not honoured twice

    host, port = args.listen
    server = await stack.aio.serve(
        host,
        port,
        configuration=configuration,
        create_protocol=build_server_protocol(stack, settings),
        session_ticket_fetcher=fetch_ticket,
        session_ticket_handler=store_ticket,
        retry=args.retry,
    )
    print("listening on %s:%d" % (host, port), flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    for protocol in list(settings.live):
        if protocol.handshake is not None:
            protocol.report()
    server.close()
    return 0


# ----------------------------------------------------------------------------------------------------- client


class Response:
    def __init__(self, path, loop):
        self.path = path
        self.body = bytearray()
        self.done = loop.create_future()


def build_client_protocol(stack):
    events = stack.events

    class ClientProtocol(stack.aio.QuicConnectionProtocol):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.responses = {}
            self.received = 0
            self.handshake = None
            self.cipher = None
            self.retry_seen = False
            self.terminated = None
            self.key_phases = KeyPhaseCounter(stack)
            self.early = False
            self.key_update_requested = False
            self.migrating = False
            self.switched = False
            self.datagrams_after_switch = 0
            self.data_watchers = []

        def note(self, data):
            if is_retry_packet(data):
                self.retry_seen = True
            if self.switched:
                self.datagrams_after_switch += 1

        def datagram_received(self, data, addr):
            self.note(data)
            super().datagram_received(data, addr)
            self.key_phases.update(self._quic)

        def datagrams_received(self, data, addr):
            """qh3's batching transport delivers several datagrams at once (aioquic never calls this)."""
            for datagram in data:
                self.note(datagram)
            super().datagrams_received(data, addr)
            self.key_phases.update(self._quic)

        def quic_event_received(self, event):
            if isinstance(event, events.HandshakeCompleted):
                self.handshake = event
                self.cipher = cipher_suite_name(self._quic)
                if self.early and not event.early_data_accepted:
                    # Fail at once: whether a stack resends refused 0-RTT requests in 1-RTT varies.
                    self.fail_pending(ConnectionError("0-RTT was rejected by the server"))
            elif isinstance(event, events.StreamDataReceived):
                response = self.responses.get(event.stream_id)
                if response is None:
                    return
                response.body += event.data
                self.received += len(event.data)
                if event.end_stream and not response.done.done():
                    response.done.set_result(None)
                for watcher in list(self.data_watchers):
                    watcher(self)
            elif isinstance(event, events.StreamReset):
                response = self.responses.get(event.stream_id)
                if response is not None and not response.done.done():
                    response.done.set_exception(
                        ConnectionError("%s: stream reset with code %d" % (response.path, event.error_code)))
            elif isinstance(event, events.ConnectionTerminated):
                self.terminated = event
                self.fail_pending(ConnectionError(
                    "connection closed (code 0x%x: %s)" % (event.error_code, event.reason_phrase)))

        def fail_pending(self, error):
            for response in self.responses.values():
                if not response.done.done():
                    response.done.set_exception(error)

        def request(self, path):
            stream_id = self._quic.get_next_available_stream_id()
            response = Response(path, self._loop)
            self.responses[stream_id] = response
            self._quic.send_stream_data(stream_id, ("GET %s\r\n" % path).encode(), end_stream=True)
            self.transmit()
            return response

        def observe(self):
            self.key_phases.update(self._quic)

    return ClientProtocol


async def move_to_new_port(protocol):
    """Client-side migration: a fresh UDP socket (new local port) replaces the old one under the same connection.

    RFC 9000 §9.5: a new path uses a new connection ID, so the client first switches to a spare one if the
    server issued any."""
    loop = asyncio.get_running_loop()
    try:
        protocol.change_connection_id()
    except Exception as error:  # no spare connection ID: migrate anyway, the server still sees a new address
        log("change_connection_id: %s" % error)
    sock = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    sock.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    sock.bind(("::", 0, 0, 0))
    old_transport = protocol._transport
    await loop.create_datagram_endpoint(lambda: protocol, sock=sock)
    old_transport.close()  # stops reading at once: whatever arrives from now on came to the new port
    protocol.switched = True
    log("migrated to local port %d" % sock.getsockname()[1])
    protocol.transmit()


class Client:
    def __init__(self, args, stack):
        self.args = args
        self.stack = stack
        self.tickets = []
        self.result = {
            "ok": False, "resumed": False, "zeroRTT": "none", "retry": False, "cipherSuite": None,
            "keyUpdates": None, "migrated": False, "bytes": 0, "seconds": 0.0,
        }
        targets = {(u.hostname, u.port or 443) for u in args.urls}
        if len(targets) != 1:
            raise ValueError("all URLs must name the same host:port (one connection)")
        self.host, self.port = targets.pop()
        self.paths = [u.path or "/" for u in args.urls]

    def configuration(self, ticket=None):
        stack = self.stack
        configuration = stack.configuration.QuicConfiguration(
            is_client=True,
            alpn_protocols=[self.args.alpn],
            max_data=32 * 1024 * 1024,
            max_stream_data=16 * 1024 * 1024,
            idle_timeout=float(self.args.timeout),
        )
        configuration.server_name = "localhost" if self.host in ("127.0.0.1", "::1") else self.host
        if self.args.insecure:
            configuration.verify_mode = ssl.CERT_NONE
        elif self.args.ca:
            configuration.load_verify_locations(self.args.ca)
        if self.args.chacha20:
            configuration.cipher_suites = [stack.tls.CipherSuite.CHACHA20_POLY1305_SHA256]
        if self.args.keylog:
            configuration.secrets_log_file = open(self.args.keylog, "a")
        if ticket is not None:
            configuration.session_ticket = ticket
        return configuration

    async def connection(self, ticket=None, early=False, key_update=False, migrate=False):
        """One connection: fetch every path in parallel, then close. Returns the protocol for inspection."""
        loop = asyncio.get_running_loop()
        async with self.stack.aio.connect(
            self.host,
            self.port,
            configuration=self.configuration(ticket),
            create_protocol=build_client_protocol(self.stack),
            session_ticket_handler=self.tickets.append,
            wait_connected=not early,
        ) as protocol:
            protocol.early = early
            if self.args.alpn != HQ_ALPN:
                return await self.handshake_only(protocol)
            migration = loop.create_future()
            if migrate:
                protocol.data_watchers.append(self.migration_trigger(migration))
            if key_update:
                protocol.data_watchers.append(self.try_key_update)
            responses = [protocol.request(path) for path in self.paths]
            await asyncio.gather(*(response.done for response in responses))
            if migrate:
                if not protocol.migrating:
                    raise ConnectionError("the transfer ended before %d bytes: too short to migrate mid-way"
                                          % MIGRATE_AFTER_BYTES)
                error = await asyncio.wait_for(migration, 5)
                if error is not None:
                    raise error
            if key_update:
                await self.confirm_key_update(protocol)
            await protocol.ping()  # everything we sent has been acknowledged under the final keys
            protocol.observe()
            if (ticket is None) and (self.args.resume or self.args.zero_rtt):
                await self.wait_for_ticket()
            for response in responses:
                self.save(response)
            return protocol

    async def handshake_only(self, protocol):
        """ALPN h3 without HTTP/3: the handshake is the whole test; close with H3_NO_ERROR (RFC 9114 §8.1)."""
        protocol._quic.close(error_code=H3_NO_ERROR, reason_phrase="")
        protocol.transmit()
        return protocol

    def migration_trigger(self, done):
        def watch(protocol):
            if protocol.received >= MIGRATE_AFTER_BYTES and not protocol.migrating:
                protocol.migrating = True
                task = asyncio.ensure_future(move_to_new_port(protocol))
                task.add_done_callback(lambda t: done.set_result(t.exception()))
        return watch

    @staticmethod
    def try_key_update(protocol):
        """Asks for a key update once; False while the handshake is not confirmed (qh3 refuses until then,
        aioquic defers it by itself)."""
        if not protocol.key_update_requested:
            try:
                protocol.request_key_update()
            except AssertionError:
                return False
            protocol.key_update_requested = True
        return True

    async def confirm_key_update(self, protocol):
        """When the transfer was too short to update mid-way, update now; a PING then proves the peer follows."""
        deadline = time.monotonic() + 5
        while not self.try_key_update(protocol):
            if time.monotonic() > deadline:
                raise TimeoutError("handshake never confirmed, no key update possible")
            await asyncio.sleep(0.02)
        await protocol.ping()
        protocol.observe()

    async def wait_for_ticket(self):
        deadline = time.monotonic() + 3
        while not self.tickets and time.monotonic() < deadline:
            await asyncio.sleep(0.02)

    def save(self, response):
        name = os.path.basename(response.path.rstrip("/")) or "index.html"
        with open(os.path.join(self.args.output_dir, name), "wb") as handle:
            handle.write(response.body)

    async def run(self):
        args = self.args
        started = time.monotonic()
        first = await asyncio.wait_for(
            self.connection(key_update=args.key_update, migrate=args.migrate), args.timeout)
        self.check_terminated(first)
        self.result["retry"] = first.retry_seen
        self.result["cipherSuite"] = first.cipher
        self.result["keyUpdates"] = first.key_phases.count
        self.result["migrated"] = bool(args.migrate and first.switched and first.datagrams_after_switch > 0)
        self.result["bytes"] = first.received
        if args.migrate and not self.result["migrated"]:
            raise ConnectionError("no packet arrived on the new local port after migrating")
        if args.resume or args.zero_rtt:
            if not self.tickets:
                raise ConnectionError("the server sent no session ticket")
            if args.zero_rtt and getattr(self.tickets[-1], "max_early_data_size", None) is None:
                raise ConnectionError("the server's session ticket does not allow 0-RTT (no early_data extension)")
            second = await asyncio.wait_for(
                self.connection(ticket=self.tickets[-1], early=args.zero_rtt), args.timeout)
            self.check_terminated(second)
            self.result["retry"] = self.result["retry"] or second.retry_seen
            self.result["bytes"] += second.received
            handshake = second.handshake
            self.result["resumed"] = bool(handshake and handshake.session_resumed)
            if args.zero_rtt:
                self.result["zeroRTT"] = "accepted" if handshake and handshake.early_data_accepted else "rejected"
                if self.result["zeroRTT"] != "accepted":
                    raise ConnectionError("0-RTT was rejected")
            if not self.result["resumed"]:
                raise ConnectionError("the second connection was not resumed")
        self.result["seconds"] = round(time.monotonic() - started, 3)
        self.result["ok"] = True

    def check_terminated(self, protocol):
        event = protocol.terminated
        if protocol.handshake is None:
            raise ConnectionError("handshake did not complete")
        if event is not None and event.error_code not in (0, H3_NO_ERROR) and self.args.alpn == HQ_ALPN:
            raise ConnectionError("connection closed with code 0x%x: %s" % (event.error_code, event.reason_phrase))


def finish(result, code):
    print(json.dumps(result), flush=True)
    sys.stdout.flush()
    os._exit(code)


async def run_client(args, stack):
    client = Client(args, stack)
    loop = asyncio.get_running_loop()
    # Hard bound: whatever hangs (a close that never drains, a stuck peer), the process reports and exits.
    connections = 2 if (args.resume or args.zero_rtt) else 1
    hard_limit = args.timeout * connections + 5

    def give_up():
        client.result["ok"] = False
        client.result["error"] = "timed out after %.0f s" % hard_limit
        finish(client.result, 1)

    loop.call_later(hard_limit, give_up)
    try:
        await client.run()
    except asyncio.TimeoutError:
        client.result["ok"] = False
        client.result["error"] = "timed out after %.0f s" % args.timeout
    except Exception as error:
        client.result["ok"] = False
        client.result["error"] = "%s: %s" % (type(error).__name__, error)
    return client.result


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("mode", choices=["server", "client"])
    parser.add_argument("urls", nargs="*", help="client: https://HOST:PORT/PATH ...")
    parser.add_argument("--stack", choices=["aioquic", "qh3"], default="aioquic")
    parser.add_argument("--alpn", default=HQ_ALPN, help="hq-interop (default), or h3 for handshake-only runs")
    parser.add_argument("--keylog", help="append TLS secrets (NSS key log format) to this file")
    parser.add_argument("--timeout", type=float, default=20.0, help="client: bound for each connection, seconds")
    server = parser.add_argument_group("server")
    server.add_argument("--listen", type=host_port, help="HOST:PORT")
    server.add_argument("--root", help="directory whose files are served")
    server.add_argument("--cert")
    server.add_argument("--key")
    server.add_argument("--retry", action="store_true", help="validate every client address with a Retry first")
    client = parser.add_argument_group("client")
    client.add_argument("--output-dir", help="where downloaded files are written (by basename)")
    client.add_argument("--ca", help="PEM file of the CA that signed the server's certificate")
    client.add_argument("--insecure", action="store_true", help="do not verify the server's certificate")
    client.add_argument("--resume", action="store_true", help="reconnect with the session ticket and fetch again")
    client.add_argument("--zero-rtt", action="store_true", help="like --resume, sending the requests in 0-RTT")
    client.add_argument("--key-update", action="store_true", help="update the 1-RTT keys after the handshake")
    client.add_argument("--chacha20", action="store_true", help="offer only TLS_CHACHA20_POLY1305_SHA256")
    client.add_argument("--migrate", action="store_true", help="move to a new local port mid-transfer")
    args = parser.parse_intermixed_args(argv)

    stack = load_stack(args.stack)
    if args.mode == "server":
        missing = [name for name in ("listen", "root", "cert", "key") if getattr(args, name) is None]
        if missing or args.urls:
            parser.error("server needs --listen, --root, --cert and --key (and no URLs)")
        return asyncio.run(run_server(args, stack))

    if not args.urls or not args.output_dir:
        parser.error("client needs at least one URL and --output-dir")
    args.urls = [urlsplit(url) for url in args.urls]
    if any(url.scheme != "https" or not url.hostname for url in args.urls):
        parser.error("URLs must look like https://HOST:PORT/PATH")
    os.makedirs(args.output_dir, exist_ok=True)
    result = asyncio.run(run_client(args, stack))
    if not result["ok"]:
        log("error: %s" % result.get("error"))
    finish(result, 0 if result["ok"] else 1)


if __name__ == "__main__":
    sys.exit(main())
