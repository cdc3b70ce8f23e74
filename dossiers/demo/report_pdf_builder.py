"""Office report PDFs (search report, written opinion, office action) rendered with WeasyPrint.

The templates live in templates/dossiers/demo/. Rendering is byte-for-byte deterministic for the
same template and context: documents are de-duplicated by their sha256, so a report rendered twice
must not turn into two documents. WeasyPrint writes no creation date or /ID unless asked; we set
both from the input (the document's own date, a hash of the HTML) so that stays true even if a
later WeasyPrint version starts adding them by default.
"""

import hashlib
import logging
import os
from collections.abc import Mapping
from pathlib import Path

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from ..models import Document

TEMPLATES = {
    Document.Category.SEARCH_REPORT: "dossiers/demo/search_report.html",
    Document.Category.WRITTEN_OPINION: "dossiers/demo/written_opinion.html",
    Document.Category.OFFICE_ACTION: "dossiers/demo/office_action.html",
}

# Rendered bytes by hash of the HTML. Layout is the slow part (~0.15 s CPU a report); loading
# the demo again in the same process (tests, e2e fixtures) then costs no rendering at all.
_CACHE: dict[bytes, bytes] = {}
_CACHE_MAX = 2000

# WeasyPrint logs every layout step at INFO; a demo load would print thousands of lines.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def css_string(text: str) -> SafeString:
    """A CSS string literal for `content:` in @page margin boxes (HTML escaping does not apply
    inside <style>, so quotes, backslashes and `<` are escaped the CSS way)."""
    out = []
    for ch in str(text):
        if ch in '"\\<>&' or ord(ch) < 32:
            out.append(f"\\{ord(ch):x} ")
        else:
            out.append(ch)
    return mark_safe('"' + "".join(out) + '"')  # noqa: S308 - every special character escaped above


def html_to_pdf(html: str) -> bytes:
    """WeasyPrint, uncached. The same HTML always gives the same bytes."""
    from weasyprint import HTML  # imported late: it loads Pango and fontconfig

    digest = hashlib.sha256(html.encode()).digest()
    return HTML(string=html).write_pdf(pdf_identifier=digest[:16].hex().encode())


def pdf_render(*, template_name: str, context: Mapping, cache_dir: Path | None = None) -> bytes:
    """Render one template to PDF bytes; the same input always gives the same bytes.

    With `cache_dir`, rendered files are also kept on disk by hash of their HTML (and the
    WeasyPrint version), so a fresh process loading the same demo renders nothing.
    """
    html = render_to_string(template_name, dict(context))
    digest = hashlib.sha256(html.encode()).digest()
    cached = _CACHE.get(digest)
    if cached is not None:
        return cached
    path = None
    if cache_dir is not None:
        import weasyprint

        path = Path(cache_dir) / f"{digest.hex()}-{weasyprint.__version__}.pdf"
        if path.is_file():
            pdf = path.read_bytes()
            _CACHE[digest] = pdf
            return pdf
    pdf = html_to_pdf(html)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        tmp.write_bytes(pdf)
        tmp.replace(path)  # atomic: a concurrent loader never reads half a file
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[digest] = pdf
    return pdf


def report_render(*, category: str, context: Mapping, cache_dir: Path | None = None) -> bytes:
    """Render a report of `category` (search_report, written_opinion, office_action).

    `context` holds office_name, office_address, code, form_ref, doc_title, doc_subtitle, doc_date,
    application (anything with display, filing_date, title, is_pct, pct_display), applicants,
    priorities, citations (dicts: category, display or npl, claims, passage, label), examiner,
    place, plus the template's own keys (sections, statement, fields_searched, ...).
    """
    try:
        template_name = TEMPLATES[category]
    except KeyError:
        raise ValueError(f"No report template for category {category!r}.") from None
    ctx = dict(context)
    footer = ctx.get("code", "")
    if ctx.get("form_ref"):
        footer = f"{footer} · {ctx['form_ref']}"
    ctx["css"] = {
        "header_left": css_string(ctx.get("office_name", "")),
        "header_right": css_string(getattr(ctx.get("application"), "display", "")),
        "footer_left": css_string(footer),
    }
    return pdf_render(template_name=template_name, context=ctx, cache_dir=cache_dir)
