"""Chia interop peer for dig-node, built from chia-blockchain's own code.

Modes (all print one JSON object per line on stdout; diagnostics go to stderr):

  init   --root DIR --network-id ID
         `chia init` into DIR (a private CHIA_ROOT) and rewrite its config for a private,
         loopback-only network named ID. Prints the CA and leaf paths a peer must use.

  listen --root DIR --network-id ID [--port P] [--timeout S] [--in-process]
         Default: runs a real Chia full node process (`chia_full_node`) with that root. It
         accepts peers on --port (0 = any free port), completes the handshake and answers
         RequestPeers with RespondPeers from its own address manager.
         --in-process: a ChiaServer (Chia's own server and connection classes) with a small
         full-node API that answers RequestPeers with the --advertise list; used where the
         whole process cannot run, and as a byte-capturing listener.

  dial   --root DIR --network-id ID --addr 127.0.0.1:P [--timeout S] [--capture DIR]
         A ChiaServer (local type FULL_NODE, certificates of DIR) dials the address with
         `ChiaServer.start_client`, completes Chia's handshake, sends RequestPeers through
         `WSChiaConnection.call_api` and prints the RespondPeers it gets. --capture writes the
         raw bytes of every WebSocket frame received (hex) for golden vectors.

  dial --process ...
         A real Chia full node process with `full_node_peers` = [ADDR] dials the address; its
         own node discovery sends RequestPeers on connect. Success is read from its log.

Exit status: 0 = the promised exchange completed, 1 = it did not (the JSON says why),
2 = bad arguments. Every mode is bounded by --timeout.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import re
import signal
import subprocess
import sys
import time
from collections import deque
from pathlib import Path
from typing import Any

from chia_rs.sized_ints import uint16, uint64

from chia.protocols import full_node_protocol, introducer_protocol
from chia.protocols.outbound_message import Message, make_msg
from chia.protocols.protocol_message_types import ProtocolMessageTypes
from chia.server.api_protocol import ApiMetadata
from chia.server.ws_connection import WSChiaConnection
from chia.types.peer_info import TimestampedPeerInfo

VENV_BIN = Path(sys.executable).parent


def emit(event: str, **fields: Any) -> None:
    sys.stdout.write(json.dumps({"event": event, **fields}, sort_keys=False) + "\n")
    sys.stdout.flush()


def chia_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["CHIA_ROOT"] = str(root)
    env["CHIA_KEYS_ROOT"] = str(root / "keys")
    return env


# --------------------------------------------------------------------------------------------
# init: chia init + private loopback network config
# --------------------------------------------------------------------------------------------


def init_root(root: Path, network_id: str, port: int, peers: list[tuple[str, int]]) -> dict[str, str]:
    """Creates (once) a CHIA_ROOT and points its full node at a private loopback network."""
    root.mkdir(parents=True, exist_ok=True)
    if not (root / "config" / "config.yaml").exists():
        started = time.monotonic()
        result = subprocess.run(
            [str(VENV_BIN / "chia"), "init"],
            env=chia_env(root),
            capture_output=True,
            text=True,
            timeout=120,
        )
        if result.returncode != 0:
            raise RuntimeError(f"chia init failed ({result.returncode}): {result.stderr.strip()}")
        emit("chia_init", root=str(root), seconds=round(time.monotonic() - started, 2))

    from chia.util.config import load_config, save_config

    config = load_config(root, "config.yaml")
    config["selected_network"] = network_id
    overrides = config["network_overrides"]
    # Mainnet consensus constants under a private name: the handshake's network_id is the name.
    overrides["constants"][network_id] = dict(overrides["constants"]["mainnet"])
    overrides["config"][network_id] = {"address_prefix": "xch", "default_full_node_port": port or 8444}
    # Nothing may leave loopback: no daemon, no RPC, no UPnP, no DNS seeders, no public introducer.
    config["daemon_port"] = free_port()
    full_node = config["full_node"]
    full_node["selected_network"] = network_id
    full_node["port"] = port
    full_node["enable_upnp"] = False
    full_node["start_rpc_server"] = False
    full_node["dns_servers"] = []
    # The introducer is only consulted when the address book is empty; pointing it at our own
    # port makes Chia skip it as a self-connection. enable_private_networks lets loopback
    # addresses into the address manager, so RespondPeers can carry 127.0.0.1 entries.
    full_node["introducer_peer"] = {"host": "127.0.0.1", "port": port, "enable_private_networks": True}
    # Peers to dial are seeded into the address book (db/peers.dat), not `full_node_peers`: only
    # connections made by node discovery run FullNodePeers.on_connect, which sends RequestPeers.
    full_node["full_node_peers"] = []
    full_node["target_outbound_peer_count"] = len(peers)
    if peers:
        seed_address_book(root / full_node.get("peers_file_path", "db/peers.dat"), peers)
    full_node["exempt_peer_networks"] = ["127.0.0.0/8"]
    full_node["multiprocessing_start_method"] = "spawn"
    full_node["reserved_cores"] = 1
    full_node["logging"] = dict(full_node.get("logging", {}), log_stdout=True, log_level="DEBUG")
    for service in ("introducer", "wallet", "farmer", "harvester", "timelord", "seeder", "data_layer"):
        if service in config and isinstance(config[service], dict) and "selected_network" in config[service]:
            config[service]["selected_network"] = network_id
    save_config(root, "config.yaml", config)

    ssl = root / "config" / "ssl"
    paths = {
        "chia_ca_crt": str(ssl / "ca" / "chia_ca.crt"),
        "chia_ca_key": str(ssl / "ca" / "chia_ca.key"),
        "private_ca_crt": str(ssl / "ca" / "private_ca.crt"),
        "private_ca_key": str(ssl / "ca" / "private_ca.key"),
        "full_node_crt": str(ssl / "full_node" / "public_full_node.crt"),
        "full_node_key": str(ssl / "full_node" / "public_full_node.key"),
    }
    emit("root", root=str(root), network_id=network_id, **paths)
    return paths


def seed_address_book(path: Path, peers: list[tuple[str, int]]) -> None:
    """Writes a Chia address book (Chia's own AddressManager serialization) holding `peers`."""
    from chia.server.address_manager import AddressManager
    from chia.types.peer_info import PeerInfo

    manager = AddressManager()
    manager.make_private_subnets_valid()
    now = uint64(int(time.time()))
    for host, port in peers:
        manager.add_to_new_table_(TimestampedPeerInfo(host, uint16(port), now), PeerInfo(host, uint16(port)), 0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(manager.serialize_bytes())
    emit("address_book_seeded", path=str(path), peers=[f"{h}:{p}" for h, p in peers])


def free_port() -> int:
    """A port free on 127.0.0.1 now, below Linux's ephemeral range (32768-60999).

    Chia binds it seconds later; a port the kernel handed out (bind to 0) could by then be taken as
    the local end of some other process's outbound connection, which never picks from below the range.
    """
    import random
    import socket

    for _ in range(200):
        port = random.randint(20000, 32767)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port on 127.0.0.1 in 20000-32767")


# --------------------------------------------------------------------------------------------
# real full node process (listen, or dial --process)
# --------------------------------------------------------------------------------------------

LOG_PATTERNS = [
    ("listening", re.compile(r"Started listening on port: (\d+)")),
    ("connected_outbound", re.compile(r"Connected with full_node .*?(\d+\.\d+\.\d+\.\d+)[^0-9]+(\d+)")),
    ("respond_peers_received", re.compile(r"Received (\d+) peers$")),
    ("sent", re.compile(r"-> (\w+) to peer (\S+)")),
    ("received", re.compile(r"<- (\w+) from peer (\S+)")),
    ("connection_closed", re.compile(r"Connection closed: (\S+), node id")),
    ("handshake_error", re.compile(r"(Invalid handshake|Incompatible network ID|Handshake timeout).*")),
    ("exception", re.compile(r"(Exception .*)")),
]


async def run_process(args: argparse.Namespace, dial_target: tuple[str, int] | None) -> int:
    root = Path(args.root)
    # A dialing node still listens (Chia always does); a fixed free port lets the introducer
    # entry point at the node itself, which Chia skips as a self-connection.
    port = args.port if dial_target is None else (args.port or free_port())
    init_root(root, args.network_id, port, [dial_target] if dial_target else [])
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        str(VENV_BIN / "chia_full_node"),
        env=chia_env(root),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
        start_new_session=True,
        preexec_fn=die_with_parent,
    )
    emit("process_started", pid=process.pid, command="chia_full_node")
    log_file = open(root / "full_node_stdout.log", "w", encoding="utf-8")
    last_lines: deque[str] = deque(maxlen=40)
    success = False
    assert process.stdout is not None
    try:
        deadline = started + args.timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                emit("timeout", seconds=args.timeout)
                break
            try:
                raw = await asyncio.wait_for(process.stdout.readline(), timeout=remaining)
            except asyncio.TimeoutError:
                emit("timeout", seconds=args.timeout)
                break
            if not raw:
                returncode = await process.wait()
                # A node that dies before it listens says why only in its own output: carry the tail.
                emit("process_exited", returncode=returncode, **({"log_tail": list(last_lines)} if returncode else {}))
                break
            line = raw.decode("utf-8", "replace").rstrip()
            log_file.write(line + "\n")
            last_lines.append(line[-400:])
            for name, pattern in LOG_PATTERNS:
                match = pattern.search(line)
                if match is None:
                    continue
                if name == "listening":
                    emit("listening", port=int(match.group(1)), seconds=round(time.monotonic() - started, 2))
                    success = dial_target is None or success
                elif name == "connected_outbound":
                    emit("connected", host=match.group(1), port=int(match.group(2)))
                elif name == "respond_peers_received":
                    emit("respond_peers", count=int(match.group(1)))
                    if dial_target is not None:
                        success = True
                        if not args.keep_running:
                            return 0
                elif name in ("sent", "received"):
                    emit(name, message=match.group(1), peer=match.group(2))
                    if dial_target is not None and name == "received" and match.group(1) == "respond_peers":
                        success = True
                        if not args.keep_running:
                            return 0
                else:
                    emit(name, line=line[-300:])
                break
    finally:
        log_file.close()
        await stop_process(process)
    return 0 if success else 1


def die_with_parent() -> None:
    """Linux PR_SET_PDEATHSIG: the full node gets SIGTERM if this harness dies, even by SIGKILL."""
    import ctypes

    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)


