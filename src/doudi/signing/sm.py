"""SM3 digests and SM2 signatures (GB/T 32905, GB/T 32918) through gmssl-pyx.

Signatures are SM2 with SM3 over the message, with the default signer ID (distinguishing identifier)
1234567812345678 of GB/T 35276, DER-encoded (r, s) — what `openssl dgst -sm3 -sigopt distid:...` reads.
"""

from __future__ import annotations

import gmssl_pyx

DEFAULT_ID = b"1234567812345678"


def sm3(data: bytes) -> bytes:
    return bytes(gmssl_pyx.sm3_hash(data))


def sm3_hex(data: bytes) -> str:
    return sm3(data).hex()


def generate_raw_keypair() -> tuple[bytes, bytes]:
    """(private 32 bytes, public 64 bytes x||y)."""
    public, private = gmssl_pyx.sm2_key_generate()
    return bytes(private), bytes(public)


def sign(private: bytes, public: bytes, message: bytes) -> bytes:
    return bytes(gmssl_pyx.sm2_sign(private, public, message, DEFAULT_ID))


def verify(public: bytes, message: bytes, signature: bytes) -> bool:
    """True when `signature` is a valid SM2 signature of `message`; False for any malformed input."""
    try:
        return bool(gmssl_pyx.sm2_verify(public, message, signature, DEFAULT_ID))
    except (gmssl_pyx.GmsslInnerError, ValueError, TypeError):
        return False
