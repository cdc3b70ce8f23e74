"""Content negotiation of the API: an answer it cannot give in the asked format is a 406 that
says so; DRF's answer to ?format=xml is a bare 404, read as "no such object"."""

from rest_framework import exceptions, negotiation


class ContentNegotiation(negotiation.DefaultContentNegotiation):
    def filter_renderers(self, renderers, format):
        kept = [renderer for renderer in renderers if renderer.format == format]
        if not kept:
            offered = ", ".join(sorted({r.format for r in renderers}))
            raise exceptions.NotAcceptable(
                f"No answer in format '{format[:40]}'; leave out format= or use one of: {offered}."
            )
        return kept