async def stop_process(process: asyncio.subprocess.Process) -> None:
    if process.returncode is not None:
        return
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        await asyncio.wait_for(process.wait(), timeout=15)
    except asyncio.TimeoutError:
        os.killpg(process.pid, signal.SIGKILL)
        await process.wait()
    emit("process_stopped", returncode=process.returncode)


# --------------------------------------------------------------------------------------------
# Chia's own server/connection classes, in this process
# --------------------------------------------------------------------------------------------


class FrameCapture:
    """Wraps a Chia connection's aiohttp WebSocket to record raw binary frames, both ways."""

    def __init__(self, ws: Any, sink: list[dict[str, Any]]) -> None:
        self._ws = ws
        self._sink = sink

    def __getattr__(self, name: str) -> Any:
        return getattr(self._ws, name)

    async def receive(self, *args: Any, **kwargs: Any) -> Any:
        message = await self._ws.receive(*args, **kwargs)
        if isinstance(message.data, (bytes, bytearray)):
            self._sink.append({"direction": "received", "hex": bytes(message.data).hex()})
        return message

    async def send_bytes(self, data: bytes, *args: Any, **kwargs: Any) -> Any:
        self._sink.append({"direction": "sent", "hex": bytes(data).hex()})
        return await self._ws.send_bytes(data, *args, **kwargs)


