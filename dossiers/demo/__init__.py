"""Demo data: the families (data), their builder and the demo report PDFs. Demo only."""

from .builder import load

__all__ = ["load"]
