"""The demo dossiers. Demo only: no production module imports this package.

data.py, data_subjects.py   the spec shapes and tables, the inventions (pure data)
numbering.py                plausible, unique demo numbers per office and date
family_specs.py             the families drawn from the data (seeded, the same every time)
report_text.py              the text of each demo report (template context per report kind)
report_pdf_builder.py       renders that context to PDF (templates/dossiers/demo/)
builder.py                  load(): turns the families into rows through the services
"""

from .builder import load

__all__ = ["load"]
