"""The PNG writer: what Qt reads back is what was drawn (RGB when opaque, straight alpha
otherwise), with the frame's resolution; rows stay unfiltered, so map frames stay small."""

from __future__ import annotations

import struct
import zlib

import numpy as np
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from hljgis.render.png import encode_png, save_png

from ..gui.pixels import rgb


def _chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    out, i = [], 8
    while i < len(data):
        (n,) = struct.unpack(">I", data[i:i + 4])
        kind, body = data[i + 4:i + 8], data[i + 8:i + 8 + n]
        (crc,) = struct.unpack(">I", data[i + 8 + n:i + 12 + n])
        assert crc == zlib.crc32(body, zlib.crc32(kind))
        out.append((kind, body))
        i += 12 + n
    return out


def _drawing(fmt=QImage.Format.Format_ARGB32_Premultiplied, background="#ffffff"):
    img = QImage(301, 157, fmt)  # odd sizes: no row padding assumed
    img.fill(QColor(background))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    p.setBrush(QColor("#e31a1c"))
    p.setPen(QColor("#202020"))
    p.drawEllipse(QRectF(20.3, 10.7, 150.2, 120.9))
    p.fillRect(QRectF(200, 40, 60, 50), QColor(10, 120, 200, 140))
    p.end()
    img.setDotsPerMeterX(11811)  # 300 dpi
    img.setDotsPerMeterY(11811)
    return img


def test_opaque_frame_reads_back_pixel_for_pixel_as_rgb(app, tmp_path):
    img = _drawing()
    path = tmp_path / "frame.png"
    assert save_png(img, path)
    data = path.read_bytes()
    chunks = _chunks(data)
    kinds = [k for k, _ in chunks]
    assert kinds[0] == b"IHDR" and kinds[-1] == b"IEND" and b"IDAT" in kinds
    w, h, depth, colour = struct.unpack(">IIBB", chunks[0][1][:10])
    assert (w, h, depth, colour) == (301, 157, 8, 2)  # RGB, no alpha byte
    back = QImage(str(path))
    assert not back.isNull() and not back.hasAlphaChannel()
    assert (rgb(back) == rgb(img)).all()
    assert back.dotsPerMeterX() == 11811 and back.dotsPerMeterY() == 11811
    raw = zlib.decompress(b"".join(b for k, b in chunks if k == b"IDAT"))
    assert raw[:: 1 + 3 * w] == bytes(h)  # filter type 0 on every row


def test_translucent_frame_keeps_straight_alpha(app, tmp_path):
    img = _drawing(background="#00000000")
    path = tmp_path / "layer.png"
    assert save_png(img, path)
    assert _chunks(path.read_bytes())[0][1][9] == 6  # RGBA
    back = QImage(str(path)).convertToFormat(QImage.Format.Format_ARGB32)
    want = img.convertToFormat(QImage.Format.Format_ARGB32)
    a = np.frombuffer(back.constBits(), np.uint8).reshape(157, -1)[:, :301 * 4]
    b = np.frombuffer(want.constBits(), np.uint8).reshape(157, -1)[:, :301 * 4]
    assert (a == b).all()
    assert a.reshape(157, 301, 4)[:, :, 3].min() == 0  # transparent corners stayed so
    assert back.pixelColor(230, 60).alpha() == 140


def test_other_formats_and_failures(app, tmp_path):
    grey = QImage(40, 30, QImage.Format.Format_Grayscale8)
    grey.fill(QColor(90, 90, 90))
    assert save_png(grey, tmp_path / "grey.png")
    assert QImage(str(tmp_path / "grey.png")).pixelColor(5, 5).getRgb()[:3] == (90, 90, 90)
    img = _drawing()
    img.setText("Title", "Hegang")
    assert b"Title\0Hegang" in encode_png(img)
    assert not save_png(QImage(), tmp_path / "null.png")
    assert not save_png(img, tmp_path / "no" / "such" / "folder.png")


def test_map_frame_is_smaller_than_qts(app, tmp_path):
    img = _drawing()
    img.save(str(tmp_path / "qt.png"), "PNG", 80)
    assert len(encode_png(img)) < (tmp_path / "qt.png").stat().st_size


def test_rows_deflated_in_bands_read_back_whole(app, tmp_path, monkeypatch):
    import hljgis.render.png as png

    for background in ("#ffffff", "#00000000"):  # RGB and RGBA rows
        img = _drawing(background=background)
        whole = encode_png(img)
        monkeypatch.setattr(png, "BAND_BYTES", 2000)  # two rows a band, the last one short
        banded = encode_png(img)
        monkeypatch.undo()
        (tmp_path / "banded.png").write_bytes(banded)
        back = QImage(str(tmp_path / "banded.png")).convertToFormat(QImage.Format.Format_ARGB32)
        want = img.convertToFormat(QImage.Format.Format_ARGB32)
        a = np.frombuffer(back.constBits(), np.uint8).reshape(157, -1)[:, :301 * 4]
        b = np.frombuffer(want.constBits(), np.uint8).reshape(157, -1)[:, :301 * 4]
        assert (a == b).all()
        inflate = [zlib.decompress(b"".join(body for k, body in _chunks(d) if k == b"IDAT"))
                   for d in (whole, banded)]
        assert inflate[0] == inflate[1]  # the same rows, filter bytes included
