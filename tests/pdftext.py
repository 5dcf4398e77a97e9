"""The text of a PDF that WeasyPrint made, as a reader would copy it out."""

import re
import zlib

STREAM = re.compile(
    rb"(\d+) 0 obj\s*<<.*?>>\s*stream\r?\n(.*?)\r?\nendstream", re.DOTALL
)
# A Type0 font: its subset tag (the name the page's ``Tf`` uses) and its ToUnicode.
FONT = re.compile(rb"/BaseFont /([A-Z]{6})\+[^/]*/ToUnicode (\d+) 0 R")
BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.DOTALL)
CODE = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")
# The page's text operators: pick a font, show strings, end a text object.
TOKEN = re.compile(
    rb"/(\w+) [\d.]+ Tf|\[(.*?)\] TJ|<([0-9a-fA-F]*)> Tj|\bET\b", re.DOTALL
)
HEX = re.compile(rb"<([0-9a-fA-F]*)>")


def pdf_objects(pdf: bytes) -> bytes:
    """Return the PDF with its compressed streams inflated, to search its objects."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL)
    return pdf + b"".join(zlib.decompress(stream) for stream in streams)


def pdf_text(pdf: bytes) -> str:
    """Return the text of every page, one line per text object, through ToUnicode."""
    streams = {
        int(number): zlib.decompress(data) for number, data in STREAM.findall(pdf)
    }
    objects = pdf + b"".join(streams.values())
    fonts = {tag: _cmap(streams[int(ref)]) for tag, ref in FONT.findall(objects)}
    lines, line, font = [], [], {}
    for content in streams.values():
        for match in TOKEN.finditer(content):
            name, array, single = match.groups()
            if name is not None:
                font = fonts.get(name, {})
            elif array is not None or single is not None:
                shown = HEX.findall(array) if array is not None else [single]
                line.extend(_decode(code, font) for code in shown)
            else:
                lines.append("".join(line))
                line = []
    return "\n".join(lines)


def _cmap(data: bytes) -> dict[bytes, str]:
    return {
        source.lower(): bytes.fromhex(target.decode()).decode("utf-16-be")
        for section in BFCHAR.findall(data)
        for source, target in CODE.findall(section)
    }


def _decode(hexcodes: bytes, font: dict[bytes, str]) -> str:
    codes = [hexcodes[i : i + 4].lower() for i in range(0, len(hexcodes), 4)]
    return "".join(font.get(code, "\ufffd") for code in codes)
