"""Draw HTML into a PDF with WeasyPrint, in its own Python process (no Django, no database).

Run as a script by `package_archive.IndexDrawer`: a package index of hundreds of rows takes
seconds of CPU and ~100 MiB to lay out, which a separate process neither takes from the worker's
copy of the files (the GIL) nor leaves in the worker's memory. The process is started before the
HTML is ready, so the first frame is read in a thread while WeasyPrint is imported.

Frames on stdin and stdout: an 8-byte big-endian length, then that many bytes. The first frame
in is a JSON job:

- {"html": ...}: the whole document; out: one frame, the PDF.
- {"html": ..., "part": true}: one part of a document split between processes at page breaks,
  drawn without its page footers; out: a JSON frame (its pages' bookmarks: level, label, x, y,
  state, in PDF points) and a PDF frame.
- {"html": ..., "rest": n, "footers": ...}: the first part; then n (JSON, PDF) frame pairs of
  the other parts (as the "part" jobs wrote them) come in. Out: one frame, the whole PDF: the
  parts' pages in order, each page's footer drawn from `footers` (the same @page rules, with
  "<!--pages-->" where the blank pages go, so "page N of M" counts every part's pages) over it,
  and one outline made of every part's bookmarks as WeasyPrint makes it for one document.
"""

import gc
import io
import json
import struct
import sys
import threading

PT_PER_PX = 0.75  # WeasyPrint draws 1 CSS px as 0.75 PDF points (zoom 1)


def read_frame(stream) -> bytes | None:
    head = stream.read(8)
    if not head:
        return None
    if len(head) < 8:
        raise EOFError("a frame was cut short")
    (length,) = struct.unpack(">Q", head)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError("a frame was cut short")
    return data


def write_frame(stream, data: bytes) -> None:
    stream.write(struct.pack(">Q", len(data)))
    stream.write(data)


def _part(html: str):
    """Lay out one part; its PDF without bookmarks, and the bookmarks per page, in points from
    the page's bottom left as WeasyPrint writes them."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    marks = []
    for page in document.pages:
        marks.append(
            [
                [level, label, x * PT_PER_PX, (page.height - y) * PT_PER_PX, state]
                for level, label, (x, y), state in page.bookmarks
            ]
        )
        page.bookmarks = []  # the outline is made once, over every part
    pdf = document.write_pdf()
    del document
    return marks, pdf


def _stitch(parts: list[tuple[list, bytes]], footers: str) -> bytes:
    """One PDF of the parts' pages, with the footers drawn over them and one outline."""
    from types import SimpleNamespace

    import pikepdf
    from weasyprint import HTML
    from weasyprint.anchors import make_page_bookmark_tree
    from weasyprint.matrix import Matrix

    first, *others = (pikepdf.open(io.BytesIO(pdf)) for _marks, pdf in parts)
    for other in others:
        first.pages.extend(other.pages)
    count = len(first.pages)
    blank = '<div class="sheet"></div>'
    sheet = HTML(string=footers.replace("<!--pages-->", blank * count)).write_pdf()
    sheet_pdf = pikepdf.open(io.BytesIO(sheet))
    if len(sheet_pdf.pages) != count:
        raise RuntimeError(f"{len(sheet_pdf.pages)} footers for {count} pages")
    for page, footer in zip(first.pages, sheet_pdf.pages, strict=True):
        page.add_overlay(footer)

    # WeasyPrint's own outline rule over the bookmarks of every page, in order.
    tree: list = []
    skipped: list = []
    last = [tree]
    previous = 0
    pages = [page_marks for marks, _pdf in parts for page_marks in marks]
    for number, page_marks in enumerate(pages):
        page = SimpleNamespace(bookmarks=[(m[0], m[1], (m[2], m[3]), m[4]) for m in page_marks])
        previous = make_page_bookmark_tree(page, skipped, last, previous, number, Matrix())

    def items(subtrees):
        out = []
        for label, (number, x, y), children, state in subtrees:
            item = pikepdf.OutlineItem(label, number, "XYZ", left=x, top=y, zoom=0)
            item.children.extend(items(children))
            item.is_closed = state == "closed"
            out.append(item)
        return out

    with first.open_outline() as outline:
        outline.root.extend(items(tree))
    out = io.BytesIO()
    first.save(out)
    return out.getvalue()


def main() -> int:
    received: list[bytes | None] = []
    reader = threading.Thread(target=lambda: received.append(read_frame(sys.stdin.buffer)))
    reader.start()
    from weasyprint import HTML

    reader.join()
    # One drawing, then the process ends: the cyclic collector would only slow it (by a fifth;
    # the peak memory is the same without it).
    gc.disable()
    if not received or not received[0]:
        print("no HTML was sent", file=sys.stderr)
        return 2
    job = json.loads(received[0])
    out = sys.stdout.buffer
    if job.get("part"):
        marks, pdf = _part(job["html"])
        write_frame(out, json.dumps(marks).encode())
        write_frame(out, pdf)
    elif job.get("rest"):
        parts = [_part(job["html"])]
        for _ in range(job["rest"]):
            marks, pdf = read_frame(sys.stdin.buffer), read_frame(sys.stdin.buffer)
            if marks is None or pdf is None:
                print("a part of the index did not come", file=sys.stderr)
                return 2
            parts.append((json.loads(marks), pdf))
        write_frame(out, _stitch(parts, job["footers"]))
    else:
        write_frame(out, HTML(string=job["html"]).write_pdf())
    out.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
