"""The one PDF maker for tests: real small PDFs, blank (pypdf) or with text (WeasyPrint), valid,
encrypted or truncated."""

import functools
import html
import io
from pathlib import Path

from pypdf import PdfWriter

CITATION = "Category X: US 8,131,731 B2, claims 1-5."


def pdf_bytes(pages: int = 1, label: str = "report") -> bytes:
    """A real PDF; `label` lands in the metadata so different labels give different files."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": label})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def encrypted_pdf_bytes() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password="secret", owner_password="owner")  # noqa: S106
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def truncated_pdf_bytes() -> bytes:
    data = pdf_bytes(pages=3, label="truncated")
    return data[: len(data) // 3]


@functools.cache
def report_pdf_bytes(
    title: str = "Search report", *, lines: tuple[str, ...] = (CITATION,), pages: int = 1
) -> bytes:
    """A PDF with real text, rendered by WeasyPrint, as an office would produce it: the title,
    then `lines` and its page number on each of `pages` pages. Rendering is deterministic,
    so equal arguments give equal bytes and the result is cached."""
    import weasyprint

    body = "".join(f"<p>{html.escape(line)}</p>" for line in lines)
    sections = "".join(
        f'<section style="page-break-after: always"><h1>{html.escape(title)}</h1>{body}'
        f"<p>page {i + 1} of {pages}</p></section>"
        for i in range(pages)
    )
    return weasyprint.HTML(string=sections).write_pdf()


def report_pdf_path(folder: Path, name: str, title: str | None = None, **kwargs) -> Path:
    """`report_pdf_bytes` written to `folder/name`, for a browser to upload."""
    path = folder / name
    path.write_bytes(report_pdf_bytes(title or name, **kwargs))
    return path
