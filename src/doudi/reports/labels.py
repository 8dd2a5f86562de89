"""Chinese labels of the signed metadata, shared by the Excel and PDF renderers and the Excel reader."""

from __future__ import annotations

import base64

from doudi.core.money import yuan
from doudi.signing.canonical import Column, ColumnType, Value
from doudi.signing.signed import SignedRoster

META_LABELS = {
    "kind": "名册类型代码",
    "title": "名册名称",
    "region_code": "区划代码",
    "region_name": "区划名称",
    "number": "版本号",
    "period": "所属期间",
    "signer": "签发人账号",
    "signer_name": "签发人",
    "reviewer": "审核人账号",
    "reviewer_name": "审核人",
    "signed_at": "签发时间",
    "key_id": "签名公钥指纹(SM3)",
}

SIGNATURE_SHEET = "签章信息"
SIGNATURE_FILE = "roster.sig"  # DER SM2 signature, the name of the PDF attachment
CONTENT_FILE = "roster-canonical.json"  # the signed canonical bytes, the name of the PDF attachment
PUBLIC_KEY_FILE = "signer.pub.pem"


def signature_b64(signed: SignedRoster) -> str:
    return base64.b64encode(signed.signature).decode("ascii")


def version_line(signed: SignedRoster) -> str:
    meta = signed.roster.meta
    return f"{meta.region_name}{meta.title} 第{meta.number}版"


def footer_text(signed: SignedRoster) -> str:
    """Version, digest and signature: what every page's footer carries."""
    return f"第{signed.roster.meta.number}版 SM3:{signed.digest} SM2:{signature_b64(signed)}"


def display(column: Column, value: Value) -> str:
    """A cell as a person reads it (PDF, diff pages): money in yuan, blanks empty."""
    if value is None:
        return ""
    if column.type is ColumnType.FEN and isinstance(value, int):
        return yuan(value)
    return str(value)