def install_capture(sink: list[dict[str, Any]]) -> None:
    from chia.server import ws_connection

    original = ws_connection.WSChiaConnection.create.__func__  # type: ignore[attr-defined]

    def create(cls: Any, *args: Any, **kwargs: Any) -> Any:
        kwargs["ws"] = FrameCapture(kwargs["ws"], sink)
        return original(cls, *args, **kwargs)

    ws_connection.WSChiaConnection.create = classmethod(create)  # type: ignore[method-assign]


class InteropFullNodeAPI:
    """A minimal full-node peer API: answers RequestPeers, records what arrives."""

    log = logging.getLogger("interop.api")
    metadata = ApiMetadata()

    def __init__(self, advertise: list[tuple[str, int]]) -> None:
        self.advertise = advertise

    def ready(self) -> bool:
        return True

    def peers(self) -> list[TimestampedPeerInfo]:
        now = uint64(int(time.time()))
        return [TimestampedPeerInfo(host, uint16(port), now) for host, port in self.advertise]

    @metadata.request(peer_required=True, reply_types=[ProtocolMessageTypes.respond_peers])
    async def request_peers(self, request: full_node_protocol.RequestPeers, peer: WSChiaConnection) -> Message | None:
        emit("request_peers_received", peer=peer.peer_info.host)
        return make_msg(ProtocolMessageTypes.respond_peers, full_node_protocol.RespondPeers(self.peers()))

    @metadata.request(peer_required=True)
    async def respond_peers(self, request: full_node_protocol.RespondPeers, peer: WSChiaConnection) -> Message | None:
        emit("respond_peers_unsolicited", peers=[peer_json(p) for p in request.peer_list])
        return None

    @metadata.request(peer_required=True, reply_types=[ProtocolMessageTypes.respond_peers_introducer])
    async def request_peers_introducer(
        self, request: introducer_protocol.RequestPeersIntroducer, peer: WSChiaConnection
    ) -> Message | None:
        emit("request_peers_introducer_received", peer=peer.peer_info.host)
        return make_msg(
            ProtocolMessageTypes.respond_peers_introducer,
            introducer_protocol.RespondPeersIntroducer(self.peers()),
        )


