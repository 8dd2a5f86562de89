"""The few DER structures an SM2 key needs (RFC 5915, RFC 5208, RFC 5280), as OpenSSL 3 writes them:
algorithm id-ecPublicKey with the named curve SM2 (1.2.156.10197.1.301)."""

from __future__ import annotations

ID_EC_PUBLIC_KEY = bytes.fromhex("06072a8648ce3d0201")  # OID 1.2.840.10045.2.1
CURVE_SM2 = bytes.fromhex("06082a811ccf5501822d")  # OID 1.2.156.10197.1.301


class DerError(ValueError):
    pass


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _length(len(value)) + value


def read_tlv(data: bytes, pos: int = 0) -> tuple[int, bytes, int]:
    """(tag, value, position after) of the element at `pos`."""
    if pos + 2 > len(data):
        raise DerError("DER 数据被截断")
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        length = first
    if pos + length > len(data):
        raise DerError("DER 数据被截断")
    return tag, data[pos : pos + length], pos + length


def children(value: bytes) -> list[tuple[int, bytes]]:
    items, pos = [], 0
    while pos < len(value):
        tag, inner, pos = read_tlv(value, pos)
        items.append((tag, inner))
    return items


ALGORITHM = tlv(0x30, ID_EC_PUBLIC_KEY + CURVE_SM2)


def public_key_info(public: bytes) -> bytes:
    """SubjectPublicKeyInfo of a 64-byte x||y SM2 public key."""
    return tlv(0x30, ALGORITHM + tlv(0x03, b"\x00\x04" + public))


def private_key_info(private: bytes, public: bytes) -> bytes:
    """PKCS#8 PrivateKeyInfo wrapping an RFC 5915 ECPrivateKey."""
    ec_key = tlv(0x30, tlv(0x02, b"\x01") + tlv(0x04, private) + tlv(0xA1, tlv(0x03, b"\x00\x04" + public)))
    return tlv(0x30, tlv(0x02, b"\x00") + ALGORITHM + tlv(0x04, ec_key))


def _check_algorithm(algorithm: bytes) -> None:
    if tlv(0x30, algorithm) != ALGORITHM:
        raise DerError("密钥不是 SM2 密钥(算法应为 id-ecPublicKey,曲线 SM2)")


def parse_public_key_info(data: bytes) -> bytes:
    tag, body, _ = read_tlv(data)
    parts = children(body)
    if tag != 0x30 or len(parts) != 2 or parts[1][0] != 0x03:
        raise DerError("不是 SubjectPublicKeyInfo 公钥")
    _check_algorithm(parts[0][1])
    bits = parts[1][1]
    if len(bits) != 66 or bits[:2] != b"\x00\x04":
        raise DerError("SM2 公钥应为未压缩的 65 字节点")
    return bits[2:]


def parse_private_key_info(data: bytes) -> tuple[bytes, bytes]:
    """(private, public) from PKCS#8; the public key must be present (OpenSSL 3 always writes it)."""
    tag, body, _ = read_tlv(data)
    parts = children(body)
    if tag != 0x30 or len(parts) < 3 or parts[2][0] != 0x04:
        raise DerError("不是 PKCS#8 私钥(加密的私钥请先用 openssl pkey 解密)")
    _check_algorithm(parts[1][1])
    ec_parts = children(read_tlv(parts[2][1])[1])
    private = next((v for t, v in ec_parts if t == 0x04), b"")
    public_wrapped = next((v for t, v in ec_parts if t == 0xA1), b"")
    if len(private) != 32 or not public_wrapped:
        raise DerError("SM2 私钥应含 32 字节私钥和公钥")
    bits = read_tlv(public_wrapped)[1]
    return private, bits[2:]
