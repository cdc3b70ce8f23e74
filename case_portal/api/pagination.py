"""Pages of the API's lists: a page number that cannot be one is the client's error (400, naming
what it sent), a page past the end a 404 naming the last page; DRF says "Invalid page." for
both, a 404 a client reads as "the application is missing"."""

from rest_framework import exceptions, pagination


class PageNumberPagination(pagination.PageNumberPagination):
    def get_page_number(self, request, paginator):
        text = request.query_params.get(self.page_query_param) or "1"
        if text in self.last_page_strings:
            return paginator.num_pages
        if not (text.isascii() and text.isdigit()) or not text.strip("0"):
            raise exceptions.ValidationError(
                {"page": [f"A page is a whole number from 1 (or 'last'), not '{text[:40]}'."]}
            )
        # int() of 5,000 digits raises (Python's own limit); any such page is past the end.
        number = int(text) if len(text) <= 9 else paginator.num_pages + 1
        if number > paginator.num_pages:
            last = paginator.num_pages
            raise exceptions.NotFound(f"There is no page {text[:40]}; the last page is {last}.")
        return number
