"""Unread notification count for the page frame (filled in by the notifications feature)."""


def unread(request):
    return {}
