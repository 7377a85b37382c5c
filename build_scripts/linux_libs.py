"""Linux-only bundle trimming: the ICU data library and the desktop's own libraries.

**ICU data (31 MB -> ~4 MB).** Qt Core on Linux links ICU, and ICU keeps all
its data - every locale's names of languages, currencies, units and time zones,
character-set converters, word-break rules, transliterators - in one shared
library, ``libicudata.so.NN``, whose only content is the symbol ``icudtNN_dat``:
an ICU "common data" package. A widgets app reaches little of it through Qt:
collation (QCollator, locale-aware sorting), locale-aware case mapping,
normalisation, locale resolution. :func:`trim_icu_library` rebuilds the package
with just those items and wraps it in a new ``libicudata.so.NN``
(:func:`data_library` writes that small ELF file itself, so no C toolchain is
needed). What the trimmed data lacks, ICU reports as a missing resource and Qt
falls back to its own code or reports "unknown" (legacy text codecs such as
Shift-JIS through QStringDecoder: the app decodes nothing through Qt). Windows
and macOS Qt builds do not use ICU.

Package layout (ICU's udata.cpp / pkgdata): a header of ``headerSize`` bytes
(magic 0xda27, ``dataFormat`` "CmnD"), then the table of contents: a uint32
count, ``count`` pairs of uint32 (name offset, data offset) relative to the
table's start, the NUL-terminated item names in sorted order (ICU looks them up
by binary search), and the items, each 16-byte aligned.

**Desktop libraries.** PyInstaller copies every shared library it can resolve on
the build machine, including X11/xcb, Wayland, fontconfig, FreeType, GLib,
D-Bus and libstdc++ that only the Qt libraries and plugins need. The PySide6
wheels themselves ship none of these and take them from the system, so the
bundle does the same (:func:`qt_only_system_libraries`): it also avoids the
known clashes of bundled copies with the desktop (an old fontconfig reading a
newer fonts.conf, an old libstdc++ under the system's GL driver).
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

# ICU items kept, as regular expressions over the name after the "icudtNNl/" prefix.
ICU_KEEP = (
    r"coll/.*",  # collation: the root order (ucadata.icu, root.res) and every locale's tailoring
    r"(root|res_index|pool)\.res",  # the root bundle, locale index and shared key pool
    r"(likelySubtags|metadata|keyTypeData|supplementalData)\.res",  # locale ids and aliases
    r"(icustd|icuver)\.res",
    r"(nfkc|nfkc_cf|uts46)\.nrm",  # normalisation forms beyond NFC/NFD (those are built in)
    r"cnvalias\.icu",  # converter aliases, so codec name look-ups answer "unknown" cleanly
)
_ICU_KEEP_RE = re.compile("|".join(f"(?:{k})" for k in ICU_KEEP))
_ALIGN = 16

_SHT_DYNSYM = 11
_SHT_DYNAMIC = 6
_DT_NEEDED = 1


class TrimError(RuntimeError):
    pass


# --- ELF (64-bit little-endian: x86_64 and aarch64) ---


def _sections(elf: bytes) -> list[tuple[int, ...]]:
    if elf[:4] != b"\x7fELF" or elf[4] != 2 or elf[5] != 1:
        raise TrimError("not a 64-bit little-endian ELF file")
    (shoff,) = struct.unpack_from("<Q", elf, 0x28)
    shentsize, shnum = struct.unpack_from("<HH", elf, 0x3A)
    # (name, type, flags, addr, offset, size, link, info, addralign, entsize)
    return [struct.unpack_from("<IIQQQQIIQQ", elf, shoff + i * shentsize) for i in range(shnum)]


def _c_string(elf: bytes, offset: int) -> str:
    return elf[offset : elf.index(b"\0", offset)].decode("utf-8", "replace")


def find_symbol(elf: bytes, name: str) -> tuple[int, int]:
    """(file offset, size) of a defined dynamic symbol."""
    sections = _sections(elf)
    for section in sections:
        sh_type, sh_offset, sh_size, sh_link, sh_entsize = (
            section[1],
            section[4],
            section[5],
            section[6],
            section[9],
        )
        if sh_type != _SHT_DYNSYM:
            continue
        strtab = sections[sh_link][4]
        for pos in range(sh_offset, sh_offset + sh_size, sh_entsize or 24):
            st_name, _info, _other, st_shndx, st_value, st_size = struct.unpack_from(
                "<IBBHQQ", elf, pos
            )
            if st_shndx == 0 or _c_string(elf, strtab + st_name) != name:
                continue
            home = sections[st_shndx]
            return st_value - home[3] + home[4], st_size
    raise TrimError(f"symbol {name} not found")


def needed_libraries(path: Path) -> list[str]:
    """The DT_NEEDED entries (sonames) of a shared object; [] if it is not ELF64-LE."""
    elf = path.read_bytes()
    try:
        sections = _sections(elf)
    except TrimError:
        return []
    needed: list[str] = []
    for section in sections:
        if section[1] != _SHT_DYNAMIC:
            continue
        strtab = sections[section[6]][4]
        for pos in range(section[4], section[4] + section[5], 16):
            tag, value = struct.unpack_from("<qQ", elf, pos)
            if tag == _DT_NEEDED:
                needed.append(_c_string(elf, strtab + value))
    return needed


# --- the ICU common data package ---


def parse_package(blob: bytes) -> tuple[bytes, list[tuple[str, bytes]]]:
    """(header bytes, [(item name, item bytes)]) of an ICU common data package."""
    header_size, magic1, magic2 = struct.unpack_from("<HBB", blob, 0)
    if (magic1, magic2) != (0xDA, 0x27) or blob[12:16] != b"CmnD":
        raise TrimError("not an ICU common data package")
    if blob[8] != 0:  # UDataInfo.isBigEndian
        raise TrimError("big-endian ICU data is not supported")
    toc = header_size
    (count,) = struct.unpack_from("<I", blob, toc)
    entries = [struct.unpack_from("<II", blob, toc + 4 + 8 * i) for i in range(count)]
    items: list[tuple[str, bytes]] = []
    for index, (name_offset, data_offset) in enumerate(entries):
        end = entries[index + 1][1] if index + 1 < count else len(blob) - toc
        items.append((_c_string(blob, toc + name_offset), blob[toc + data_offset : toc + end]))
    return blob[:header_size], items


def build_package(header: bytes, items: Iterable[tuple[str, bytes]]) -> bytes:
    ordered = sorted(items)  # ICU finds items by binary search over the names
    names = b"".join(name.encode("ascii") + b"\0" for name, _ in ordered)
    toc_size = 4 + 8 * len(ordered)
    data_start = _aligned(toc_size + len(names))
    toc = bytearray(struct.pack("<I", len(ordered)))
    body = bytearray()
    name_offset = toc_size
    for name, data in ordered:
        toc += struct.pack("<II", name_offset, data_start + len(body))
        name_offset += len(name) + 1
        body += data + b"\0" * (_aligned(len(data)) - len(data))
    table = bytes(toc) + names
    table += b"\0" * (data_start - len(table))
    return header + table + bytes(body)


def _aligned(n: int, alignment: int = _ALIGN) -> int:
    return (n + alignment - 1) // alignment * alignment


def keep_icu_item(name: str) -> bool:
    """``icudt73l/coll/sv.res`` -> keep; ``icudt73l/lang/de.res`` -> drop."""
    return bool(_ICU_KEEP_RE.fullmatch(name.split("/", 1)[-1]))


def trim_icu_library(library: Path, out_dir: Path, log: Callable[[str], None] = print) -> Path:
    """Write a trimmed copy of ``library`` (``libicudata.so.NN``) into ``out_dir``."""
    match = re.fullmatch(r"libicudata\.so\.(\d+)", library.name)
    if match is None:
        raise TrimError(f"unexpected ICU data library name {library.name}")
    symbol = f"icudt{match.group(1)}_dat"
    elf = library.read_bytes()
    offset, size = find_symbol(elf, symbol)
    header, items = parse_package(elf[offset : offset + size])
    kept = [(name, data) for name, data in items if keep_icu_item(name)]
    if not any(name.endswith("/coll/ucadata.icu") for name, _ in kept):
        raise TrimError("the package has no collation root; its layout is not understood")
    package = build_package(header, kept)
    (machine,) = struct.unpack_from("<H", elf, 0x12)

    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / library.name
    target.write_bytes(data_library(library.name, symbol, package, machine))
    target.chmod(0o755)
    found_offset, found_size = find_symbol(target.read_bytes(), symbol)
    if target.read_bytes()[found_offset : found_offset + found_size] != package:
        raise TrimError("the written library does not hold the package")
    log(
        f"ICU data: kept {len(kept)} of {len(items)} items, "
        f"{size / 1e6:.1f} MB -> {len(package) / 1e6:.1f} MB"
    )
    return target


def data_library(soname: str, symbol: str, data: bytes, machine: int) -> bytes:
    """A minimal ELF64 little-endian shared object that exports ``data`` as ``symbol``.

    What a linker makes of a one-symbol ``.rodata`` file, written directly so the
    build needs no C toolchain: a read-only segment (headers, SysV hash table,
    dynamic symbols and strings, the data) and a read-write one for ``.dynamic``,
    plus PT_GNU_STACK (no executable stack; newer glibc refuses to load a library
    that asks for one).
    """
    page = 0x10000  # the largest page size in use (aarch64 64K); also fine for 4K
    ehdr_size, phdr_size, shdr_size, sym_size, dyn_size = 64, 56, 64, 24, 16
    phnum = 4

    dynstr = b"\0" + soname.encode() + b"\0" + symbol.encode() + b"\0"
    soname_at, symbol_at = 1, 2 + len(soname)
    hash_table = struct.pack("<5I", 1, 2, 1, 0, 0)  # nbucket, nchain, bucket[0], chain[0..1]

    hash_off = _aligned(ehdr_size + phnum * phdr_size, 8)
    dynsym_off = _aligned(hash_off + len(hash_table), 8)
    dynstr_off = dynsym_off + 2 * sym_size
    data_off = _aligned(dynstr_off + len(dynstr), _ALIGN)
    dynamic_off = _aligned(data_off + len(data), page)
    dynamic = b"".join(
        struct.pack("<qQ", tag, value)
        for tag, value in (
            (14, soname_at),  # DT_SONAME
            (4, hash_off),  # DT_HASH
            (5, dynstr_off),  # DT_STRTAB
            (6, dynsym_off),  # DT_SYMTAB
            (10, len(dynstr)),  # DT_STRSZ
            (11, sym_size),  # DT_SYMENT
            (0, 0),  # DT_NULL
        )
    )
    names = [b"", b".hash", b".dynsym", b".dynstr", b".rodata", b".dynamic", b".shstrtab"]
    shstrtab = b"\0".join(names) + b"\0"
    name_at = [shstrtab.index(b"\0" + n + b"\0") + 1 if n else 0 for n in names]
    shstrtab_off = dynamic_off + len(dynamic)
    shdr_off = _aligned(shstrtab_off + len(shstrtab), 8)

    # Addresses equal file offsets, so every segment is congruent modulo any page size.
    ehdr = b"\x7fELF" + bytes([2, 1, 1, 0]) + bytes(8)
    ehdr += struct.pack(
        "<HHIQQQIHHHHHH",
        3,  # ET_DYN
        machine,
        1,  # EV_CURRENT
        0,  # no entry point
        ehdr_size,
        shdr_off,
        0,
        ehdr_size,
        phdr_size,
        phnum,
        shdr_size,
        len(names),
        len(names) - 1,  # .shstrtab
    )
    r_end = data_off + len(data)
    phdrs = b"".join(
        struct.pack("<IIQQQQQQ", p_type, flags, off, off, off, size, size, align)
        for p_type, flags, off, size, align in (
            (1, 4, 0, r_end, page),  # PT_LOAD, R
            (1, 6, dynamic_off, len(dynamic), page),  # PT_LOAD, RW
            (2, 6, dynamic_off, len(dynamic), 8),  # PT_DYNAMIC
            (0x6474E551, 6, 0, 0, 16),  # PT_GNU_STACK, RW (not executable)
        )
    )
    symbols = bytes(sym_size) + struct.pack(
        "<IBBHQQ",
        symbol_at,
        0x11,  # STB_GLOBAL, STT_OBJECT
        0,  # default visibility
        4,  # section .rodata
        data_off,
        len(data),
    )
    sections = bytes(shdr_size) + b"".join(
        struct.pack("<IIQQQQIIQQ", name, s_type, flags, addr, off, size, link, info, align, ent)
        for name, s_type, flags, addr, off, size, link, info, align, ent in (
            (name_at[1], 5, 2, hash_off, hash_off, len(hash_table), 2, 0, 8, 4),
            (name_at[2], 11, 2, dynsym_off, dynsym_off, 2 * sym_size, 3, 1, 8, sym_size),
            (name_at[3], 3, 2, dynstr_off, dynstr_off, len(dynstr), 0, 0, 1, 0),
            (name_at[4], 1, 2, data_off, data_off, len(data), 0, 0, _ALIGN, 0),
            (name_at[5], 6, 3, dynamic_off, dynamic_off, len(dynamic), 3, 0, 8, dyn_size),
            (name_at[6], 3, 0, 0, shstrtab_off, len(shstrtab), 0, 0, 1, 0),
        )
    )
    image = bytearray(shdr_off + len(sections))
    for offset, blob in (
        (0, ehdr + phdrs),
        (hash_off, hash_table),
        (dynsym_off, symbols),
        (dynstr_off, dynstr),
        (data_off, data),
        (dynamic_off, dynamic),
        (shstrtab_off, shstrtab),
        (shdr_off, sections),
    ):
        image[offset : offset + len(blob)] = blob
    return bytes(image)


# --- which collected libraries the system provides ---


def _is_qt_side(dest: str) -> bool:
    """Qt's own files: the PySide6/shiboken6 packages and their Qt/ICU libraries."""
    name = dest.replace("\\", "/")
    base = name.rsplit("/", 1)[-1]
    return name.startswith(("PySide6/", "shiboken6/")) or base.startswith(
        ("libQt6", "libicu", "libpyside6", "libshiboken6")
    )


