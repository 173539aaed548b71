//! dig-interop-peer: a real DIG wire peer for dig-node's interop tests.
//!
//! Frames are encoded and decoded by `dig-peer-protocol` (`DigMessage`, `DigLink`,
//! `RegisterPeer`/`RegisterAck`), bodies by `chia-protocol` (`Handshake`, `RequestPeers`,
//! `RespondPeers`) and the default certificate comes from `chia-ssl` (an RSA-2048 leaf signed by
//! the public Chia CA, exactly what dig-gossip presents on its WSS path). The program does TLS and
//! the WebSocket upgrade itself (rustls with the ring provider) so that it can both dial and
//! listen, then hands the socket to `DigLink`.
//!
//! Modes:
//!   dial   --addr 127.0.0.1:PORT --network-id ID [options]
//!          TLS (client cert) -> wss://ADDR/ws -> Handshake -> RequestPeers -> DIG opcode frame.
//!   listen --port PORT --network-id ID [options]
//!          accept one dialer, answer its Handshake, RequestPeers (43), RequestPeersIntroducer (63)
//!          and RegisterPeer (218), optionally send it a DIG frame, exit when it disconnects.
//!
//! Everything observable is printed as one JSON object per line on stdout; diagnostics go to
//! stderr. Exit status 0 means the exchange the mode promises completed; 1 means it did not;
//! 2 means bad arguments. Every wait is bounded by --timeout-secs.

use std::{
    net::SocketAddr,
    process::ExitCode,
    sync::{
        atomic::{AtomicBool, Ordering},
        Arc,
    },
    time::{Duration, SystemTime, UNIX_EPOCH},
};

use chia_protocol::{Handshake, NodeType, RequestPeers, RespondPeers, TimestampedPeerInfo};
use chia_traits::Streamable;
use dig_peer_protocol::{
    DigLink, DigMessage, LinkOptions, RegisterAck, RegisterPeer,
    RespondPeersIntroducer,
};
use rustls::{
    client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier},
    crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider},
    pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime},
    server::danger::{ClientCertVerified, ClientCertVerifier},
    DigitallySignedStruct, DistinguishedName, SignatureScheme,
};
use serde_json::{json, Value};
use tokio::{net::TcpListener, net::TcpStream, sync::mpsc, time::timeout};
use tokio_rustls::{TlsAcceptor, TlsConnector};

const HANDSHAKE: u8 = 1;
const REQUEST_PEERS: u8 = 43;
const RESPOND_PEERS: u8 = 44;
const REQUEST_PEERS_INTRODUCER: u8 = 63;
const RESPOND_PEERS_INTRODUCER: u8 = 64;
const REGISTER_PEER: u8 = 218;
const REGISTER_ACK: u8 = 219;
const PROTOCOL_VERSION: &str = "0.0.37";
/// Set once a listener has completed the handshake and answered a RequestPeers: from then on a
/// peer that simply keeps the connection open (as a Chia full node does) is a success.
static EXCHANGED: AtomicBool = AtomicBool::new(false);

const SOFTWARE_VERSION: &str = concat!("dig-interop-peer/", env!("CARGO_PKG_VERSION"));

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let options = match Options::parse(&args) {
        Ok(options) => options,
        Err(message) => {
            eprintln!("dig-interop-peer: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            emit(json!({"event": "error", "stage": "runtime", "error": error.to_string()}));
            return ExitCode::from(1);
        }
    };
    let deadline = Duration::from_secs(options.timeout_secs);
    let outcome = runtime.block_on(async {
        match timeout(deadline, run(&options)).await {
            Ok(result) => result,
            Err(_) if matches!(options.mode, Mode::Listen(_)) && EXCHANGED.load(Ordering::SeqCst) => {
                emit(json!({"event": "served", "until": "timeout"}));
                Ok(())
            }
            Err(_) => Err(Failure::new(
                "timeout",
                format!("gave up after {} s", options.timeout_secs),
            )),
        }
    });
    // Leaving the runtime must not wait for a peer that keeps its socket open.
    runtime.shutdown_timeout(Duration::from_millis(200));
    match outcome {
        Ok(()) => {
            emit(json!({"event": "done", "ok": true}));
            ExitCode::SUCCESS
        }
        Err(failure) => {
            emit(json!({"event": "error", "stage": failure.stage, "error": failure.message}));
            emit(json!({"event": "done", "ok": false}));
            ExitCode::from(1)
        }
    }
}

