#!/usr/bin/env python3
"""Independent verifier of a dig-proof bundle (version 1), from bytes alone.

Reads a vector file of key=value lines (challenge_preimage, datastore_root, prover_key, bundle; hex)
and re-derives the challenge (id, inclusion positions, access chain, anchor capsule) from the
preimage, then checks every part of the bundle against the datastore root and the Ed25519 signature.
Formats: the class notes of net.dig.proof.Challenge, ProofBundle, ChunkRead and WorkProof.
Only the standard library is needed; Ed25519 uses the 'cryptography' package when present
(unless --pure), else the RFC 8032 verification below.

Usage: verify_bundle.py [--pure] VECTOR_FILE   -> prints OK (exit 0) or FAIL: reason (exit 1)
"""
import hashlib
import struct
import sys

CHUNK = 4096


def sha(*parts):
    h = hashlib.sha256()
    for p in parts:
        h.update(p)
    return h.digest()


# ---- RFC 8032 Ed25519 verification (pure Python) ----
P = 2 ** 255 - 19
L = 2 ** 252 + 27742317777372353535851937790883648493
D = (-121665 * pow(121666, P - 2, P)) % P
I = pow(2, (P - 1) // 4, P)


def _add(a, b):
    x1, y1, z1, t1 = a
    x2, y2, z2, t2 = b
    A = (y1 - x1) * (y2 - x2) % P
    B = (y1 + x1) * (y2 + x2) % P
    C = 2 * t1 * t2 * D % P
    Dd = 2 * z1 * z2 % P
    E, F, G, H = B - A, Dd - C, Dd + C, B + A
    return (E * F % P, G * H % P, F * G % P, E * H % P)


def _mul(s, pt):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, pt)
        pt = _add(pt, pt)
        s >>= 1
    return q


def _eq(a, b):
    return (a[0] * b[2] - b[0] * a[2]) % P == 0 and (a[1] * b[2] - b[1] * a[2]) % P == 0