def qt_only_system_libraries(binaries: Sequence[tuple[str, str, str]]) -> set[str]:
    """Destinations of collected system libraries that nothing but Qt needs.

    ``binaries`` is PyInstaller's TOC: (destination, source, typecode). System
    libraries are the top-level ``BINARY`` entries that are not Qt's and not
    libpython. Anything reachable from Python's side (libpython, extension
    modules such as _ssl or cryptography's Rust core) stays.
    """
    by_soname: dict[str, tuple[str, str]] = {}
    system: set[str] = set()
    python_side: list[str] = []
    for dest, src, typecode in binaries:
        if typecode not in ("BINARY", "EXTENSION"):
            continue
        base = dest.replace("\\", "/").rsplit("/", 1)[-1]
        by_soname.setdefault(base, (dest, src))
        if _is_qt_side(dest):
            continue
        if typecode == "BINARY" and "/" not in dest and not base.startswith("libpython"):
            system.add(dest)
        else:
            python_side.append(src)
    # Everything Python's side reaches, through system libraries too.
    reached: set[str] = set()
    queue = list(python_side)
    while queue:
        for soname in needed_libraries(Path(queue.pop())):
            if soname in reached or soname not in by_soname:
                continue
            reached.add(soname)
            queue.append(by_soname[soname][1])
    return {dest for dest in system if dest not in reached}


def required_glibc(files: Iterable[Path]) -> tuple[int, int] | None:
    """The newest glibc symbol version any of ``files`` asks for: the oldest glibc
    (hence distribution) the bundle runs on."""
    newest: tuple[int, int] | None = None
    pattern = re.compile(rb"GLIBC_(\d+)\.(\d+)")
    for path in files:
        try:
            with open(path, "rb") as handle:
                if handle.read(4) != b"\x7fELF":
                    continue
                data = handle.read()
        except OSError:
            continue
        for major, minor in pattern.findall(data):
            version = (int(major), int(minor))
            if newest is None or version > newest:
                newest = version
    return newest