def make_api(advertise: list[tuple[str, int]]) -> InteropFullNodeAPI:
    return InteropFullNodeAPI(advertise)


def peer_json(p: Any) -> dict[str, Any]:
    return {"host": p.host, "port": int(p.port), "timestamp": int(p.timestamp)}


class NoChainNode:
    """The `node` ChiaServer consults on inbound connections to a FULL_NODE (its hard-fork check
    reads `blockchain.get_peak_height()`): this harness holds no chain, so there is no peak."""

    class blockchain:  # noqa: N801 - mirrors FullNode.blockchain
        @staticmethod
        def get_peak_height() -> None:
            return None


def make_server(root: Path, network_id: str, port: int | None, api: Any) -> Any:
    from chia.apis import StubMetadataRegistry
    from chia.protocols.outbound_message import NodeType
    from chia.protocols.shared_protocol import default_capabilities
    from chia.server.server import ChiaServer
    from chia.server.ssl_context import chia_ssl_ca_paths, private_ssl_ca_paths
    from chia.util.config import load_config

    config = load_config(root, "config.yaml")
    return ChiaServer.create(
        port,
        NoChainNode(),
        api,
        NodeType.FULL_NODE,
        config["ping_interval"],
        network_id,
        config["inbound_rate_limit_percent"],
        config["outbound_rate_limit_percent"],
        default_capabilities[NodeType.FULL_NODE],
        root,
        config["full_node"],
        private_ssl_ca_paths(root, config),
        chia_ssl_ca_paths(root, config),
        stub_metadata_for_type=StubMetadataRegistry,
        name="interop_server",
    )


def connection_json(connection: Any) -> dict[str, Any]:
    return {
        "peer_host": connection.peer_info.host,
        "peer_port": int(connection.peer_info.port),
        "peer_server_port": None if connection.peer_server_port is None else int(connection.peer_server_port),
        "node_type": None if connection.connection_type is None else int(connection.connection_type.value),
        "software_version": connection.version,
        "protocol_version": str(connection.protocol_version),
        "capabilities": sorted(int(c.value) for c in connection.peer_capabilities),
        "peer_node_id": connection.peer_node_id.hex(),
    }


