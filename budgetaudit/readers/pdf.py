"""PDF files → numbered lines with page numbers, the same lines the text reader gives.

``read_pdf(path)`` returns ``Line`` objects numbered from 1 over the extracted text:

* prose (titles, ``单位：万元``, table numbers, paragraphs) in reading order, one Line per paragraph
  (wrapped lines joined), read from the glyphs' baselines (pdf_lines);
* every ruled table pdfplumber finds as one Line per row, cells joined with ``\\t`` (a cell's own
  line breaks removed; merged and empty cells are empty fields, so header rows line up), placed
  where the table stands on the page; text inside a table never appears again as prose;
* a table printed without vertical rules (unruled, 三线表, rules under the rows only) the same
  way, its columns found from the printed positions (pdf_columns): empty cells are empty fields,
  merged and wrapped headings and names wrapped in a cell are read as a ruled table's would be;
* a table continued at the top of the next page under its repeated header: the header once;
* a blank Line between blocks (paragraphs, tables, pages). A paragraph that runs on to the next
  page stays two Lines (each with its own page) with no blank Line between them.

Page numbers ("- 3 -", "第3页", "3/20") and running headers or footers (the same line on at least
3 pages and 30% of them) in the top and bottom 8% of a page are left out.

Files that cannot be audited raise ``InputError`` with a one-line reason: not a PDF, truncated
(no ``%%EOF`` in the last 1024 bytes, where the format puts it), damaged, encrypted with a password,
no text layer (scanned; OCR is out of scope), text without a Unicode mapping, or a PDF bomb.

Limits per file, against PDF bombs (a disclosure is 20–300 pages and reads in 0.1 s a page):
``MAX_PAGES`` = 2000 pages; ``TIME_LIMIT`` = 300 s for the whole file; ``MEMORY_LIMIT`` = 2 GiB
of address space beyond what the process already uses. On POSIX the file is read in a forked
child that carries the memory limit and is killed at the time limit (pdf_guard); elsewhere the
page count and the time between pages are checked in-process. With PDFium, a helper process beside
that child may read a long file's later pages meanwhile (``_helped_pages``; see pdf_guard).

pdfplumber is imported only here, when a PDF is actually read, so text audits stay fast.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from ..amounts import normalize, unit_of
from ..errors import InputError
from ..model import Line
from .pdf_columns import Memory
from .pdf_guard import (
    Limits,
    bound_reference_chains,
    helper_alive,
    helper_arrived,
    helper_mark,
    helper_submit,
    run_bounded,
    run_served,
    set_helper_mark,
)
from .pdf_page import (
    Block,
    Layout,
    PageContent,
    blocks,
    continues_on_next_page,
    lay_out,
    place,
    read_page,
    text_column,
)
from .regular import open_regular

READERS = ("pdfium", "pdfplumber")
DEFAULT_READER = "pdfium"
READER_ENV = "BUDGETAUDIT_PDF_READER"

MAX_PAGES = 2000
TIME_LIMIT = 300.0
MEMORY_LIMIT = 2 * 1024**3

# Share of undecodable glyphs above which the text layer is useless.
MAX_CID_SHARE = 0.3

_PAGE_NUMBER = re.compile(
    r"^[-—–－_~\s]*(?:第\s*)?\d{1,4}(?:\s*页)?(?:\s*[/／]\s*\d{1,4})?(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?[-—–－_~\s]*$"
    r"|^(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$",
    re.IGNORECASE,
)


def pdf_reader() -> str:
    """The reader in use: ``pdfium`` (the default) or ``pdfplumber``, from READER_ENV."""
    chosen = os.environ.get(READER_ENV, "").strip().lower() or DEFAULT_READER
    return chosen if chosen in READERS else DEFAULT_READER


def read_pdf(path: str | Path, reader: str | None = None) -> list[Line]:
    p = Path(path)
    name = str(path)
    _check_file(p, name)
    reader = reader or pdf_reader()
    if reader == "pdfplumber":
        import pdfplumber  # noqa: F401 - loaded before the fork so the reader starts warm

        bound_reference_chains()
        extract = _extract
    else:
        from . import pdf_pdfium  # noqa: F401 - loaded (and PDFium initialised) before the fork

        extract = _extract_pdfium

    limits = Limits(TIME_LIMIT, MEMORY_LIMIT, MAX_PAGES)
    if extract is _extract_pdfium:  # PDFium keeps no state between files: one reader process reads them all
        return run_served(name, limits, extract, p, name, limits)
    return run_bounded(name, limits, lambda: extract(p, name, limits))


def _check_file(p: Path, name: str) -> None:
    """What can be told from the bytes alone: missing, empty, not a PDF, cut short."""
    fd = open_regular(p)  # a FIFO or a device is refused by name, never read
    try:
        with os.fdopen(fd, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            head = fh.read(1024)
            fh.seek(max(size - 1024, 0))
            tail = fh.read()
    except OSError as exc:
        raise InputError(name, f"cannot be read ({exc.strerror or exc})") from None
    if size == 0:
        raise InputError(name, "the file is empty")
    if b"%PDF-" not in head:
        raise InputError(name, f"not a PDF file ({_what_is(head)})")
    if b"%%EOF" not in tail:
        raise InputError(name, "truncated or damaged PDF: the end-of-file marker is missing")


def _what_is(head: bytes) -> str:
    lowered = head.lstrip()[:64].lower()
    if head.startswith(b"PK\x03\x04"):
        return "it is a ZIP archive, e.g. a .docx or .xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "it is an old Office document, e.g. a .doc or .xls"
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head")):
        return "it is an HTML or XML page, perhaps a failed download"
    if head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "it is an image"
    try:
        head.decode("utf-8")
        return "it is a text file"
    except UnicodeDecodeError:
        return "no %PDF header"


def _extract(p: Path, name: str, limits: Limits) -> list[Line]:
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdftypes import resolve1
    from pdfplumber.utils.exceptions import PdfminerException

    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # its warnings are not the user's business
    try:
        pdf = pdfplumber.open(p)
    except PdfminerException as exc:
        inner = exc.args[0] if exc.args else exc
        if isinstance(inner, PDFPasswordIncorrect):
            raise InputError(name, "the PDF is encrypted and needs a password; not read") from None
        if isinstance(inner, PDFEncryptionError):
            raise InputError(name, f"the PDF is encrypted in a way the reader does not support ({inner})") from None
        raise InputError(name, f"damaged PDF: {_short(inner)}") from None
    pages: list[PageContent] = []
    with pdf:
        count = _declared_pages(pdf, resolve1)
        if count is not None and count > limits.pages:
            raise InputError(name, f"the PDF declares {count} pages; the limit is {limits.pages} per file")
        memory = Memory()
        try:
            for i, page in enumerate(pdf.pages, start=1):
                if i > limits.pages:
                    raise InputError(name, f"the PDF has more than {limits.pages} pages (the limit per file)")
                if limits.deadline_passed():
                    raise InputError(name, f"reading took longer than {limits.seconds:g} s (the limit per file)")
                pages.append(read_page(page, i, memory))
                page.close()
        except PdfminerException as exc:
            inner = exc.args[0] if exc.args else exc
            if isinstance(inner, MemoryError) or "allocate" in str(inner):
                raise MemoryError from None  # zlib's own allocation failure under the memory limit
            raise InputError(name, f"damaged PDF: {_short(inner)}") from None
    if not pages:
        raise InputError(name, "damaged PDF: no pages could be found in it")
    _check_text_layer(pages, name)
    return assemble(pages)


def _extract_pdfium(p: Path, name: str, limits: Limits) -> list[Line]:
    from .pdf_pdfium import open_document

    doc = open_document(str(p), name)
    pages: list[PageContent] = []
    fallback = _PlumberPages(p, name)
    try:
        count = len(doc)
        if count > limits.pages:
            raise InputError(name, f"the PDF declares {count} pages; the limit is {limits.pages} per file")
        memory = Memory()
        mapped: dict[str, int] = {}  # the fonts' Unicode mappings seen so far (see pdf_pdfium._chars)
        first_helped = _first_helped(count)
        helping = first_helped < count and helper_submit(_helped_pages, str(p), name, first_helped, count, limits)
        shared = _SharedPages(doc, name, fallback, count, helping, limits)
        for i in range(count):
            if limits.deadline_passed():
                raise InputError(name, f"reading took longer than {limits.seconds:g} s (the limit per file)")
            if i < first_helped:
                layout = lay_out(_primitives(doc, i, name, fallback, mapped))
            else:
                layout = shared.layout(i)
            pages.append(place(layout, i + 1, memory))
    finally:
        doc.close()
        fallback.close()
    if not pages:
        raise InputError(name, "damaged PDF: no pages could be found in it")
    _check_text_layer(pages, name)
    return assemble(pages)


def _primitives(doc, i: int, name: str, fallback: _PlumberPages | _LeftToReader, mapped: dict[str, int]):
    """Page ``i``'s characters and rules, read with PDFium (pdfplumber where it cannot measure them)."""
    from pypdfium2.raw import FPDF_ClosePage as close_page
    from pypdfium2.raw import FPDF_LoadPage as load_page

    from .pdf_pdfium import Unmeasured, read_pdfium_page

    # (the bare handle: pypdfium2's page object registers a finalizer per page, not needed here)
    page = load_page(doc.raw, i)
    if not page:
        raise InputError(name, f"damaged PDF: page {i + 1} cannot be read")
    try:
        return read_pdfium_page(page, mapped=mapped)
    except Unmeasured:
        return fallback.page(i)
    finally:
        close_page(page)