const USAGE: &str = "usage:
  dig-interop-peer dial   --addr HOST:PORT --network-id ID [common options]
                          [--dig-request 218|none] [--dig-send OPCODE:HEX]
  dig-interop-peer listen --port PORT --network-id ID [common options]
                          [--advertise HOST:PORT]... [--dig-send OPCODE:HEX]
common options:
  --cert FILE --key FILE   PEM leaf and PKCS#8 key to present (default: a fresh chia-ssl leaf
                           signed by the public Chia CA)
  --node-type N            handshake node type (default: 6 Wallet when dialing, 1 FullNode when
                           listening, as dig-gossip does)
  --server-port N          handshake server_port when dialing (default 0)
  --timeout-secs N         hard bound on the whole run (default 30)";

#[derive(Debug)]
enum Mode {
    Dial(SocketAddr),
    Listen(u16),
}

#[derive(Debug)]
struct Options {
    mode: Mode,
    network_id: String,
    cert: Option<(String, String)>,
    node_type: Option<u8>,
    server_port: u16,
    timeout_secs: u64,
    dig_request: bool,
    dig_send: Option<(u8, Vec<u8>)>,
    advertise: Vec<(String, u16)>,
}

impl Options {
    fn parse(args: &[String]) -> Result<Options, String> {
        let (command, rest) = args.split_first().ok_or("missing command")?;
        let mut addr = None;
        let mut port = None;
        let mut network_id = None;
        let mut cert = None;
        let mut key = None;
        let mut node_type = None;
        let mut server_port = 0u16;
        let mut timeout_secs = 30u64;
        let mut dig_request = true;
        let mut dig_send = None;
        let mut advertise = Vec::new();
        let mut iter = rest.iter();
        while let Some(flag) = iter.next() {
            let mut value = || {
                iter.next()
                    .cloned()
                    .ok_or_else(|| format!("{flag} needs a value"))
            };
            match flag.as_str() {
                "--addr" => {
                    let text = value()?;
                    addr = Some(
                        text.parse::<SocketAddr>()
                            .map_err(|e| format!("--addr {text}: {e}"))?,
                    );
                }
                "--port" => port = Some(parse_number(&value()?, "--port")?),
                "--network-id" => network_id = Some(value()?),
                "--cert" => cert = Some(value()?),
                "--key" => key = Some(value()?),
                "--node-type" => node_type = Some(parse_number(&value()?, "--node-type")?),
                "--server-port" => server_port = parse_number(&value()?, "--server-port")?,
                "--timeout-secs" => timeout_secs = parse_number(&value()?, "--timeout-secs")?,
                "--dig-request" => {
                    dig_request = match value()?.as_str() {
                        "218" => true,
                        "none" => false,
                        other => return Err(format!("--dig-request {other}: expected 218 or none")),
                    }
                }
                "--dig-send" => {
                    let text = value()?;
                    let (opcode, payload) = text
                        .split_once(':')
                        .ok_or_else(|| format!("--dig-send {text}: expected OPCODE:HEX"))?;
                    dig_send = Some((
                        parse_number(opcode, "--dig-send opcode")?,
                        decode_hex(payload).map_err(|e| format!("--dig-send {text}: {e}"))?,
                    ));
                }
                "--advertise" => {
                    let text = value()?;
                    let (host, port) = text
                        .rsplit_once(':')
                        .ok_or_else(|| format!("--advertise {text}: expected HOST:PORT"))?;
                    advertise.push((host.to_string(), parse_number(port, "--advertise port")?));
                }
                other => return Err(format!("unknown option {other}")),
            }
        }
        let mode = match command.as_str() {
            "dial" => Mode::Dial(addr.ok_or("dial needs --addr")?),
            "listen" => Mode::Listen(port.ok_or("listen needs --port")?),
            other => return Err(format!("unknown command {other}")),
        };
        let cert = match (cert, key) {
            (Some(cert), Some(key)) => Some((cert, key)),
            (None, None) => None,
            _ => return Err("--cert and --key go together".into()),
        };
        if timeout_secs == 0 {
            return Err("--timeout-secs must be positive".into());
        }
        Ok(Options {
            mode,
            network_id: network_id.ok_or("--network-id is required")?,
            cert,
            node_type,
            server_port,
            timeout_secs,
            dig_request,
            dig_send,
            advertise,
        })
    }
}

