"""Sign a roster and check a signed one: canonical bytes -> SM3 digest -> SM2 signature."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from . import sm
from .canonical import Roster, canonical_bytes, from_bytes
from .keys import PublicKey
from .signer import Signer


@dataclass(frozen=True)
class SignedRoster:
    roster: Roster  # meta carries key_id = the signer's public key fingerprint
    content: bytes  # the canonical bytes that were signed
    digest: str  # SM3 of `content`, hex
    signature: bytes  # SM2 (DER r,s) of `content`

    @classmethod
    def from_parts(cls, content: bytes, signature: bytes) -> SignedRoster:
        return cls(from_bytes(content), content, sm.sm3_hex(content), signature)


def sign_roster(roster: Roster, signer: Signer) -> SignedRoster:
    """Bind the signer's key into the metadata, then digest and sign the canonical bytes."""
    meta = dataclasses.replace(roster.meta, key_id=signer.public_key.fingerprint)
    bound = dataclasses.replace(roster, meta=meta)
    content = canonical_bytes(bound)
    return SignedRoster(bound, content, sm.sm3_hex(content), signer.sign(content))


def signature_valid(signed: SignedRoster, public_key: PublicKey) -> bool:
    """The signature verifies with this key, and the key is the one named in the signed metadata."""
    return public_key.fingerprint == signed.roster.meta.key_id and public_key.verify(
        signed.content, signed.signature
    )
