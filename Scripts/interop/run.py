#!/usr/bin/env python3
"""Interop matrix: the `mpquic` command-line tool against independent QUIC stacks (aioquic, qh3, ngtcp2).

For every peer x role x test case it starts the pair on loopback, checks the outcome and keeps the logs of each cell
under WORK/cells/<peer>-<role>-<case>/. Role "server" means the peer is the server and mpquic the client; role
"client" the reverse. aioquic and qh3 run through peer.py (hq-interop); ngtcp2's gtlsserver/gtlsclient speak
HTTP/3 only, so their cells test the handshake at the transport level with ALPN h3.

    run.py --mpquic .build/release/mpquic [--peers aioquic,qh3,ngtcp2] [--cases handshake,...] [--work DIR]
    run.py --self-test    # aioquic and qh3 stand in for mpquic (each against the other), to check the runner

Prints the matrix (pass / FAIL / n/a), writes it to WORK/matrix.json, and exits 1 when any cell failed.
Run it with the interop venv's python (Scripts/interop/setup.sh makes it).
"""

import argparse
import datetime
import hashlib
import importlib.util
import ipaddress
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
PEER_SCRIPT = os.path.join(HERE, "peer.py")

CASES = ["handshake", "transfer-1mb", "transfer-10mb", "retry", "resumption", "zerortt", "keyupdate", "chacha20",
         "migration"]
PEERS = ["aioquic", "qh3", "ngtcp2"]
PYTHON_STACKS = ["aioquic", "qh3"]
ROLES = ["server", "client"]
FILE_SIZES = {"small": 4096, "1mb": 1 << 20, "10mb": 10 << 20}
CASE_FILES = {
    "handshake": ["small"], "transfer-1mb": ["1mb"], "transfer-10mb": ["10mb"], "retry": ["small"],
    "resumption": ["small"], "zerortt": ["small"], "keyupdate": ["1mb"], "chacha20": ["1mb"], "migration": ["1mb"],
}
# The client flag that asks for each case's feature; mpquic and peer.py spell them the same way.
CASE_CLIENT_FLAGS = {
    "resumption": ["--resume"], "zerortt": ["--zero-rtt"], "keyupdate": ["--key-update"],
    "chacha20": ["--chacha20"], "migration": ["--migrate"],
}
# gtlsserver/gtlsclient speak HTTP/3 only: their cells run handshakes with ALPN h3 and no HTTP/3 request, so only
# what shows without application traffic is tested.
NGTCP2_CASES = {"handshake", "retry", "chacha20"}
NGTCP2_NA = ("ngtcp2's example tools speak HTTP/3 only: transfers, resumption, 0-RTT, key update and migration "
             "need hq-interop traffic")
CLIENT_TIMEOUT = 20
STOP_GRACE = 5


class CellFailure(Exception):
    pass


# ----------------------------------------------------------------------------------------------- processes


class Process:
    """A child in its own process group, its output in files; stop() ends the whole group and nothing else."""

    running = []

    def __init__(self, name, command, directory):
        self.name = name
        self.command = command
        self.stdout_path = os.path.join(directory, name + ".out")
        self.stderr_path = os.path.join(directory, name + ".err")
        with open(os.path.join(directory, name + ".cmd"), "w") as handle:
            handle.write(" ".join(command) + "\n")
        self.stdout = open(self.stdout_path, "wb")
        self.stderr = open(self.stderr_path, "wb")
        self.popen = subprocess.Popen(command, stdout=self.stdout, stderr=self.stderr, stdin=subprocess.DEVNULL,
                                      cwd=directory, start_new_session=True)
        Process.running.append(self)

    def alive(self):
        return self.popen.poll() is None

    def wait(self, timeout):
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise CellFailure("%s did not finish within %.0f s" % (self.name, timeout))

    def stop(self, grace=STOP_GRACE):
        """SIGTERM, then SIGKILL after `grace` seconds; returns the exit code (negative: killed by that signal)."""
        if self.alive():
            self.signal(signal.SIGTERM)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                self.kill()
        self.close()
        return self.popen.returncode

    def kill(self):
        if self.alive():
            self.signal(signal.SIGKILL)
        self.popen.wait()
        self.close()

    def signal(self, signum):
        if self.popen.returncode is not None:
            return  # reaped: its group id may no longer be ours
        try:
            os.killpg(self.popen.pid, signum)
        except (ProcessLookupError, PermissionError):
            pass

    def close(self):
        for handle in (self.stdout, self.stderr):
            if not handle.closed:
                handle.close()
        if self in Process.running:
            Process.running.remove(self)

    def output(self):
        return read_text(self.stdout_path)

    def errors(self):
        return read_text(self.stderr_path)

    @classmethod
    def stop_all(cls):
        for process in list(cls.running):
            process.kill()