fn parse_number<T: std::str::FromStr>(text: &str, what: &str) -> Result<T, String> {
    text.parse::<T>()
        .map_err(|_| format!("{what}: '{text}' is not a valid number"))
}

struct Failure {
    stage: &'static str,
    message: String,
}

impl Failure {
    fn new(stage: &'static str, message: impl Into<String>) -> Failure {
        Failure {
            stage,
            message: message.into(),
        }
    }
}

fn at<E: std::fmt::Display>(stage: &'static str) -> impl Fn(E) -> Failure {
    move |error| Failure::new(stage, error.to_string())
}

async fn run(options: &Options) -> Result<(), Failure> {
    let identity = Identity::load(options)?;
    emit(json!({
        "event": "identity",
        "cert_sha256": hex(&chia_sha2::Sha256::digest_of(&identity.chain[0])),
        "source": if options.cert.is_some() { "files" } else { "chia-ssl generated" },
    }));
    match options.mode {
        Mode::Dial(addr) => dial(options, &identity, addr).await,
        Mode::Listen(port) => listen(options, &identity, port).await,
    }
}

struct Identity {
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
}

impl Identity {
    fn load(options: &Options) -> Result<Identity, Failure> {
        let (cert_pem, key_pem) = match &options.cert {
            Some((cert, key)) => (
                std::fs::read_to_string(cert).map_err(|e| Failure::new("cert", format!("{cert}: {e}")))?,
                std::fs::read_to_string(key).map_err(|e| Failure::new("cert", format!("{key}: {e}")))?,
            ),
            None => {
                let generated = chia_ssl::ChiaCertificate::generate().map_err(at("cert"))?;
                (generated.cert_pem, generated.key_pem)
            }
        };
        let chain = rustls_pemfile::certs(&mut cert_pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(at("cert"))?;
        if chain.is_empty() {
            return Err(Failure::new("cert", "no certificate in the PEM input"));
        }
        let key = rustls_pemfile::private_key(&mut key_pem.as_bytes())
            .map_err(at("cert"))?
            .ok_or_else(|| Failure::new("cert", "no private key in the PEM input"))?;
        Ok(Identity { chain, key })
    }
}

trait DigestOf {
    fn digest_of(bytes: &[u8]) -> [u8; 32];
}

impl DigestOf for chia_sha2::Sha256 {
    fn digest_of(bytes: &[u8]) -> [u8; 32] {
        let mut hasher = chia_sha2::Sha256::new();
        hasher.update(bytes);
        hasher.finalize()
    }
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Accepts any server certificate but still checks the handshake signature: dig-gossip's
/// outbound side does the same (identity is the certificate hash, not a CA chain).
#[derive(Debug)]
struct AnyServerCert(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Requires a client certificate and checks its handshake signature, but not its chain, as
/// dig-gossip's rustls acceptor does.
#[derive(Debug)]
struct AnyClientCert(Arc<CryptoProvider>);

impl ClientCertVerifier for AnyClientCert {
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

fn link_options() -> LinkOptions {
    let mut options = LinkOptions::default();
    options.request_timeout = Duration::from_secs(10);
    options.send_timeout = Duration::from_secs(10);
    options
}

fn handshake(options: &Options, default_node_type: u8, server_port: u16) -> Result<DigMessage, Failure> {
    let node_type = node_type_of(options.node_type.unwrap_or(default_node_type))?;
    let body = Handshake::new(
        options.network_id.clone(),
        PROTOCOL_VERSION.to_string(),
        SOFTWARE_VERSION.to_string(),
        server_port,
        node_type,
        vec![(1, "1".to_string()), (2, "1".to_string()), (3, "1".to_string())],
    );
    Ok(DigMessage::new(HANDSHAKE, None, body.to_bytes().map_err(at("handshake"))?.into()))
}

fn node_type_of(code: u8) -> Result<NodeType, Failure> {
    Ok(match code {
        1 => NodeType::FullNode,
        2 => NodeType::Harvester,
        3 => NodeType::Farmer,
        4 => NodeType::Timelord,
        5 => NodeType::Introducer,
        6 => NodeType::Wallet,
        7 => NodeType::DataLayer,
        other => return Err(Failure::new("arguments", format!("unknown node type {other}"))),
    })
}

fn handshake_json(direction: &str, message: &DigMessage) -> Result<(Handshake, Value), Failure> {
    if message.msg_type != HANDSHAKE {
        return Err(Failure::new(
            "handshake",
            format!("first frame has type {} (expected 1 handshake)", message.msg_type),
        ));
    }
    let body = Handshake::from_bytes(message.data.as_ref()).map_err(at("handshake"))?;
    let value = json!({
        "event": "handshake",
        "direction": direction,
        "network_id": body.network_id,
        "protocol_version": body.protocol_version,
        "software_version": body.software_version,
        "server_port": body.server_port,
        "node_type": body.node_type as u8,
        "capabilities": body.capabilities.iter().map(|(id, v)| json!([id, v])).collect::<Vec<_>>(),
        "frame_hex": hex(&message.to_bytes()),
    });
    Ok((body, value))
}

fn peers_json(peers: &[TimestampedPeerInfo]) -> Value {
    Value::Array(
        peers
            .iter()
            .map(|p| json!({"host": p.host, "port": p.port, "timestamp": p.timestamp}))
            .collect(),
    )
}

async fn expect_handshake(
    inbound: &mut mpsc::Receiver<DigMessage>,
    network_id: &str,
) -> Result<Handshake, Failure> {
    let first = inbound
        .recv()
        .await
        .ok_or_else(|| Failure::new("handshake", "connection closed before a handshake arrived"))?;
    let (body, value) = handshake_json("received", &first)?;
    emit(value);
    if body.network_id != network_id {
        return Err(Failure::new(
            "handshake",
            format!("network id mismatch: ours '{network_id}', theirs '{}'", body.network_id),
        ));
    }
    Ok(body)
}

async fn dial(options: &Options, identity: &Identity, addr: SocketAddr) -> Result<(), Failure> {
    let provider = provider();
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])
        .map_err(at("tls"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyServerCert(provider)))
        .with_client_auth_cert(identity.chain.clone(), identity.key.clone_key())
        .map_err(at("tls"))?;
    let tcp = TcpStream::connect(addr).await.map_err(at("connect"))?;
    let tls = TlsConnector::from(Arc::new(config))
        .connect(ServerName::IpAddress(addr.ip().into()), tcp)
        .await
        .map_err(at("tls"))?;
    let (_, session) = tls.get_ref();
    emit(json!({
        "event": "tls",
        "protocol": format!("{:?}", session.protocol_version()),
        "peer_cert_sha256": session.peer_certificates().and_then(|c| c.first()).map(|c| hex(&chia_sha2::Sha256::digest_of(c))),
    }));
    let url = format!("wss://{addr}/ws");
    let (ws, _) = tokio_tungstenite::client_async_with_config(url.as_str(), tls, None)
        .await
        .map_err(at("websocket"))?;
    emit(json!({"event": "connected", "url": url}));
    let (link, mut inbound) = DigLink::from_server_websocket(ws, addr, link_options());

    let ours = handshake(options, 6, options.server_port)?;
    emit(json!({"event": "handshake", "direction": "sent", "frame_hex": hex(&ours.to_bytes())}));
    link.send_message(ours).await.map_err(at("handshake"))?;
    expect_handshake(&mut inbound, &options.network_id).await?;

    // Keep draining unsolicited frames so a chatty peer cannot stall the link.
    let (unsolicited_tx, mut unsolicited) = mpsc::unbounded_channel();
    let drain = tokio::spawn(async move {
        while let Some(message) = inbound.recv().await {
            let _ = unsolicited_tx.send(message);
        }
    });

    let reply = link
        .request_raw::<RespondPeers, RequestPeers>(RequestPeers::new())
        .await
        .map_err(at("request_peers"))?;
    let peers = RespondPeers::from_bytes(reply.data.as_ref()).map_err(at("request_peers"))?;
    emit(json!({
        "event": "respond_peers",
        "id": reply.id,
        "peers": peers_json(&peers.peer_list),
        "frame_hex": hex(&reply.to_bytes()),
    }));

    if options.dig_request {
        let register = RegisterPeer::new("127.0.0.1".to_string(), options.server_port, dig_peer_protocol::NodeType::FullNode);
        let data = register.to_bytes().map_err(at("register_peer"))?;
        emit(json!({"event": "register_peer", "direction": "sent", "body_hex": hex(&data)}));
        let reply = link
            .request_dig(REGISTER_PEER, &[REGISTER_ACK], data.into())
            .await
            .map_err(at("register_peer"))?;
        let ack = RegisterAck::from_bytes(reply.data.as_ref()).map_err(at("register_peer"))?;
        emit(json!({
            "event": "register_ack",
            "id": reply.id,
            "success": ack.success,
            "frame_hex": hex(&reply.to_bytes()),
        }));
    }

    if let Some((opcode, payload)) = &options.dig_send {
        let message = DigMessage::new(*opcode, None, payload.clone().into());
        emit(json!({"event": "dig_sent", "opcode": opcode, "frame_hex": hex(&message.to_bytes())}));
        link.send_message(message).await.map_err(at("dig_send"))?;
    }

    while let Ok(message) = unsolicited.try_recv() {
        emit(unsolicited_json(&message));
    }
    link.close().await.ok();
    drain.abort();
    Ok(())
}

fn unsolicited_json(message: &DigMessage) -> Value {
    json!({
        "event": "received",
        "type": message.msg_type,
        "id": message.id,
        "frame_hex": hex(&message.to_bytes()),
    })
}

async fn listen(options: &Options, identity: &Identity, port: u16) -> Result<(), Failure> {
    let provider = provider();
    let config = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .map_err(at("tls"))?
        .with_client_cert_verifier(Arc::new(AnyClientCert(provider)))
        .with_single_cert(identity.chain.clone(), identity.key.clone_key())
        .map_err(at("tls"))?;
    let acceptor = TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind(("127.0.0.1", port)).await.map_err(at("listen"))?;
    let local = listener.local_addr().map_err(at("listen"))?;
    emit(json!({"event": "listening", "port": local.port()}));

    let (tcp, remote) = listener.accept().await.map_err(at("accept"))?;
    let tls = acceptor.accept(tcp).await.map_err(at("tls"))?;
    let (_, session) = tls.get_ref();
    emit(json!({
        "event": "tls",
        "remote": remote.to_string(),
        "protocol": format!("{:?}", session.protocol_version()),
        "peer_cert_sha256": session.peer_certificates().and_then(|c| c.first()).map(|c| hex(&chia_sha2::Sha256::digest_of(c))),
    }));
    let check_path = |request: &tungstenite::handshake::server::Request,
                      response: tungstenite::handshake::server::Response| {
        if request.uri().path() == "/ws" {
            Ok(response)
        } else {
            let mut refusal = tungstenite::handshake::server::ErrorResponse::new(Some("not found".into()));
            *refusal.status_mut() = tungstenite::http::StatusCode::NOT_FOUND;
            Err(refusal)
        }
    };
    let ws = tokio_tungstenite::accept_hdr_async_with_config(tls, check_path, None)
        .await
        .map_err(at("websocket"))?;
    emit(json!({"event": "connected", "remote": remote.to_string()}));
    let (link, mut inbound) = DigLink::from_server_websocket(ws, remote, link_options());

    expect_handshake(&mut inbound, &options.network_id).await?;
    let ours = handshake(options, 1, local.port())?;
    emit(json!({"event": "handshake", "direction": "sent", "frame_hex": hex(&ours.to_bytes())}));
    link.send_message(ours).await.map_err(at("handshake"))?;

    if let Some((opcode, payload)) = &options.dig_send {
        let message = DigMessage::new(*opcode, None, payload.clone().into());
        emit(json!({"event": "dig_sent", "opcode": opcode, "frame_hex": hex(&message.to_bytes())}));
        link.send_message(message).await.map_err(at("dig_send"))?;
    }

    let advertised: Vec<TimestampedPeerInfo> = options
        .advertise
        .iter()
        .map(|(host, port)| TimestampedPeerInfo::new(host.clone(), *port, unix_now()))
        .collect();
    while let Some(message) = inbound.recv().await {
        emit(unsolicited_json(&message));
        match message.msg_type {
            REQUEST_PEERS => {
                let body = RespondPeers::new(advertised.clone()).to_bytes().map_err(at("respond_peers"))?;
                reply(&link, RESPOND_PEERS, message.id, body, "respond_peers").await?;
                EXCHANGED.store(true, Ordering::SeqCst);
            }
            REQUEST_PEERS_INTRODUCER => {
                let body = RespondPeersIntroducer::new(advertised.clone())
                    .to_bytes()
                    .map_err(at("respond_peers_introducer"))?;
                reply(&link, RESPOND_PEERS_INTRODUCER, message.id, body, "respond_peers_introducer").await?;
            }
            REGISTER_PEER => {
                let register = RegisterPeer::from_bytes(message.data.as_ref()).map_err(at("register_peer"))?;
                emit(json!({
                    "event": "register_peer",
                    "direction": "received",
                    "ip": register.ip,
                    "port": register.port,
                    "node_type": register.node_type as u8,
                }));
                let body = RegisterAck::new(true).to_bytes().map_err(at("register_ack"))?;
                reply(&link, REGISTER_ACK, message.id, body, "register_ack").await?;
            }
            _ => {}
        }
    }
    emit(json!({"event": "closed", "remote": remote.to_string()}));
    Ok(())
}

async fn reply(
    link: &DigLink,
    opcode: u8,
    id: Option<u16>,
    body: Vec<u8>,
    stage: &'static str,
) -> Result<(), Failure> {
    let message = DigMessage::new(opcode, id, body.into());
    emit(json!({"event": "replied", "type": opcode, "id": id, "frame_hex": hex(&message.to_bytes())}));
    link.send_message(message).await.map_err(at(stage))
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

fn emit(value: Value) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{value}");
    let _ = out.flush();
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn decode_hex(text: &str) -> Result<Vec<u8>, String> {
    if text.len() % 2 != 0 {
        return Err("odd number of hex digits".into());
    }
    (0..text.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&text[i..i + 2], 16).map_err(|_| format!("'{}' is not hex", &text[i..i + 2]))
        })
        .collect()
}
