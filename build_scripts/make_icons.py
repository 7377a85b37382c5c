#!/usr/bin/env python3
"""Render resources/xacct.svg into the icon files the app and the bundles use.

    QT_QPA_PLATFORM=offscreen .venv/bin/python build_scripts/make_icons.py

Writes resources/icons/xacct-{16..512}.png, xacct.ico (Windows) and xacct.icns
(macOS). The outputs are committed, so a build needs neither this script nor a
display; run it again only after editing the SVG.

The ICO and ICNS containers are assembled here rather than by QImageWriter:
Qt's ico writer stores a single image per file, and its icns writer lives in
the qtimageformats plugin, which PySide6-Essentials does not promise to ship.
Both containers simply wrap PNG data, which Windows (Vista+) and macOS (10.7+)
accept.
"""

import argparse
import os
import struct
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SVG = REPO_ROOT / "resources" / "xacct.svg"
DEFAULT_OUT = REPO_ROOT / "resources" / "icons"

PNG_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# ICO entries store width/height in one byte each (0 meaning 256), so 256 is the
# largest size the format can hold.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types that hold PNG data, with the pixel size each one expects.
# The @2x types are what Retina displays pick, hence 1024 for ic10.
ICNS_TYPES = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"ic11", 32),  # 16@2x
    (b"ic12", 64),  # 32@2x
    (b"ic07", 128),
    (b"ic13", 256),  # 128@2x
    (b"ic08", 256),
    (b"ic14", 512),  # 256@2x
    (b"ic09", 512),
    (b"ic10", 1024),  # 512@2x
)


def render_pngs(svg: Path, sizes: set[int]) -> dict[int, bytes]:
    """Render `svg` at each size straight from the vector source (no rescaling blur)."""
    # A headless run (CI, ssh) has no display; Qt needs a platform plugin anyway.
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
    from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
    from PySide6.QtSvg import QSvgRenderer

    # Held in a local so the application outlives all painting below.
    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise SystemExit(f"make_icons: {svg} is not a valid SVG for Qt")

    result: dict[int, bytes] = {}
    for size in sorted(sizes):
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter, QRectF(0, 0, size, size))
        painter.end()
        # Straight (non-premultiplied) alpha is what PNG stores; converting first
        # avoids a lossy round trip inside the writer.
        image = image.convertToFormat(QImage.Format.Format_ARGB32)
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        # QImageWriter rather than QImage.save: PySide6's save() rejects the bytes
        # format its own stubs ask for, and the writer reports why encoding failed.
        writer = QImageWriter(buffer, QByteArray(b"png"))
        if not writer.write(image):
            raise SystemExit(f"make_icons: cannot encode the {size}px PNG: {writer.errorString()}")
        buffer.close()
        result[size] = bytes(data.data())
    del app
    return result


def build_ico(pngs: dict[int, bytes]) -> bytes:
    """An ICO file: ICONDIR, one ICONDIRENTRY per size, then the PNG payloads."""
    header = struct.pack("<HHH", 0, 1, len(ICO_SIZES))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(ICO_SIZES)
    entries, payloads = [], []
    for size in ICO_SIZES:
        data = pngs[size]
        dim = 0 if size == 256 else size
        # width, height, palette colours, reserved, colour planes, bits per pixel,
        # payload size, payload offset
        entries.append(struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(data), offset))
        payloads.append(data)
        offset += len(data)
    return header + b"".join(entries) + b"".join(payloads)


def build_icns(pngs: dict[int, bytes]) -> bytes:
    """An ICNS file: 'icns' + total length, then (type, length incl. 8-byte header, data)."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--svg", type=Path, default=DEFAULT_SVG, help="source image")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output directory")
    args = parser.parse_args(argv)

    needed = set(PNG_SIZES) | set(ICO_SIZES) | {size for _, size in ICNS_TYPES}
    pngs = render_pngs(args.svg, needed)

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for size in PNG_SIZES:
        path = out / f"xacct-{size}.png"
        path.write_bytes(pngs[size])
        written.append(path)
    (out / "xacct.ico").write_bytes(build_ico(pngs))
    (out / "xacct.icns").write_bytes(build_icns(pngs))
    written += [out / "xacct.ico", out / "xacct.icns"]

    for path in written:
        print(f"wrote {path} ({path.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