# A file of HELPED_PAGES pages or more is read by two processes where the reader has a helper
# (pdf_guard): the reader reads the first READER_SHARE of the pages; the helper lays out the others
# (pdf_page.lay_out: all that does not depend on the page before) from the first of them on, and
# hands each over as it is done. The reader places every page in order (pdf_page.place); when the
# next page has not come yet, it lays out pages from the end meanwhile, until the two meet.
HELPED_PAGES = 4
READER_SHARE = 0.4
# Seconds the reader waits for the helper's page before it takes one from the end (tests wait, to
# see the helper's pages used; 0 keeps both processes busy).
HELPER_WAIT = 0.0


def _first_helped(count: int) -> int:
    """The first page the helper reads (``count``: none)."""
    return max(1, round(count * READER_SHARE)) if count >= HELPED_PAGES else count


class _SharedPages:
    """The pages the helper may read (from _first_helped on), laid out by it or, from the end, here.
    Each is read with fresh font mapping counts (see pdf_pdfium._chars), so that a page reads the
    same whoever reads it, in whatever order, helper or none."""

    def __init__(self, doc, name: str, fallback: _PlumberPages, count: int, helping: bool, limits: Limits):
        self.doc, self.name, self.fallback, self.helping, self.limits = doc, name, fallback, helping, limits
        self.ready: dict[int, object] = {}  # page index → its Layout (or the InputError it raised)
        self.taken = count  # the pages from here on are the reader's (the helper stops short of them)
        set_helper_mark(count)

    def layout(self, i: int) -> Layout:
        while self.helping and i not in self.ready:
            self.ready.update(helper_arrived())
            if HELPER_WAIT:
                self._wait_for(i)
            if i in self.ready or self.taken - 1 <= i or not helper_alive() or self.limits.deadline_passed():
                break
            self.taken -= 1  # meanwhile, the last page nobody has
            set_helper_mark(self.taken)
            self.ready[self.taken] = self._own(self.taken)
        got = self.ready.pop(i, None) or self._own(i)
        if isinstance(got, InputError):
            raise got  # (raised in page order, as when read in order)
        return got

    def _wait_for(self, i: int) -> None:
        end = time.monotonic() + HELPER_WAIT
        while i not in self.ready and helper_alive() and (left := end - time.monotonic()) > 0:
            self.ready.update(helper_arrived(left))

    def _own(self, i: int) -> Layout | InputError:
        try:
            return lay_out(_primitives(self.doc, i, self.name, self.fallback, {}))
        except InputError as exc:
            return exc


