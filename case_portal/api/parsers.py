"""The API's JSON parser: crafted bodies are a JSON 400, never a 500 (issue 18), and the 400
says what is wrong with the body in the client's terms, not Python's."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


def _plain(exc: ValueError) -> str | None:
    """The words for a body Python's json refused where its own message speaks Python."""
    if isinstance(exc, UnicodeDecodeError):
        return (
            f"the body is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at position "
            f"{exc.start}); send JSON encoded as UTF-8."
        )
    if "int_max_str_digits" in str(exc):
        return "a number in the body has more than 4,300 digits; send such values as text."
    if "UTF-8 BOM" in str(exc):
        return "the body starts with a byte order mark; send UTF-8 JSON without one."
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # e.g. 100,000 nested brackets
            raise ParseError("JSON parse error - nested too deeply.") from exc
        except ParseError as exc:
            cause = exc.__context__
            words = _plain(cause) if isinstance(cause, ValueError) else None
            if words is None:
                raise
            raise ParseError(f"JSON parse error - {words}") from cause
