"""A HEAD request is answered like a GET but counts no use (stats/services.py: uncounted)."""

from .services import uncounted


class HeadNotCountedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method != "HEAD":
            return self.get_response(request)
        with uncounted():
            response = self.get_response(request)
        if response.streaming:
            # A HEAD has no body: the stream (a file read, a ZIP made and counted as it goes)
            # never runs, whatever the server does with the iterator.
            response.streaming_content = iter(())
        return response