def _helped_pages(path: str, name: str, start: int, stop: int, limits: Limits) -> Iterator[tuple[int, Layout]]:
    """(in the helper) pages ``start`` to ``stop`` read and laid out as the reader would, one at a
    time as (index, Layout), leaving out a page PDFium cannot measure or load (the reader reads it
    itself). It stops at the pages the reader has taken (``helper_mark``) and when time runs out."""
    from .pdf_pdfium import open_document

    doc = open_document(path, name)
    left_to_reader = _LeftToReader()
    try:
        for i in range(start, stop):
            mark = helper_mark()
            if limits.deadline_passed() or (mark is not None and i >= mark):
                return
            try:
                primitives = _primitives(doc, i, name, left_to_reader, {})
            except InputError:
                continue
            if primitives is not None:
                yield i, lay_out(primitives).drop_unread_glyphs()
    finally:
        doc.close()


class _LeftToReader:
    """The helper's stand-in for _PlumberPages: a page PDFium cannot measure is the reader's to read."""

    def page(self, index: int) -> None:
        return None


class _PlumberPages:
    """pdfplumber's reading of single pages, for the pages PDFium cannot measure all text on
    (glyphs of a CJK font neither embedded nor installed: see pdf_pdfium.Unmeasured)."""

    def __init__(self, p: Path, name: str):
        self.p, self.name = p, name
        self.pdf = None

    def page(self, index: int):
        import pdfplumber
        from pdfplumber.utils.exceptions import PdfminerException

        logging.getLogger("pdfminer").setLevel(logging.ERROR)
        try:
            if self.pdf is None:
                bound_reference_chains()
                self.pdf = pdfplumber.open(self.p)
            return self.pdf.pages[index]
        except (PdfminerException, IndexError) as exc:
            raise InputError(self.name, f"damaged PDF: page {index + 1} cannot be read ({_short(exc)})") from None

    def close(self) -> None:
        if self.pdf is not None:
            self.pdf.close()