async def dial_in_process(args: argparse.Namespace) -> int:
    from chia.apis import FullNodeApiStub
    from chia.protocols import full_node_protocol
    from chia.types.peer_info import PeerInfo

    host, port = parse_addr(args.addr)
    root = Path(args.root)
    init_root(root, args.network_id, 0, [])
    frames: list[dict[str, Any]] = []
    install_capture(frames)
    server = make_server(root, args.network_id, None, make_api(args.advertise))
    ok = False
    try:
        connected = await server.start_client(PeerInfo(host, port))
        if not connected:
            emit("error", stage="connect", error="ChiaServer.start_client refused or failed (see stderr log)")
            return 1
        connection = next(iter(server.all_connections.values()))
        emit("handshake", **connection_json(connection))
        response = await connection.call_api(
            FullNodeApiStub.request_peers, full_node_protocol.RequestPeers(), timeout=args.request_timeout
        )
        if response is None:
            emit("error", stage="request_peers", error="no RespondPeers within the timeout")
        elif not isinstance(response, full_node_protocol.RespondPeers):
            emit("error", stage="request_peers", error=f"unexpected reply {type(response).__name__}: {response}")
        else:
            emit("respond_peers", peers=[peer_json(p) for p in response.peer_list])
            ok = True
        await connection.close()
    finally:
        server.close_all()
        await server.await_closed()
        for frame in frames:
            emit("frame", **frame)
        if args.capture:
            Path(args.capture).mkdir(parents=True, exist_ok=True)
            (Path(args.capture) / "frames.jsonl").write_text("".join(json.dumps(f) + "\n" for f in frames))
    return 0 if ok else 1


async def listen_in_process(args: argparse.Namespace) -> int:
    root = Path(args.root)
    init_root(root, args.network_id, args.port, [])
    frames: list[dict[str, Any]] = []
    install_capture(frames)
    connected = asyncio.Event()

    async def on_connect(connection: Any) -> None:
        emit("handshake", **connection_json(connection))
        connected.set()

    server = make_server(root, args.network_id, args.port, make_api(args.advertise))
    # ChiaServer binds every interface (hostname ""); the harness only ever talks over loopback.
    await server.start(prefer_ipv6=False, on_connect=on_connect)
    emit("listening", port=server.get_port())
    try:
        await asyncio.wait_for(connected.wait(), timeout=args.timeout)
        # Serve until the peer disconnects or the timeout ends.
        while server.all_connections:
            await asyncio.sleep(0.1)
        emit("peer_disconnected")
        return 0
    except asyncio.TimeoutError:
        emit("timeout", seconds=args.timeout)
        return 1
    finally:
        server.close_all()
        await server.await_closed()
        for frame in frames:
            emit("frame", **frame)


def parse_addr(text: str) -> tuple[str, int]:
    host, _, port = text.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError(f"expected HOST:PORT, got {text!r}")
    return host, int(port)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["init", "listen", "dial"])
    parser.add_argument("--root", required=True, help="CHIA_ROOT to create or reuse")
    parser.add_argument("--network-id", required=True)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--addr", help="HOST:PORT to dial")
    parser.add_argument("--timeout", type=float, default=60.0)
    parser.add_argument("--request-timeout", type=int, default=15)
    parser.add_argument("--advertise", type=parse_addr, action="append", default=[])
    parser.add_argument("--in-process", action="store_true")
    parser.add_argument("--process", action="store_true")
    parser.add_argument("--keep-running", action="store_true",
                        help="dial --process: keep the full node running after the exchange (until --timeout)")
    parser.add_argument("--capture")
    parser.add_argument("--log-level", default="WARNING")
    args = parser.parse_args()
    logging.basicConfig(level=args.log_level, stream=sys.stderr, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    if args.mode == "init":
        init_root(Path(args.root), args.network_id, args.port, [])
        return 0
    if args.mode == "dial" and not args.addr:
        parser.error("dial needs --addr")

    async def run() -> int:
        if args.mode == "listen":
            return await (listen_in_process(args) if args.in_process else run_process(args, None))
        if args.process:
            return await run_process(args, parse_addr(args.addr))
        return await asyncio.wait_for(dial_in_process(args), timeout=args.timeout)

    async def run_until_signalled() -> int:
        # SIGTERM/SIGINT cancel the run so every `finally` (stopping the full node, closing the
        # server) executes before the harness exits.
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        assert task is not None
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        try:
            return await run()
        except asyncio.CancelledError:
            emit("stopped", reason="signal")
            # A listener's job is to serve until told to stop; the dialing side judges the exchange.
            return 0 if args.mode == "listen" else 1

    try:
        code = asyncio.run(run_until_signalled())
    except asyncio.TimeoutError:
        emit("timeout", seconds=args.timeout)
        code = 1
    except Exception as e:  # the JSON stream must say why it failed
        emit("error", stage="harness", error=f"{type(e).__name__}: {e}")
        code = 1
    emit("done", ok=code == 0)
    return code


if __name__ == "__main__":
    sys.exit(main())