def read_text(path):
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except OSError:
        return ""


def last_line(text):
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def json_lines(text):
    """Every line of `text` that is a JSON object."""
    found = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("{"):
            try:
                value = json.loads(line)
            except ValueError:
                continue
            if isinstance(value, dict):
                found.append(value)
    return found


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def udp_port_taken(port):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return True
        return False


def wait_until(predicate, timeout, process, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        if not process.alive():
            raise CellFailure("%s exited (code %s) before %s: %s" % (
                process.name, process.popen.returncode, what,
                last_line(process.errors() or process.output()) or "no output"))
        time.sleep(0.05)
    raise CellFailure("%s: no %s within %.0f s" % (process.name, what, timeout))


def wait_listening(process, timeout=15):
    wait_until(lambda: "listening on" in process.output(), timeout, process, "'listening on' line")


def wait_bound(process, port, timeout=15):
    wait_until(lambda: udp_port_taken(port), timeout, process, "bound UDP port %d" % port)


# ----------------------------------------------------------------------------------------------- material


def make_pki(directory):
    """A throw-away CA and a leaf certificate it signed for localhost, 127.0.0.1 and ::1 (ECDSA P-256)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    now = datetime.datetime.now(datetime.timezone.utc)
    start, end = now - datetime.timedelta(hours=1), now + datetime.timedelta(days=7)

    def usage(signing_certificates):
        return x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                             data_encipherment=False, key_agreement=False, key_cert_sign=signing_certificates,
                             crl_sign=signing_certificates, encipher_only=False, decipher_only=False)

    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "swift-mpquic interop CA")])
    ca = (x509.CertificateBuilder()
          .subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(usage(True), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))

    leaf_key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
             x509.IPAddress(ipaddress.ip_address("::1"))]
    leaf = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
            .issuer_name(ca_name).public_key(leaf_key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(usage(False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(names), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
            .sign(ca_key, hashes.SHA256()))

    os.makedirs(directory, exist_ok=True)
    paths = {name: os.path.join(directory, name + ".pem") for name in ("ca", "cert", "key")}
    with open(paths["ca"], "wb") as handle:
        handle.write(ca.public_bytes(serialization.Encoding.PEM))
    with open(paths["cert"], "wb") as handle:
        handle.write(leaf.public_bytes(serialization.Encoding.PEM))
    with open(paths["key"], "wb") as handle:
        handle.write(leaf_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                            serialization.NoEncryption()))
    return paths


def make_files(directory):
    """Random files to serve, with their SHA-256."""
    os.makedirs(directory, exist_ok=True)
    digests = {}
    for name, size in FILE_SIZES.items():
        data = os.urandom(size)
        with open(os.path.join(directory, name), "wb") as handle:
            handle.write(data)
        digests[name] = hashlib.sha256(data).hexdigest()
    return digests


def sha256_of(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


# ----------------------------------------------------------------------------------------------- endpoints


class Context:
    def __init__(self, args, pki, root, digests):
        self.args = args
        self.pki = pki
        self.root = root
        self.digests = digests
        self.python = sys.executable


class PythonEndpoint:
    """aioquic or qh3 through peer.py: as a peer, or as the stand-in subject in --self-test."""

    def __init__(self, context, stack):
        self.context = context
        self.stack = stack
        self.name = stack

    def base(self, mode):
        return [self.context.python, PEER_SCRIPT, mode, "--stack", self.stack]

    def server_command(self, port, case, alpn):
        pki = self.context.pki
        command = self.base("server") + ["--listen", "127.0.0.1:%d" % port, "--root", self.context.root,
                                         "--cert", pki["cert"], "--key", pki["key"], "--alpn", alpn]
        if case == "retry":
            command.append("--retry")
        return command

    def client_command(self, urls, output, case, trust, alpn):
        return (self.base("client") + urls + ["--output-dir", output, "--alpn", alpn, "--timeout",
                                              str(CLIENT_TIMEOUT)] + trust + CASE_CLIENT_FLAGS.get(case, []))

    def trust_for_clients(self):
        return ["--ca", self.context.pki["ca"]]

    def connections(self, server_process):
        """The server's per-connection summaries (peer.py prints them when a connection ends or on SIGTERM)."""
        return [line for line in json_lines(server_process.output()) if line.get("event") == "connection"]


class MpquicEndpoint:
    """The implementation under test, driven through its documented command line."""

    def __init__(self, context, binary):
        self.context = context
        self.binary = binary
        self.name = "mpquic"

    def server_command(self, port, case, alpn):
        command = [self.binary, "server", "--listen", "127.0.0.1:%d" % port, "--root", self.context.root,
                   "--alpn", alpn]
        if case == "retry":
            command.append("--retry")
        if case == "zerortt":
            command.append("--early-data")
        return command + self.qlog()

    def client_command(self, urls, output, case, trust, alpn):
        return ([self.binary, "client"] + urls + ["-o", output, "--json", "--alpn", alpn] + trust
                + CASE_CLIENT_FLAGS.get(case, []) + self.qlog())

    def qlog(self):
        return ["--qlog-dir", "qlog"] if self.context.args.qlog else []

    def trust_for_clients(self):
        return ["--insecure"]  # the server's generated development certificate

    def connections(self, server_process):
        return None  # its log format is not part of the contract


# ----------------------------------------------------------------------------------------------- cells


class Cell:
    def __init__(self, context, peer, role, case, subject):
        self.context = context
        self.peer = peer
        self.role = role
        self.case = case
        self.subject = subject
        self.directory = os.path.join(context.args.work, "cells", "%s-%s-%s" % (peer, role, case))
        self.notes = []

    def not_applicable(self):
        if self.peer == "ngtcp2" and self.case not in NGTCP2_CASES:
            return NGTCP2_NA
        return None

    def run(self):
        shutil.rmtree(self.directory, ignore_errors=True)
        os.makedirs(self.directory)
        try:
            if self.peer == "ngtcp2":
                self.run_ngtcp2()
            else:
                self.run_hq()
        finally:
            for process in list(Process.running):
                process.kill()

    # hq-interop between a Python peer and the subject

    def run_hq(self):
        peer = PythonEndpoint(self.context, self.peer)
        server, client = (peer, self.subject) if self.role == "server" else (self.subject, peer)
        port = free_udp_port()
        output = os.path.join(self.directory, "downloads")
        os.makedirs(output)
        server_process = Process("server", server.server_command(port, self.case, "hq-interop"), self.directory)
        wait_listening(server_process)
        urls = ["https://127.0.0.1:%d/%s" % (port, name) for name in CASE_FILES[self.case]]
        client_process = Process("client", client.client_command(urls, output, self.case,
                                                                   server.trust_for_clients(), "hq-interop"),
                                 self.directory)
        code = client_process.wait(self.context.args.timeout)
        time.sleep(0.3)  # let the server take in the close before it is stopped
        server_alive = server_process.alive()
        server_code = server_process.stop()
        result = self.client_result(client_process, code)
        if not server_alive:
            raise CellFailure("the server exited during the test (code %s): %s" % (
                server_code, last_line(server_process.errors())))
        if server is self.subject and server_code != 0:
            raise CellFailure("the server exited with code %s on SIGTERM" % server_code)
        for name in CASE_FILES[self.case]:
            path = os.path.join(output, name)
            if not os.path.isfile(path):
                raise CellFailure("%s was not downloaded" % name)
            if sha256_of(path) != self.context.digests[name]:
                raise CellFailure("%s: SHA-256 differs from the served file" % name)
        self.check_case(result, server.connections(server_process))

    def client_result(self, process, code):
        results = json_lines(process.output())
        result = results[-1] if results else None
        if code != 0:
            reason = (result or {}).get("error") or last_line(process.errors()) or "no message"
            raise CellFailure("client exited with code %s: %s" % (code, reason))
        if result is None:
            raise CellFailure("client printed no JSON result")
        if result.get("ok") is not True:
            raise CellFailure("client reported failure: %s" % result.get("error"))
        return result

    def check_case(self, result, connections):
        """The case's own evidence: the client's JSON, and where the server is a Python peer, its own view."""
        case = self.case

        def require(condition, message):
            if not condition:
                raise CellFailure(message)

        if connections is not None:
            require(connections and all(c.get("handshake") for c in connections),
                    "the peer server saw no completed handshake")
        if case == "retry":
            require(result.get("retry") is True, "client JSON: retry is %r, expected true" % result.get("retry"))
        elif case == "resumption":
            require(result.get("resumed") is True, "client JSON: resumed is %r" % result.get("resumed"))
            if connections is not None:
                require(any(c.get("resumed") for c in connections), "the peer server resumed no connection")
        elif case == "zerortt":
            require(result.get("zeroRTT") == "accepted", "client JSON: zeroRTT is %r" % result.get("zeroRTT"))
            if connections is not None:
                require(any(c.get("earlyRequests", 0) > 0 for c in connections),
                        "the peer server received no request in 0-RTT")
        elif case == "keyupdate":
            seen_by_server = [c.get("keyUpdates") for c in connections or [] if c.get("keyUpdates") is not None]
            if seen_by_server:
                require(max(seen_by_server) >= 1, "the peer server saw no key update")
            else:
                updates = result.get("keyUpdates")
                require(isinstance(updates, int) and updates >= 1, "client JSON: keyUpdates is %r" % updates)
        elif case == "chacha20":
            suite = str(result.get("cipherSuite") or "")
            require("CHACHA20" in suite.upper(), "client JSON: cipherSuite is %r" % suite)
            if connections:
                require(all("CHACHA20" in str(c.get("cipherSuite") or "CHACHA20") for c in connections),
                        "the peer server negotiated %r" % [c.get("cipherSuite") for c in connections])
        elif case == "migration":
            require(result.get("migrated") is True, "client JSON: migrated is %r" % result.get("migrated"))
            if connections is not None:
                require(any(c.get("peerAddresses", 0) >= 2 for c in connections),
                        "the peer server never saw the client's new address")

    # ngtcp2: handshake with ALPN h3

    def run_ngtcp2(self):
        if self.role == "server":
            self.run_gtlsserver()
        else:
            self.run_gtlsclient()

    def run_gtlsserver(self):
        """gtlsserver against the subject's client with ALPN h3: handshake, then close with H3_NO_ERROR."""
        port = free_udp_port()
        pki = self.context.pki
        options = ["--validate-addr"] if self.case == "retry" else []  # ngtcp2's Retry-based address validation
        server_process = Process("server", ["gtlsserver", "--no-quic-dump", "--no-http-dump", "--timeout=5s"]
                                 + options + ["127.0.0.1", str(port), pki["key"], pki["cert"]], self.directory)
        wait_bound(server_process, port)
        output = os.path.join(self.directory, "downloads")
        os.makedirs(output)
        client_process = Process("client", self.subject.client_command(
            ["https://127.0.0.1:%d/" % port], output, self.case, ["--ca", pki["ca"]], "h3"), self.directory)
        code = client_process.wait(self.context.args.timeout)
        time.sleep(0.3)
        server_process.stop()
        result = self.client_result(client_process, code)
        log = server_process.output() + server_process.errors()
        if "QUIC handshake has completed" not in log:
            raise CellFailure("gtlsserver logged no completed handshake")
        if not re.search(r"CONNECTION_CLOSE\(0x1d\) error_code=\S*\(0x100\)", log):
            raise CellFailure("gtlsserver did not receive an application close with H3_NO_ERROR (0x100)")
        if self.case == "chacha20" and "Negotiated cipher suite is CHACHA20-POLY1305" not in log:
            raise CellFailure("gtlsserver did not negotiate CHACHA20-POLY1305")
        self.check_case(result, None)

    def run_gtlsclient(self):
        """gtlsclient against the subject's server with ALPN h3: handshake, confirmation, then an idle close."""
        port = free_udp_port()
        server_process = Process("server", self.subject.server_command(port, self.case, "h3"), self.directory)
        wait_listening(server_process)
        options = ["--timeout=1s", "--handshake-timeout=10s"]
        if self.case == "chacha20":
            options.append("--ciphers=NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305")
        client_process = Process("client", ["gtlsclient", "--no-quic-dump", "--no-http-dump"] + options
                                 + ["127.0.0.1", str(port)], self.directory)
        code = client_process.wait(self.context.args.timeout)
        time.sleep(0.3)
        server_alive = server_process.alive()
        server_code = server_process.stop()
        log = client_process.output() + client_process.errors()
        if code != 0:
            raise CellFailure("gtlsclient exited with code %s: %s" % (code, last_line(log)))
        expected = ["QUIC handshake has completed", "QUIC handshake has been confirmed", "Negotiated ALPN is h3"]
        if self.case == "chacha20":
            expected.append("Negotiated cipher suite is CHACHA20-POLY1305")
        for line in expected:
            if line not in log:
                raise CellFailure("gtlsclient did not log %r" % line)
        if self.case == "retry" and not re.search(r"pkt rx .* type=Retry", log):
            raise CellFailure("gtlsclient received no Retry packet")
        if not server_alive or server_code != 0:
            raise CellFailure("the server exited with code %s" % server_code)
        connections = self.subject.connections(server_process)
        if connections is not None:
            if not any(c.get("handshake") for c in connections):
                raise CellFailure("the server logged no completed handshake")
        elif not server_process.errors().strip() and server_process.output().count("\n") <= 1:
            self.notes.append("the server logged nothing about the connection")


# ----------------------------------------------------------------------------------------------- matrix


def subject_for(context, peer):
    args = context.args
    if not args.self_test:
        return MpquicEndpoint(context, args.mpquic)
    # Self-test: the other Python stack plays mpquic's part (aioquic for the ngtcp2 rows).
    return PythonEndpoint(context, "qh3" if peer == "aioquic" else "aioquic")


def print_matrix(rows, cases, subject_label):
    label_width = max(len("peer / role"), max(len(r["label"]) for r in rows)) + 2
    widths = [max(len(case), 4) + 2 for case in cases]
    print()
    print("interop matrix (subject: %s)" % subject_label)
    print("peer / role".ljust(label_width) + "".join(case.ljust(w) for case, w in zip(cases, widths)))
    for row in rows:
        cells = [row["cells"][case]["status"].ljust(w) for case, w in zip(cases, widths)]
        print(row["label"].ljust(label_width) + "".join(cells))
    reasons = {}
    for row in rows:
        for case in cases:
            cell = row["cells"][case]
            if cell["status"] == "n/a":
                reasons.setdefault(cell["detail"], []).append("%s/%s" % (row["label"], case))
    if reasons:
        print()
        for reason, where in reasons.items():
            print("n/a: %s (%d cells: %s)" % (reason, len(where), ", ".join(sorted(set(w.split("/")[0]
                                                                                      for w in where)))))
    failures = [(row, case) for row in rows for case in cases if row["cells"][case]["status"] == "FAIL"]
    if failures:
        print()
        for row, case in failures:
            cell = row["cells"][case]
            where = "  [logs: %s]" % cell["logs"] if cell["logs"] else ""
            print("FAIL %s / %s: %s%s" % (row["label"], case, cell["detail"], where))
    notes = [(row, case) for row in rows for case in cases if row["cells"][case].get("notes")]
    for row, case in notes:
        print("note %s / %s: %s" % (row["label"], case, "; ".join(row["cells"][case]["notes"])))


def parse_list(text, allowed, what):
    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        raise SystemExit("unknown %s: %s (choose from %s)" % (what, ", ".join(unknown) or "(none)",
                                                              ",".join(allowed)))
    return items


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--mpquic", help="path of the mpquic binary under test")
    parser.add_argument("--self-test", action="store_true",
                        help="no mpquic: aioquic and qh3 stand in for it, each against the other")
    parser.add_argument("--peers", default=",".join(PEERS))
    parser.add_argument("--roles", default=",".join(ROLES), help="server (peer serves), client (peer fetches)")
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--work", default=".interop-work", help="certificates, served files and per-cell logs")
    parser.add_argument("--timeout", type=float, default=30, help="seconds before a cell's client is killed")
    parser.add_argument("--budget", type=float, default=540,
                        help="seconds for the whole matrix; cells not started by then fail as not run")
    parser.add_argument("--qlog", action="store_true", help="have mpquic write qlog files into each cell's folder")
    args = parser.parse_args(argv)
    peers = parse_list(args.peers, PEERS, "peers")
    roles = parse_list(args.roles, ROLES, "roles")
    cases = parse_list(args.cases, CASES, "cases")
    if not args.self_test:
        if not args.mpquic:
            parser.error("--mpquic PATH is required (or --self-test)")
        args.mpquic = os.path.abspath(args.mpquic)
        if not os.access(args.mpquic, os.X_OK):
            parser.error("%s is not an executable" % args.mpquic)
    missing = [name for name in ["cryptography"] + PYTHON_STACKS if importlib.util.find_spec(name) is None]
    if missing:
        parser.error("this python lacks %s: run Scripts/interop/setup.sh, then use .interop-venv/bin/python"
                     % ", ".join(missing))
    os.environ["PATH"] = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"  # gtlsserver lives in /usr/sbin
    if "ngtcp2" in peers and not (shutil.which("gtlsserver") and shutil.which("gtlsclient")):
        parser.error("gtlsserver/gtlsclient not found: run Scripts/interop/setup.sh")
    args.work = os.path.abspath(args.work)

    for name in ("cells", "pki", "root"):
        shutil.rmtree(os.path.join(args.work, name), ignore_errors=True)
    pki = make_pki(os.path.join(args.work, "pki"))
    root = os.path.join(args.work, "root")
    context = Context(args, pki, root, make_files(root))

    def interrupted(signum, frame):
        Process.stop_all()
        raise SystemExit(130)

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)

    started = time.monotonic()
    rows = []
    try:
        for peer in peers:
            for role in roles:
                subject = subject_for(context, peer)
                label = "%s as %s" % (peer, role)
                if args.self_test:
                    label += " (vs %s)" % subject.name
                row = {"peer": peer, "role": role, "subject": subject.name, "label": label, "cells": {}}
                rows.append(row)
                for case in cases:
                    cell = Cell(context, peer, role, case, subject)
                    if time.monotonic() - started > args.budget and not cell.not_applicable():
                        row["cells"][case] = {"status": "FAIL", "seconds": 0, "logs": None,
                                              "detail": "not run: the %.0f s budget was used up" % args.budget}
                        continue
                    row["cells"][case] = run_cell(cell)
    finally:
        Process.stop_all()

    elapsed = time.monotonic() - started
    subject_label = "aioquic/qh3 stand-ins (self-test)" if args.self_test else args.mpquic
    print_matrix(rows, cases, subject_label)
    failed = sum(1 for row in rows for cell in row["cells"].values() if cell["status"] == "FAIL")
    passed = sum(1 for row in rows for cell in row["cells"].values() if cell["status"] == "pass")
    skipped = sum(1 for row in rows for cell in row["cells"].values() if cell["status"] == "n/a")
    summary = {"subject": subject_label, "selfTest": args.self_test, "cases": cases, "rows": rows,
               "passed": passed, "failed": failed, "notApplicable": skipped, "seconds": round(elapsed, 1)}
    with open(os.path.join(args.work, "matrix.json"), "w") as handle:
        json.dump(summary, handle, indent=2)
    print()
    print("interop matrix took %.1f s; written to %s" % (elapsed, os.path.join(args.work, "matrix.json")))
    print("interop: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


def run_cell(cell):
    reason = cell.not_applicable()
    if reason:
        return {"status": "n/a", "detail": reason, "seconds": 0, "logs": None}
    started = time.monotonic()
    status, detail = "pass", ""
    try:
        cell.run()
    except CellFailure as failure:
        status, detail = "FAIL", str(failure)
    except Exception as error:  # a runner bug must show as a failed cell, not end the matrix
        status, detail = "FAIL", "runner error: %s: %s" % (type(error).__name__, error)
    seconds = round(time.monotonic() - started, 2)
    print("%-8s %-8s %-14s %-5s %5.1fs %s" % (cell.peer, cell.role, cell.case, status, seconds, detail),
          flush=True)
    return {"status": status, "detail": detail, "seconds": seconds, "logs": cell.directory, "notes": cell.notes}


if __name__ == "__main__":
    sys.exit(main())