def _declared_pages(pdf: object, resolve1: object) -> int | None:
    try:
        tree = resolve1(pdf.doc.catalog.get("Pages"))  # type: ignore[attr-defined, operator]
        count = resolve1(tree.get("Count"))  # type: ignore[operator, union-attr]
        return count if isinstance(count, int) else None
    except Exception:  # noqa: BLE001 - a broken page tree shows up while reading the pages
        return None


def _check_text_layer(pages: list[PageContent], name: str) -> None:
    glyphs = sum(c.glyphs for c in pages)
    if glyphs == 0:
        imaged = sum(1 for c in pages if c.images)
        if imaged:
            raise InputError(name, f"no text layer: {imaged} of {len(pages)} pages are images only "
                                   "(a scanned document?); OCR is out of scope")
        raise InputError(name, f"no text on any of its {len(pages)} pages")
    cid = sum(c.cid_glyphs for c in pages)
    if cid > MAX_CID_SHARE * glyphs:
        raise InputError(name, "the text layer cannot be decoded: its fonts have no Unicode mapping "
                               f"({cid} of {glyphs} characters)")


def assemble(pages: list[PageContent]) -> list[Line]:
    """Pages → numbered Lines: blocks in order, a blank Line between blocks."""
    columns = text_column(pages)
    paged = [(c, blocks(c, columns.get(c.key))) for c in pages]
    furniture = _repeated_band_texts([b for _, bs in paged for b in bs if b.band], len(pages))
    raw: list[tuple[str, int]] = []
    spans: dict[int, tuple] = {}  # index in raw → the Line's spans, on the page as printed
    previous: tuple[PageContent, Block] | None = None
    header: list[str] = []  # the header rows of the last table read
    for content, page_blocks in paged:
        kept = [b for b in page_blocks if not (b.band and _is_furniture(b.rows[0], furniture))]
        if kept and previous and previous[0] is not content and previous[1].kind == kept[0].kind == "table":
            header = _drop_repeated_header(header, kept[0])
        elif kept and kept[0].kind == "table":
            header = _header_rows(kept[0])
        for block in kept[1:]:
            if block.kind == "table":
                header = _header_rows(block)
        for index, block in enumerate(kept):
            if raw and not (index == 0 and previous and _carried(previous, (content, block), columns)):
                raw.append(("", raw[-1][1]))
            for row in block.rows:
                if getattr(row, "spans", None):
                    spans[len(raw)] = _on_page(row.spans, content)
                raw.append((str(row), content.number))
        if kept:
            previous = (content, kept[-1])
    return [Line(number=i, text=normalize(text), raw=text, page=page, spans=spans.get(i - 1, ()))
            for i, (text, page) in enumerate(raw, 1)]


