from __future__ import annotations

import io

import pypdf
import pytest

from doudi.reports.labels import CONTENT_FILE, PUBLIC_KEY_FILE, SIGNATURE_FILE
from doudi.reports.pdf import render_pdf
from doudi.reports.readback import ReadError, read_pdf
from doudi.signing.keys import PublicKey

from ..signing.sample import KEY, signed


@pytest.fixture(scope="module")
def version_and_pdf() -> tuple[object, bytes]:
    version = signed()
    return version, render_pdf(version, KEY.public)


def _pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def test_attachments_and_metadata_carry_the_signed_roster(version_and_pdf) -> None:  # type: ignore[no-untyped-def]
    version, pdf = version_and_pdf
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    assert reader.attachments[CONTENT_FILE] == [version.content]
    assert reader.attachments[SIGNATURE_FILE] == [version.signature]
    assert PublicKey.from_pem(reader.attachments[PUBLIC_KEY_FILE][0].decode()) == KEY.public
    info = reader.metadata
    assert info["/doudism3"] == version.digest and version.digest in info["/Keywords"]
    assert info["/Title"] == "祥云县月发放名册 第3版" and info["/Author"] == "王签发"
    read = read_pdf(pdf)
    assert read.digest == read.claimed_digest == version.digest


def test_rare_characters_footer_and_page_numbers_rendered(version_and_pdf) -> None:  # type: ignore[no-untyped-def]
    version, pdf = version_and_pdf
    (text,) = _pages(pdf)
    assert "张𠮷" in text and "李䶮" in text
    assert "第 1 页 共 1 页" in text
    assert f"第3版 SM3:{version.digest}" in text
    assert "375.00" in text and "832.05" in text
    fonts = {
        str(font.get_object()["/BaseFont"])
        for font in pypdf.PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"].values()
    }
    assert fonts and all("Noto-Sans-CJK-SC" in name for name in fonts)


def test_noto_cjk_has_the_rare_characters() -> None:
    from fontTools.ttLib import TTCollection

    collection = TTCollection("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    cmap = collection.fonts[2].getBestCmap()  # SC
    assert 0x20BB7 in cmap and 0x4DAE in cmap  # 𠮷, 䶮


def test_a_pdf_without_attachments_is_refused() -> None:
    from weasyprint import HTML

    with pytest.raises(ReadError, match="没有签名附件"):
        read_pdf(HTML(string="<p>名册</p>").write_pdf(), "别的.pdf")


def _rows(n: int) -> tuple[tuple[object, ...], ...]:
    return tuple((i, f"人员{i:03d}", None, 100 * i, None) for i in range(1, n + 1))


def test_header_repeats_and_seal_block_never_stands_alone() -> None:
    # Find how many rows fill the first page, then issue exactly that many: without the keep rules the seal
    # block would be pushed alone onto page 2.
    probe = _pages(render_pdf(signed(_rows(45))))
    per_page = max(i for i in range(1, 46) if f"人员{i:03d}" in probe[0])
    assert probe[1].count("姓名") == 1  # the table header repeats on the next page
    pages = _pages(render_pdf(signed(_rows(per_page))))
    assert len(pages) == 2
    assert "签发人(签章)" in pages[1]
    assert f"人员{per_page:03d}" in pages[1] and "姓名" in pages[1], "the seal block stands alone"