def _decompress(s):
    if len(s) != 32:
        return None
    y = int.from_bytes(s, "little")
    sign = y >> 255
    y &= (1 << 255) - 1
    if y >= P:
        return None
    x2 = (y * y - 1) * pow(D * y * y + 1, P - 2, P) % P
    if x2 == 0:
        if sign:
            return None
        x = 0
    else:
        x = pow(x2, (P + 3) // 8, P)
        if (x * x - x2) % P != 0:
            x = x * I % P
        if (x * x - x2) % P != 0:
            return None
        if (x & 1) != sign:
            x = P - x
    return (x, y, 1, x * y % P)


G_Y = 4 * pow(5, P - 2, P) % P
G = _decompress(G_Y.to_bytes(32, "little"))


def ed25519_verify_pure(pub, msg, sig):
    if len(sig) != 64:
        return False
    A = _decompress(pub)
    R = _decompress(sig[:32])
    s = int.from_bytes(sig[32:], "little")
    if A is None or R is None or s >= L:
        return False
    h = int.from_bytes(hashlib.sha512(sig[:32] + pub + msg).digest(), "little") % L
    return _eq(_mul(s, G), _add(R, _mul(h, A)))


def ed25519_verify(pub, msg, sig, pure):
    if not pure:
        try:
            from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
            from cryptography.exceptions import InvalidSignature
        except ImportError:
            pure = True
    if pure:
        return ed25519_verify_pure(pub, msg, sig)
    try:
        Ed25519PublicKey.from_public_bytes(pub).verify(sig, msg)
        return True
    except (InvalidSignature, ValueError):
        return False


# ---- Merkle tree of docs/architecture.md 4.1 ----
def leaf(data):
    return sha(b"\x01", data)


def node(l, r):
    return sha(b"\x02", l, r)


def proof_root(proof, leaf_hash):
    """proof = (index, count, siblings); None when the shape is wrong."""
    index, count, sib = proof
    h, n, k = leaf_hash, count, 0
    while n > 1:
        if index & 1:
            if k >= len(sib):
                return None
            h, k = node(sib[k], h), k + 1
        elif index + 1 < n:
            if k >= len(sib):
                return None
            h, k = node(h, sib[k]), k + 1
        index >>= 1
        n = (n + 1) >> 1
    return h if k == len(sib) else None


class Fail(Exception):
    pass


class Reader:
    def __init__(self, b):
        self.b, self.o = b, 0

    def take(self, n):
        if self.o + n > len(self.b):
            raise Fail("MALFORMED: truncated")
        out = self.b[self.o:self.o + n]
        self.o += n
        return out

    def u8(self):
        return self.take(1)[0]

    def u16(self):
        return struct.unpack(">H", self.take(2))[0]

    def u32(self):
        return struct.unpack(">I", self.take(4))[0]

    def u64(self):
        return struct.unpack(">Q", self.take(8))[0]


def merkle_proof(raw):
    r = Reader(raw)
    index, count, n = r.u32(), r.u32(), r.u8()
    sib = [r.take(32) for _ in range(n)]
    if r.o != len(raw) or count == 0 or index >= count:
        raise Fail("MALFORMED: Merkle proof")
    return (index, count, sib)


# ---- challenge derivation ----
class Challenge:
    def __init__(self, preimage):
        r = Reader(preimage)
        if r.u8() != 1:
            raise Fail("UNSUPPORTED_VERSION: challenge")
        self.epoch = r.u64()
        self.entropy, self.datastore, self.prover = r.take(32), r.take(32), r.take(32)
        self.parts, self.samples, self.reads, self.difficulty = r.u8(), r.u8(), r.u8(), r.u8()
        self.capsule_count = r.u32()
        held = r.u32()
        self.scope = [(r.u32(), r.u64()) for _ in range(held)]
        self.id = sha(b"DIG-CHALLENGE-v1", preimage)
        self.starts = []
        total = 0
        for _, size in self.scope:
            self.starts.append(total)
            total += chunk_count(size)
        self.total = total

    def locate(self, g):
        i = max(k for k in range(len(self.scope)) if self.starts[k] <= g)
        return (self.scope[i][0], g - self.starts[i])

    def size_of(self, capsule):
        for idx, size in self.scope:
            if idx == capsule:
                return size
        return None

    def inclusion(self):
        chosen = []
        for i in range(min(self.samples, self.total)):
            a = 0
            while True:
                g = draw(b"DIG-INCLUSION-v1", self.id, i, a, self.total)
                if g not in chosen:
                    chosen.append(g)
                    break
                a += 1
        return [self.locate(g) for g in chosen]

    def first_access(self):
        return self.locate(draw(b"DIG-ACCESS-v1", self.id, 0, 0, self.total))

    def next_access(self, i, chunk):
        link = sha(b"DIG-ACCESS-LINK-v1", self.id, struct.pack(">I", i), chunk)
        return self.locate(draw(b"DIG-ACCESS-v1", link, i + 1, 0, self.total))

    def anchor(self):
        return self.scope[draw(b"DIG-ANCHOR-v1", self.id, 0, 0, len(self.scope))][0]


def chunk_count(size):
    return max(1, (size + CHUNK - 1) // CHUNK)


def draw(label, key, i, attempt, n):
    reject = (2 ** 64) % n
    while True:
        v = struct.unpack(">Q", sha(label, key, struct.pack(">II", i, attempt))[:8])[0]
        if v < 2 ** 64 - reject:
            return v % n
        attempt += 1


# ---- bundle ----
def read_chunk(r):
    capsule, chash, chunk_index = r.u32(), r.take(32), r.u32()
    chunk = r.take(r.u16())
    cp = merkle_proof(r.take(r.u16()))
    dp = merkle_proof(r.take(r.u16()))
    return capsule, chash, chunk_index, chunk, cp, dp


def check_read(read, at, ch, root):
    capsule, chash, chunk_index, chunk, cp, dp = read
    if (capsule, chunk_index) != at:
        raise Fail("WRONG_POSITION: read at %s, challenge says %s" % ((capsule, chunk_index), at))
    size = ch.size_of(capsule)
    if size is None or len(chunk) != min(CHUNK, size - chunk_index * CHUNK):
        raise Fail("BAD_CHUNK: length")
    if cp[0] != chunk_index or cp[1] != chunk_count(size) or dp[0] != capsule or dp[1] != ch.capsule_count:
        raise Fail("BAD_CHUNK: proof indexes or leaf counts")
    chunk_root = proof_root(cp, leaf(chunk))
    if chunk_root is None or proof_root(dp, leaf(chash + chunk_root)) != root:
        raise Fail("BAD_CHUNK: does not chain up to the datastore root")


def verify(ch, root, prover, bundle, pure):
    if bundle[:4] != b"DIGB":
        raise Fail("MALFORMED: magic")
    if bundle[4] != 1:
        raise Fail("UNSUPPORTED_VERSION")
    r = Reader(bundle)
    r.take(5)
    parts = r.u8()
    challenge_id, plot_id, key = r.take(32), r.take(32), r.take(32)
    if challenge_id != ch.id:
        raise Fail("WRONG_CHALLENGE")
    if key != prover or key != ch.prover:
        raise Fail("WRONG_PROVER")
    if parts != ch.parts:
        raise Fail("WRONG_PARTS")
    if parts & 1:
        reads = [read_chunk(r) for _ in range(r.u8())]
        expected = ch.inclusion()
        if len(reads) != len(expected):
            raise Fail("WRONG_PARTS: inclusion count")
        for rd, at in zip(reads, expected):
            check_read(rd, at, ch, root)
    if parts & 2:
        reads = [read_chunk(r) for _ in range(r.u8())]
        if len(reads) != ch.reads:
            raise Fail("WRONG_PARTS: access count")
        at = ch.first_access()
        for i, rd in enumerate(reads):
            check_read(rd, at, ch, root)
            at = ch.next_access(i, rd[3])
    if parts & 4:
        capsule, chash, chunk_root = r.u32(), r.take(32), r.take(32)
        dp = merkle_proof(r.take(r.u16()))
        difficulty, nonce = r.u8(), r.u64()
        if difficulty != ch.difficulty:
            raise Fail("WRONG_PARTS: difficulty")
        if capsule != ch.anchor():
            raise Fail("WRONG_POSITION: work capsule")
        if dp[0] != capsule or dp[1] != ch.capsule_count or proof_root(dp, leaf(chash + chunk_root)) != root:
            raise Fail("BAD_CHUNK: work capsule")
        digest = sha(b"DIG-WORK-v1", plot_id, chash, ch.id, struct.pack(">Q", nonce))
        bits = 0
        for byte in digest:
            if byte == 0:
                bits += 8
                continue
            bits += 8 - byte.bit_length()
            break
        if bits < difficulty:
            raise Fail("INSUFFICIENT_WORK")
    body_end = r.o
    sig = r.take(64)
    if r.o != len(bundle):
        raise Fail("MALFORMED: trailing bytes")
    if not ed25519_verify(key, b"DIG-PROOF-BUNDLE-v1" + bundle[:body_end], sig, pure):
        raise Fail("BAD_SIGNATURE")


def main(argv):
    pure = "--pure" in argv
    files = [a for a in argv[1:] if a != "--pure"]
    if len(files) != 1:
        print(__doc__.strip().splitlines()[-1])
        return 2
    v = {}
    with open(files[0], encoding="ascii") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                k, _, val = line.partition("=")
                v[k] = bytes.fromhex(val[2:] if val.startswith("0x") else val) if k != "inclusion_positions" and k != "anchor_capsule" else val
    try:
        ch = Challenge(v["challenge_preimage"])
        if "challenge_id" in v and v["challenge_id"] != ch.id:
            raise Fail("challenge id derivation differs from the vector")
        if "inclusion_positions" in v:
            got = ",".join("%d:%d" % p for p in ch.inclusion())
            if got != v["inclusion_positions"]:
                raise Fail("inclusion positions differ from the vector: " + got)
        verify(ch, v["datastore_root"], v["prover_key"], v["bundle"], pure)
    except Fail as e:
        print("FAIL: %s" % e)
        return 1
    print("OK")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
