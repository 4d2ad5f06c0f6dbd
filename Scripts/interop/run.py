#!/usr/bin/env python3
"""Interop matrix: the `mpquic` command-line tool against independent QUIC stacks (aioquic, qh3, ngtcp2).

For every peer x role x test case it starts the pair on loopback, checks the outcome and keeps the logs of each cell
under WORK/cells/<peer>-<role>-<case>/. Role "server" means the peer is the server and mpquic the client; role
"client" the reverse. aioquic and qh3 run through peer.py (hq-interop); ngtcp2's gtlsserver/gtlsclient speak
HTTP/3 only, so their cells use ALPN h3 and are judged at the transport level, from ngtcp2's own log (see
EXPECTED_PASS / NOT_APPLICABLE below for what each cell must do).

    run.py --mpquic .build/release/mpquic [--peers aioquic,qh3,ngtcp2] [--cases handshake,...] [--work DIR]
    run.py --self-test    # aioquic and qh3 stand in for mpquic (each against the other), to check the runner

Every cell is checked against the expectations: a cell listed in EXPECTED_PASS must run and pass; a cell listed in
NOT_APPLICABLE is skipped and shown as n/a with its reason; a cell in both, or in neither, fails. Prints the
matrix, writes it to WORK/matrix.json, ends with one line "interop: N passed, M not applicable (reasons listed),
K failed" and exits 1 when any cell failed. Run it with the interop venv's python (Scripts/interop/setup.sh).

Certificates: the run makes its own root CA, an intermediate CA and a leaf for localhost / 127.0.0.1 / ::1; every
server (mpquic and the peers) presents the leaf with the intermediate, and every client is given only the root.
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

# ------------------------------------------------------------------------------------------ expectations
#
# What the matrix must show, per peer and role ("server": the peer serves, mpquic is the client). A change that
# makes a cell n/a has to move it out of EXPECTED_PASS as well, and a reviewer sees both edits here.

NGTCP2_NO_TRANSFER = ("gtlsserver/gtlsclient carry files only over HTTP/3 and mpquic only over hq-interop: the two "
                      "have no application protocol in common to move a file with")

EXPECTED_PASS = {
    ("aioquic", "server"): ["handshake", "transfer-1mb", "transfer-10mb", "retry", "resumption", "zerortt",
                            "keyupdate", "chacha20", "migration"],
    ("aioquic", "client"): ["handshake", "transfer-1mb", "transfer-10mb", "retry", "resumption", "zerortt",
                            "keyupdate", "chacha20", "migration"],
    ("qh3", "server"): ["handshake", "transfer-1mb", "transfer-10mb", "retry", "resumption", "zerortt",
                        "keyupdate", "chacha20", "migration"],
    ("qh3", "client"): ["handshake", "transfer-1mb", "transfer-10mb", "retry", "resumption", "zerortt",
                        "keyupdate", "chacha20", "migration"],
    ("ngtcp2", "server"): ["handshake", "retry", "resumption", "zerortt", "keyupdate", "chacha20", "migration"],
    ("ngtcp2", "client"): ["handshake", "retry", "resumption", "zerortt", "keyupdate", "chacha20", "migration"],
}

NOT_APPLICABLE = {
    ("ngtcp2", "server"): {"transfer-1mb": NGTCP2_NO_TRANSFER, "transfer-10mb": NGTCP2_NO_TRANSFER},
    ("ngtcp2", "client"): {"transfer-1mb": NGTCP2_NO_TRANSFER, "transfer-10mb": NGTCP2_NO_TRANSFER},
}

# How each client checks the server's certificate (printed with the matrix and kept in matrix.json).
VERIFICATION = {
    ("aioquic", "server"): "mpquic client --ca root: verifies aioquic's chain (leaf + intermediate)",
    ("aioquic", "client"): "aioquic client, load_verify_locations(root): verifies mpquic's chain",
    ("qh3", "server"): "mpquic client --ca root: verifies qh3's chain (leaf + intermediate)",
    ("qh3", "client"): "qh3 client, load_verify_locations(root): verifies mpquic's chain",
    ("ngtcp2", "server"): "mpquic client --ca root: verifies gtlsserver's chain (leaf + intermediate)",
    ("ngtcp2", "client"): ("gtlsclient cannot verify (it has no CA option and never checks the peer's certificate), "
                           "so the runner verifies the chain mpquic sent it, read from gtlsclient's decrypted "
                           "CRYPTO dump, against the root for 127.0.0.1"),
}

# Self-test only (aioquic/qh3 stand in for mpquic): peer.py's h3 mode only completes a handshake, so against ngtcp2
# a stand-in can do what needs no application data from it.
SELF_TEST_NGTCP2_SERVER_NA = ("self-test: peer.py with ALPN h3 closes right after the handshake (no session ticket "
                              "wait, no 0-RTT data, no key update, no migration)")
SELF_TEST_EXPECTED_PASS = {
    ("ngtcp2", "server"): ["handshake", "retry", "chacha20"],
}
SELF_TEST_NOT_APPLICABLE = {
    ("ngtcp2", "server"): dict(NOT_APPLICABLE[("ngtcp2", "server")], **{
        case: SELF_TEST_NGTCP2_SERVER_NA for case in ["resumption", "zerortt", "keyupdate", "migration"]}),
}

# ------------------------------------------------------------------------------------------ cases

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
CHACHA20_ONLY = "NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305"
CLIENT_TIMEOUT = 20
STOP_GRACE = 5

# TLS 1.3 handshake message and extension types (RFC 8446 §4, §4.2).
CLIENT_HELLO, SERVER_HELLO, ENCRYPTED_EXTENSIONS, CERTIFICATE = 1, 2, 8, 11
PRE_SHARED_KEY, EARLY_DATA = 41, 42


def expectations(peer, role, self_test):
    """(expected to pass, {case: reason} not applicable) for one row."""
    expected = EXPECTED_PASS.get((peer, role), [])
    not_applicable = NOT_APPLICABLE.get((peer, role), {})
    if self_test:
        expected = SELF_TEST_EXPECTED_PASS.get((peer, role), expected)
        not_applicable = SELF_TEST_NOT_APPLICABLE.get((peer, role), not_applicable)
    return set(expected), dict(not_applicable)


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
    """A throw-away root CA, an intermediate CA it signed, and a leaf the intermediate signed for localhost,
    127.0.0.1 and ::1 (all ECDSA P-256).

    Files: ca.pem (the root only: what clients trust), leaf.pem (the leaf, then the intermediate: the chain a
    server sends), leaf.key (the leaf's key, PKCS#8 PEM as `openssl genpkey` writes it)."""
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

    def name(common_name):
        return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])

    def certificate(subject, key, issuer, issuer_key, extensions):
        builder = (x509.CertificateBuilder()
                   .subject_name(subject).issuer_name(issuer).public_key(key.public_key())
                   .serial_number(x509.random_serial_number()).not_valid_before(start).not_valid_after(end)
                   .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False))
        if key is not issuer_key:
            builder = builder.add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()), critical=False)
        for extension, critical in extensions:
            builder = builder.add_extension(extension, critical=critical)
        return builder.sign(issuer_key, hashes.SHA256())

    root_key = ec.generate_private_key(ec.SECP256R1())
    root_name = name("swift-mpquic interop root CA")
    root = certificate(root_name, root_key, root_name, root_key, [
        (x509.BasicConstraints(ca=True, path_length=1), True), (usage(True), True)])

    intermediate_key = ec.generate_private_key(ec.SECP256R1())
    intermediate_name = name("swift-mpquic interop intermediate CA")
    intermediate = certificate(intermediate_name, intermediate_key, root_name, root_key, [
        (x509.BasicConstraints(ca=True, path_length=0), True), (usage(True), True)])

    leaf_key = ec.generate_private_key(ec.SECP256R1())
    names = [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
             x509.IPAddress(ipaddress.ip_address("::1"))]
    leaf = certificate(name("localhost"), leaf_key, intermediate_name, intermediate_key, [
        (x509.BasicConstraints(ca=False, path_length=None), True), (usage(False), True),
        (x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), False),
        (x509.SubjectAlternativeName(names), False)])

    os.makedirs(directory, exist_ok=True)
    paths = {"ca": os.path.join(directory, "ca.pem"), "cert": os.path.join(directory, "leaf.pem"),
             "key": os.path.join(directory, "leaf.key")}
    pem = serialization.Encoding.PEM
    with open(paths["ca"], "wb") as handle:
        handle.write(root.public_bytes(pem))
    with open(paths["cert"], "wb") as handle:
        handle.write(leaf.public_bytes(pem) + intermediate.public_bytes(pem))
    with open(paths["key"], "wb") as handle:
        handle.write(leaf_key.private_bytes(pem, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    paths["leafDERLength"] = len(leaf.public_bytes(serialization.Encoding.DER))
    return paths


def verify_server_chain(ders, ca_path, address):
    """Verifies a server's chain (DER, leaf first, as in its Certificate message) for the IP `address` against
    the root in `ca_path`, the way a client would; raises CellFailure when it does not verify."""
    from cryptography import x509
    from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

    if not ders:
        raise CellFailure("the server sent an empty certificate chain")
    try:
        certificates = [x509.load_der_x509_certificate(der) for der in ders]
    except ValueError as error:
        raise CellFailure("the server sent a certificate that does not parse: %s" % error)
    with open(ca_path, "rb") as handle:
        roots = x509.load_pem_x509_certificates(handle.read())
    verifier = (PolicyBuilder().store(Store(roots))
                .build_server_verifier(x509.IPAddress(ipaddress.ip_address(address))))
    try:
        verifier.verify(certificates[0], certificates[1:])
    except VerificationError as error:
        raise CellFailure("the chain the server sent (%d certificates) does not verify against the root for %s: %s"
                          % (len(certificates), address, error))
    return len(certificates)


# ----------------------------------------------------------------------------------------------- ngtcp2 logs


NGTCP2_PREFIX = re.compile(r"^I\d{8} 0x([0-9a-f]+) ")
NGTCP2_DUMP_START = re.compile(r"^Ordered CRYPTO data in (\w+) crypto level$")
NGTCP2_DUMP_LINE = re.compile(r"^[0-9a-f]{8}  ")


def ngtcp2_crypto(log):
    """The CRYPTO data an ngtcp2 example tool took in, from its hex dumps ("Ordered CRYPTO data in LEVEL crypto
    level"): {connection ID of the log lines: {level: bytes}}, in the order received. Needs the tool run without
    --no-quic-dump."""
    found = {}
    connection, level = None, None
    for line in log.splitlines():
        prefix = NGTCP2_PREFIX.match(line)
        if prefix:
            connection, level = prefix.group(1), None
            continue
        start = NGTCP2_DUMP_START.match(line)
        if start:
            level = start.group(1)
            continue
        if level is not None and NGTCP2_DUMP_LINE.match(line):
            octets = line[10:59].split()
            if all(len(octet) == 2 for octet in octets):
                found.setdefault(connection, {}).setdefault(level, bytearray()).extend(bytes.fromhex("".join(octets)))
            continue
        level = None
    return found


def handshake_messages(data):
    """TLS handshake messages (type, body) in a CRYPTO stream; stops at an incomplete one."""
    messages, index = [], 0
    while index + 4 <= len(data):
        length = int.from_bytes(data[index + 1:index + 4], "big")
        if index + 4 + length > len(data):
            break
        messages.append((data[index], bytes(data[index + 4:index + 4 + length])))
        index += 4 + length
    return messages


def extension_types(data, index):
    """The extension types of the list (two-octet length, then type/length/value entries) at `index`."""
    end = index + 2 + int.from_bytes(data[index:index + 2], "big")
    index += 2
    types = set()
    while index + 4 <= end:
        types.add(int.from_bytes(data[index:index + 2], "big"))
        index += 4 + int.from_bytes(data[index + 2:index + 4], "big")
    return types


def hello_extensions(kind, body):
    """The extension types of a ClientHello or ServerHello body (RFC 8446 §4.1.2, §4.1.3)."""
    index = 2 + 32
    index += 1 + body[index]  # legacy_session_id
    if kind == CLIENT_HELLO:
        index += 2 + int.from_bytes(body[index:index + 2], "big")  # cipher_suites
        index += 1 + body[index]  # legacy_compression_methods
    else:
        index += 2 + 1  # cipher_suite, legacy_compression_method
    return extension_types(body, index)


def certificate_list(body):
    """The DER certificates of a TLS 1.3 Certificate message body (RFC 8446 §4.4.2), leaf first."""
    index = 1 + body[0]  # certificate_request_context
    end = index + 3 + int.from_bytes(body[index:index + 3], "big")
    index += 3
    certificates = []
    while index + 3 <= end:
        length = int.from_bytes(body[index:index + 3], "big")
        certificates.append(body[index + 3:index + 3 + length])
        index += 3 + length
        index += 2 + int.from_bytes(body[index:index + 2], "big")  # the entry's extensions
    return certificates


class ServerFlight:
    """What a client (gtlsclient) received from the server during the handshake, from its CRYPTO dump."""

    def __init__(self, log):
        levels = {}
        for streams in ngtcp2_crypto(log).values():
            for level, data in streams.items():
                levels.setdefault(level, bytearray()).extend(data)
        self.initial = dict(handshake_messages(levels.get("Initial", b"")))
        self.handshake = dict(handshake_messages(levels.get("Handshake", b"")))
        if SERVER_HELLO not in self.initial or ENCRYPTED_EXTENSIONS not in self.handshake:
            raise CellFailure("gtlsclient's CRYPTO dump shows no ServerHello / EncryptedExtensions")

    @property
    def resumed(self):
        """A PSK handshake: the ServerHello selects a pre_shared_key, and no Certificate follows."""
        return (PRE_SHARED_KEY in hello_extensions(SERVER_HELLO, self.initial[SERVER_HELLO])
                and CERTIFICATE not in self.handshake)

    @property
    def early_data_accepted(self):
        """RFC 8446 §4.2.10: the server accepts 0-RTT with an early_data extension in EncryptedExtensions."""
        return EARLY_DATA in extension_types(self.handshake[ENCRYPTED_EXTENSIONS], 0)

    def chain(self):
        body = self.handshake.get(CERTIFICATE)
        return certificate_list(body) if body is not None else None
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

    def server_command(self, port, case, alpn, qlog=False):
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

    def received_zero_rtt(self, server_process, directory, original_dcid):
        """Whether the server accepted 0-RTT on a connection; None when it cannot tell."""
        connections = self.connections(server_process)
        return any(c.get("earlyData") for c in connections) if connections else None


class MpquicEndpoint:
    """The implementation under test, driven through its documented command line."""

    def __init__(self, context, binary):
        self.context = context
        self.binary = binary
        self.name = "mpquic"

    def server_command(self, port, case, alpn, qlog=False):
        pki = self.context.pki
        command = [self.binary, "server", "--listen", "127.0.0.1:%d" % port, "--root", self.context.root,
                   "--alpn", alpn, "--cert", pki["cert"], "--key", pki["key"]]
        if case == "retry":
            command.append("--retry")
        if case == "zerortt":
            command.append("--early-data")
        return command + self.qlog(qlog)

    def client_command(self, urls, output, case, trust, alpn):
        return ([self.binary, "client"] + urls + ["-o", output, "--json", "--alpn", alpn] + trust
                + CASE_CLIENT_FLAGS.get(case, []) + self.qlog())

    def qlog(self, wanted=False):
        return ["--qlog-dir", "qlog"] if wanted or self.context.args.qlog else []

    def trust_for_clients(self):
        return ["--ca", self.context.pki["ca"]]

    def connections(self, server_process):
        return None  # its log format is not part of the contract

    def received_zero_rtt(self, server_process, directory, original_dcid):
        """From the server's qlog (named after the connection's original destination connection ID): whether it
        took in a 0-RTT packet, i.e. could decrypt the client's early data."""
        path = os.path.join(directory, "qlog", "%s-server.sqlog" % original_dcid)
        if not os.path.isfile(path):
            raise CellFailure("mpquic server wrote no qlog for connection %s" % original_dcid)
        for record in read_text(path).split("\x1e"):
            record = record.strip()
            if not record:
                continue
            try:
                event = json.loads(record)
            except ValueError:
                continue
            if (event.get("name") == "transport:packet_received"
                    and event.get("data", {}).get("header", {}).get("packet_type") == "0RTT"):
                return True
        return False


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
    # ngtcp2: ALPN h3, judged at the transport level from ngtcp2's log

    def run_ngtcp2(self):
        if self.role == "server":
            self.run_gtlsserver()
        else:
            self.run_gtlsclient()

    def run_gtlsserver(self):
        """gtlsserver against the subject's client with ALPN h3. The client completes the handshake, opens its
        HTTP/3 control stream and does the case's feature (resumption, 0-RTT, key update, migration), then
        closes with H3_NO_ERROR; gtlsserver's log shows what reached it."""
        port = free_udp_port()
        pki = self.context.pki
        options = ["--validate-addr"] if self.case == "retry" else []  # ngtcp2's Retry-based address validation
        # No --no-quic-dump: the CRYPTO dump shows the ClientHellos.
        server_process = Process("server", ["gtlsserver", "--no-http-dump", "--timeout=5s"] + options
                                 + ["127.0.0.1", str(port), pki["key"], pki["cert"]], self.directory)
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

        def require(condition, message):
            if not condition:
                raise CellFailure("gtlsserver: " + message)

        require("QUIC handshake has completed" in log, "logged no completed handshake")
        require(re.search(r"CONNECTION_CLOSE\(0x1d\) error_code=\S*\(0x100\)", log),
                "did not receive an application close with H3_NO_ERROR (0x100)")
        case = self.case
        if case == "chacha20":
            require("Negotiated cipher suite is CHACHA20-POLY1305" in log, "did not negotiate CHACHA20-POLY1305")
        elif case == "retry":
            require("Sending Retry packet" in log and "Token was successfully validated" in log,
                    "sent no Retry, or did not validate the token that came back")
        elif case in ("resumption", "zerortt"):
            self.check_gtlsserver_resumed(log, require)
            if case == "zerortt":
                require(re.search(r"frm rx \d+ 0RTT STREAM\(", log), "received no STREAM frame in a 0-RTT packet")
        elif case == "keyupdate":
            require(re.search(r"pkt rx .* type=1RTT k=1", log), "received no packet under updated keys (k=1)")
            require(re.search(r"pkt tx .* type=1RTT k=1", log), "sent no packet under updated keys (k=1)")
        elif case == "migration":
            first = re.search(r"Received packet: local=\S+ remote=\[127\.0\.0\.1\]:(\d+)", log)
            validated = re.findall(r"Path validation against path \{local:\S+, remote:\[127\.0\.0\.1\]:(\d+)\} "
                                   r"succeeded", log)
            require(first and any(p != first.group(1) for p in validated),
                    "validated no new client address (the client started from port %s)"
                    % (first.group(1) if first else "?"))
        self.check_case(result, None)

    def check_gtlsserver_resumed(self, log, require):
        """Two connections; the second's ClientHello offers a PSK and gtlsserver answers it with a Handshake
        flight shorter than the leaf certificate alone, so no Certificate message: the session was resumed."""
        flights = {}  # connection ID -> bytes of Handshake CRYPTO sent
        for connection, offset, length in re.findall(
                r"^I\d{8} 0x([0-9a-f]+) frm tx \d+ Handshake CRYPTO\(0x06\) offset=(\d+) len=(\d+)", log, re.M):
            flights[connection] = max(flights.get(connection, 0), int(offset) + int(length))
        require(len(flights) >= 2, "saw %d handshake(s), expected two" % len(flights))
        last = list(flights)[-1]
        hello = handshake_messages(ngtcp2_crypto(log).get(last, {}).get("Initial", b""))
        require(hello and hello[0][0] == CLIENT_HELLO, "the second connection's ClientHello is not in the dump")
        offered = hello_extensions(CLIENT_HELLO, hello[0][1])
        require(PRE_SHARED_KEY in offered, "the second ClientHello offers no pre_shared_key")
        if self.case == "zerortt":
            require(EARLY_DATA in offered, "the second ClientHello does not offer early_data")
        leaf = self.context.pki["leafDERLength"]
        sizes = list(flights.values())
        require(sizes[0] > leaf and sizes[-1] < leaf,
                "sent %d then %d bytes of Handshake messages; a full handshake carries the %d-byte leaf, a "
                "resumed one does not" % (sizes[0], sizes[-1], leaf))

    def run_gtlsclient(self):
        """gtlsclient against the subject's server with ALPN h3, run once (twice for resumption and 0-RTT), each
        run ending in an idle close. Judged from gtlsclient's log, including its decrypted CRYPTO dump."""
        port = free_udp_port()
        case = self.case
        server_process = Process("server", self.subject.server_command(port, case, "h3", qlog=case == "zerortt"),
                                 self.directory)
        wait_listening(server_process)
        uris = []
        options = ["--timeout=1s"]
        if case == "chacha20":
            options.append("--ciphers=" + CHACHA20_ONLY)
        elif case in ("resumption", "zerortt"):
            options += ["--session-file=session.pem", "--tp-file=transport-parameters.pem"]
            if case == "resumption":
                options.append("--disable-early-data")
        elif case == "keyupdate":
            # gtlsclient sends nothing after the update by itself: the request (which the server leaves
            # unanswered) goes after it, under the new keys, and is acknowledged under them.
            options += ["--key-update=200ms", "--delay-stream=400ms"]
            uris.append("https://127.0.0.1:%d/" % port)
        elif case == "migration":
            options += ["--change-local-addr=200ms", "--delay-stream=400ms"]
            uris.append("https://127.0.0.1:%d/" % port)

        first = self.gtlsclient("client", port, options, uris)
        self.check_gtlsclient_certificate(first)
        log = first
        if case in ("resumption", "zerortt"):
            if not os.path.getsize(os.path.join(self.directory, "session.pem")):
                raise CellFailure("gtlsclient stored no session ticket from the first connection")
            log = self.gtlsclient("client-resumed", port, options, uris)
            if not ServerFlight(log).resumed:
                raise CellFailure("second gtlsclient connection: the server did not resume the session "
                                  "(no pre_shared_key in ServerHello, or a Certificate followed)")
        time.sleep(0.2)
        server_alive = server_process.alive()
        server_code = server_process.stop()  # before reading its qlog / connection summaries
        if case == "zerortt":
            self.check_gtlsclient_zero_rtt(log, ServerFlight(log), server_process)

        def require(condition, message):
            if not condition:
                raise CellFailure("gtlsclient: " + message)

        if case == "chacha20":
            require("Negotiated cipher suite is CHACHA20-POLY1305" in log, "did not negotiate CHACHA20-POLY1305")
        elif case == "retry":
            require(re.search(r"pkt rx .* type=Retry", log), "received no Retry packet")
        elif case == "keyupdate":
            require("Initiate key update" in log, "did not start the key update")
            require(re.search(r"pkt tx .* type=1RTT k=1", log), "sent no packet under updated keys (k=1)")
            require(re.search(r"pkt rx .* type=1RTT k=1", log), "received no packet under updated keys (k=1)")
            require("key update confirmed" in log, "never saw its key update confirmed")
        elif case == "migration":
            moved = re.search(r"Local address is now (\[[0-9.]+\]:\d+)", log)
            require(moved, "did not change its local address")
            after = log[moved.end():]
            address = re.escape(moved.group(1))
            require(re.search(r"Path validation against path \{local:%s, remote:\S+\} succeeded" % address, after),
                    "its path validation from %s did not succeed" % moved.group(1))
            require(re.search(r"frm rx \d+ 1RTT PATH_CHALLENGE", after),
                    "the server did not validate the new path (no PATH_CHALLENGE after the change)")
            require(len(re.findall(r"Received packet: local=%s " % address, after)) >= 2,
                    "received almost nothing at the new address")
        if not server_alive or server_code != 0:
            raise CellFailure("the server exited with code %s" % server_code)
        connections = self.subject.connections(server_process)
        if connections is not None and not any(c.get("handshake") for c in connections):
            raise CellFailure("the server logged no completed handshake")

    def gtlsclient(self, name, port, options, uris):
        """Runs gtlsclient once; checks the handshake completed and was confirmed with ALPN h3; returns its log."""
        process = Process(name, ["gtlsclient", "--no-http-dump", "--handshake-timeout=10s"] + options
                          + ["127.0.0.1", str(port)] + uris, self.directory)
        code = process.wait(self.context.args.timeout)
        log = process.output() + process.errors()
        if code != 0:
            raise CellFailure("%s exited with code %s: %s" % (name, code, last_line(log)))
        for line in ["QUIC handshake has completed", "QUIC handshake has been confirmed", "Negotiated ALPN is h3"]:
            if line not in log:
                raise CellFailure("%s did not log %r" % (name, line))
        return log

    def check_gtlsclient_certificate(self, log):
        """gtlsclient does not verify the server's certificate: the runner verifies the chain it received."""
        chain = ServerFlight(log).chain()
        if chain is None:
            raise CellFailure("gtlsclient received no Certificate message in a full handshake")
        verify_server_chain(chain, self.context.pki["ca"], "127.0.0.1")

    def check_gtlsclient_zero_rtt(self, log, flight, server_process):
        if "Early data was rejected by server" in log or not flight.early_data_accepted:
            raise CellFailure("second gtlsclient connection: the server rejected 0-RTT")
        if not re.search(r"frm tx \d+ 0RTT STREAM\(", log):
            raise CellFailure("second gtlsclient connection sent no STREAM frame in 0-RTT")
        dcid = re.search(r"pkt tx pkn=\d+ dcid=0x([0-9a-f]+) .*type=Initial", log)
        received = self.subject.received_zero_rtt(server_process, self.directory, dcid.group(1) if dcid else "")
        if received is False:
            raise CellFailure("the server took in no 0-RTT packet on the resumed connection")


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
            print("n/a (%d cells: %s): %s" % (len(where), ", ".join(where), reason))
    print()
    for row in rows:
        print("certificates, %s: %s" % (row["label"], row["verification"]))
    notes = [(row, case) for row in rows for case in cases if row["cells"][case].get("notes")]
    for row, case in notes:
        print("note %s / %s: %s" % (row["label"], case, "; ".join(row["cells"][case]["notes"])))
    failures = [(row, case) for row in rows for case in cases if row["cells"][case]["status"] == "FAIL"]
    if failures:
        print()
        for row, case in failures:
            cell = row["cells"][case]
            where = "  [logs: %s]" % cell["logs"] if cell["logs"] else ""
            print("FAIL %s / %s: %s%s" % (row["label"], case, cell["detail"], where))


def parse_list(text, allowed, what):
    items = [item.strip() for item in text.split(",") if item.strip()]
    unknown = [item for item in items if item not in allowed]
    if unknown or not items:
        raise SystemExit("unknown %s: %s (choose from %s)" % (what, ", ".join(unknown) or "(none)",
                                                              ",".join(allowed)))
    return items


def check_tables():
    """The tables name only known peers, roles and cases, and every n/a has a reason."""
    problems = []
    for table in (EXPECTED_PASS, NOT_APPLICABLE, SELF_TEST_EXPECTED_PASS, SELF_TEST_NOT_APPLICABLE, VERIFICATION):
        for (peer, role), cases in table.items():
            if peer not in PEERS or role not in ROLES:
                problems.append("unknown row %s/%s" % (peer, role))
            if isinstance(cases, str):
                continue
            problems += ["%s/%s: unknown case %r" % (peer, role, c) for c in cases if c not in CASES]
    for table in (NOT_APPLICABLE, SELF_TEST_NOT_APPLICABLE):
        for (peer, role), reasons in table.items():
            problems += ["%s/%s/%s: n/a without a reason" % (peer, role, c)
                         for c, reason in reasons.items() if not str(reason).strip()]
    return problems


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
    parser.add_argument("--attempts", type=int, default=2,
                        help="runs of a failing cell before it counts as failed (1: no second run)")
    parser.add_argument("--qlog", action="store_true", help="have mpquic write qlog files into each cell's folder")
    args = parser.parse_args(argv)
    peers = parse_list(args.peers, PEERS, "peers")
    roles = parse_list(args.roles, ROLES, "roles")
    cases = parse_list(args.cases, CASES, "cases")
    problems = check_tables()
    if problems:
        parser.error("the expectation tables in run.py are broken: " + "; ".join(problems))
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

    if args.attempts < 1:
        parser.error("--attempts must be at least 1")
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
                expected, not_applicable = expectations(peer, role, args.self_test)
                row = {"peer": peer, "role": role, "subject": subject.name, "label": label, "cells": {},
                       "verification": VERIFICATION.get((peer, role), "?")}
                rows.append(row)
                for case in cases:
                    cell = Cell(context, peer, role, case, subject)
                    over_budget = time.monotonic() - started > args.budget
                    row["cells"][case] = run_cell(cell, case in expected, not_applicable.get(case), over_budget,
                                                  args.budget, args.attempts)
    finally:
        Process.stop_all()

    elapsed = time.monotonic() - started
    subject_label = "aioquic/qh3 stand-ins (self-test)" if args.self_test else args.mpquic
    print_matrix(rows, cases, subject_label)
    counts = {status: sum(1 for row in rows for cell in row["cells"].values() if cell["status"] == status)
              for status in ("pass", "n/a", "FAIL")}
    subset = [what for what, chosen, every in (("peers", peers, PEERS), ("roles", roles, ROLES),
                                                ("cases", cases, CASES)) if chosen != every]
    summary = {"subject": subject_label, "selfTest": args.self_test, "cases": cases, "rows": rows,
               "passed": counts["pass"], "failed": counts["FAIL"], "notApplicable": counts["n/a"],
               "subsetOf": subset, "seconds": round(elapsed, 1),
               "expectedPass": {"%s/%s" % key: sorted(value, key=CASES.index)
                                for key, value in EXPECTED_PASS.items()},
               "notApplicableReasons": {"%s/%s" % key: value for key, value in NOT_APPLICABLE.items()}}
    with open(os.path.join(args.work, "matrix.json"), "w") as handle:
        json.dump(summary, handle, indent=2)
    print()
    print("interop matrix took %.1f s; written to %s%s" % (
        elapsed, os.path.join(args.work, "matrix.json"),
        " (only some %s were run)" % " and ".join(subset) if subset else ""))
    retried = sum(1 for row in rows for cell in row["cells"].values()
                  if cell["status"] == "pass" and len(cell.get("attempts") or []) > 1)
    if retried:
        print("interop: %d of the passed cells passed only on a later attempt (see the notes)" % retried)
    print("interop: %d passed, %d not applicable (reasons listed), %d failed"
          % (counts["pass"], counts["n/a"], counts["FAIL"]))
    return 1 if counts["FAIL"] else 0


def run_cell(cell, expected, not_applicable, over_budget, budget, attempts):
    """Runs one cell, or skips it, and judges the outcome against the expectations. A failed cell runs again, up
    to `attempts` times in all: on a busy machine a peer or mpquic can be starved long enough to lose a race
    (0-RTT requests that leave after the handshake completed); a pass after a failure says so in the notes and
    keeps the failed attempt's logs beside the cell's."""
    def report(status, detail, seconds=0.0, logs=None):
        shown = status if len(tries) <= 1 or status != "pass" else "pass (attempt %d)" % len(tries)
        print("%-8s %-8s %-14s %-5s %5.1fs %s" % (cell.peer, cell.role, cell.case, shown, seconds, detail),
              flush=True)
        return {"status": status, "detail": detail, "seconds": seconds, "logs": logs, "notes": cell.notes,
                "attempts": tries, "expected": "pass" if expected else ("n/a" if not_applicable else None)}

    tries = []
    if not_applicable and expected:
        return report("FAIL", "listed both in EXPECTED_PASS and in NOT_APPLICABLE (%s): a cell that became n/a "
                              "must leave EXPECTED_PASS too" % not_applicable)
    if not_applicable:
        return {"status": "n/a", "detail": not_applicable, "seconds": 0, "logs": None, "notes": [],
                "expected": "n/a"}
    if over_budget:
        return report("FAIL", "not run: the %.0f s budget was used up" % budget)
    started = time.monotonic()
    while True:
        status, detail = "pass", ""
        try:
            cell.run()
        except CellFailure as failure:
            status, detail = "FAIL", str(failure)
        except Exception as error:  # a runner bug must show as a failed cell, not end the matrix
            status, detail = "FAIL", "runner error: %s: %s" % (type(error).__name__, error)
        tries.append(detail or "pass")
        if status == "pass" or len(tries) >= attempts or not expected:
            break
        kept = "%s.attempt%d" % (cell.directory, len(tries))
        shutil.rmtree(kept, ignore_errors=True)
        os.rename(cell.directory, kept)
    seconds = round(time.monotonic() - started, 2)
    if status == "pass" and len(tries) > 1:
        cell.notes.append("passed on attempt %d; before: %s" % (len(tries), "; ".join(tries[:-1])))
    if not expected:
        detail = ("neither in EXPECTED_PASS nor in NOT_APPLICABLE (it %s%s): list it in one of them"
                  % ("passed" if status == "pass" else "failed", ": " + detail if detail else ""))
        status = "FAIL"
    return report(status, detail, seconds, cell.directory)


if __name__ == "__main__":
    sys.exit(main())