def _on_page(spans: tuple, content: PageContent) -> tuple:
    """Spans in the page's reading frame → on the page as printed (rounded to 0.1 pt)."""
    frame = content.frame
    turned = frame is not None and frame.angle != 0  # (unbox leaves an upright page's boxes as they are)
    out = []
    for start, end, box in spans:
        x0, top, x1, bottom = frame.unbox(box) if turned else box
        out.append((start, end, (round(x0, 1), round(top, 1), round(x1, 1), round(bottom, 1))))
    return tuple(out)


# An amount (decimals or thousands separators) or a nil mark: what a 栏次 row (1 2 3 …) has not.
_AMOUNT = re.compile(r"^\s*(?:[-+]?\d[\d,]*\.\d+%?|\d{1,3}(?:,\d{3})+|[-—–－]+)\s*$")


def _header_rows(block: Block) -> list[str]:
    """A table block's rows above its first row with an amount in it: its header (栏次 included)."""
    out = []
    for row in block.rows:
        if any(_AMOUNT.match(f) for f in row.split("\t")):
            break
        out.append(row)
    return out


def _drop_repeated_header(header: list[str], block: Block) -> list[str]:
    """A table continued at the top of the next page under its header printed again: the rows go on,
    the header is not read twice (it would read as a row whose name wraps). Returns the header of
    the table the block belongs to."""
    if header and len(block.rows) > len(header) and block.rows[:len(header)] == header:
        del block.rows[:len(header)]
        return header
    return _header_rows(block) or header


def _carried(prev: tuple[PageContent, Block], nxt: tuple[PageContent, Block], columns: dict) -> bool:
    """The last paragraph of one page goes on in the first paragraph of the next."""
    (pc, pb), (nc, nb) = prev, nxt
    if pb.kind != "prose" or nb.kind != "prose" or pb.last is None or nb.first is None:
        return False
    return continues_on_next_page(pb.last, nb.first, columns.get(pc.key), columns.get(nc.key))


def _is_furniture(text: str, repeated: set[str]) -> bool:
    return bool(_PAGE_NUMBER.match(text.strip())) or _band_key(text) in repeated


def _repeated_band_texts(band: list[Block], n_pages: int) -> set[str]:
    """Margin-band lines printed on at least 3 pages and 30% of them (never a unit line or a title)."""
    seen: Counter[str] = Counter()
    for b in band:
        if not unit_of(b.rows[0]) and "表" not in b.rows[0]:
            seen[_band_key(b.rows[0])] += 1
    return {k for k, n in seen.items() if n >= 3 and n >= 0.3 * n_pages}


def _band_key(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _short(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text[:120] + ("…" if len(text) > 120 else "")
