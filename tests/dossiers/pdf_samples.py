"""Real small PDFs for upload tests: valid, encrypted, truncated, renamed non-PDF."""

import io

from pypdf import PdfWriter


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


def report_pdf_bytes(title: str = "Search report") -> bytes:
    """A PDF with real text, rendered by WeasyPrint, as an office would produce it."""
    import weasyprint

    html = f"<h1>{title}</h1><p>Category X: US 8,131,731 B2, claims 1-5.</p>"
    return weasyprint.HTML(string=html).write_pdf()
