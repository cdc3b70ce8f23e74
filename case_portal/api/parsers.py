"""The API's JSON parser: crafted bodies are a JSON 400, never a 500 (issue 18)."""

from rest_framework import parsers
from rest_framework.exceptions import ParseError


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError as exc:  # e.g. 100,000 nested brackets
            raise ParseError("JSON parse error - nested too deeply.") from exc
