"""One pass over a night file's bytes, beside the database's parse: its sha256, and the faults
one of the two databases would let through or read differently.

NUL bytes (DuckDB keeps them), misplaced quotes (PostgreSQL drops them), blank
lines (DuckDB skips them) and, when asked, invalid UTF-8 (DuckDB never decodes
a column it does not select, so needed only when the file has extra columns).
It runs in a background thread while the database parses the file.
"""

from __future__ import annotations

import codecs
import hashlib
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from footprint.ingest.manifest import BOM

SCAN_CHUNK = 1 << 20  # small: the scan holds the GIL while it searches a block

# A run of an odd number of quotes with neither side a delimiter, line end or
# quote: impossible in RFC 4180, where an odd run opens a field (after a
# delimiter) or closes one (before a delimiter). Catches `"x"y`, `x"y` and the
# unescaped quotes of `"he said "hi""`, which DuckDB and PostgreSQL would
# otherwise read differently (PostgreSQL silently drops the quotes).
MISPLACED_QUOTE = re.compile(rb'"(?<=[^,\r\n"]")(?:"")*(?=[^,\r\n"])')
_BLANK_LINE = re.compile(rb"\n\r?\n")


@dataclass(frozen=True)
class ByteScan:
    sha256: str
    problem: str | None = None  # first structural problem seen, in our words
    offset: int | None = None  # its byte offset in the file


class _Scan:
    """The state of one pass: the digest, the first problem, and the unscanned tail."""

    def __init__(self, check_utf8: bool):
        self.digest = hashlib.sha256()
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.check_utf8 = check_utf8
        self.problem: tuple[str, int] | None = None
        self.pending, self.pending_at = b"", 0  # unscanned tail (from the last newline) and its offset
        self.in_quotes = False  # quote parity; with valid quoting, parity = inside a quoted field

    def start(self, head: bytes) -> bytes:
        """The file's first bytes; returns what the first block must be prefixed with."""
        self.digest.update(head)
        if head == BOM:  # not data: the quote of a quoted first header name follows it
            self.pending_at = len(BOM)
            return b""
        return head

    def feed(self, block: bytes) -> None:
        """One block of the file, b"" at its end. Once a problem is found only the digest goes on."""
        if self.problem is not None:
            return
        self._check_bytes(block, self.pending_at + len(self.pending))
        if block:
            cut = block.rfind(b"\n")
            if cut < 0:
                self.pending += block
                return
            # The newline stays at the start of the next segment too, so a blank line
            # across the cut is still seen; it is not a quote, so parity is unchanged.
            whole = not self.pending and cut + 1 == len(block)
            seg = block if whole else b"".join((self.pending, memoryview(block)[: cut + 1]))
            next_pending, cut = block[cut:], len(self.pending) + cut
        else:
            seg, next_pending, cut = self.pending, b"", len(self.pending)
        if self.problem is None:
            self._check_segment(seg)
        self.pending, self.pending_at = next_pending, self.pending_at + cut

    def _check_bytes(self, block: bytes, block_at: int) -> None:
        # An ASCII block is valid UTF-8, unless it follows a split multi-byte character.
        if self.check_utf8 and (not block or not block.isascii() or self.decoder.getstate()[0]):
            try:
                self.decoder.decode(block, final=not block)
            except UnicodeDecodeError as exc:
                self.problem = ("not valid UTF-8", max(block_at + exc.start - 3, 0))
        nul = block.find(b"\x00")
        if self.problem is None and nul >= 0:
            self.problem = ("a NUL byte", block_at + nul)

    def _check_segment(self, seg: bytes) -> None:
        """Whole lines: misplaced quotes, and blank lines outside a quoted field."""
        m = MISPLACED_QUOTE.search(seg)
        if m:
            self.problem = ("a misplaced quote", self.pending_at + m.start())
            return
        pos = 0
        if _BLANK_LINE.search(seg):  # rare outside free text: look closer
            for m in _BLANK_LINE.finditer(seg):
                self.in_quotes ^= bool(seg.count(b'"', pos, m.start()) & 1)
                pos = m.start()
                if not self.in_quotes:
                    self.problem = ("a blank line", self.pending_at + m.start() + 1)
                    break
        self.in_quotes ^= bool(seg.count(b'"', pos) & 1)

    def result(self) -> ByteScan:
        if self.problem is None and self.in_quotes:
            self.problem = ("a quoted field that is never closed", self.pending_at)
        return ByteScan(self.digest.hexdigest(), *(self.problem or (None, None)))


def scan_bytes(path: Path, check_utf8: bool = True, cancel: threading.Event | None = None) -> ByteScan | None:
    """The file's sha256 and its first structural fault (None if cancelled)."""
    scan = _Scan(check_utf8)
    with open(path, "rb", buffering=0) as fh:
        head = scan.start(fh.read(len(BOM)))
        while True:
            if cancel is not None and cancel.is_set():
                return None
            block = fh.read(SCAN_CHUNK)
            scan.digest.update(block)
            if head:
                block, head = head + block, b""
            scan.feed(block)
            if not block:
                return scan.result()
