"""Counts for the page frame: unread notifications (everyone signed in) and the open requests
waiting for a providing office (its clerks and admins), read together in one statement."""

from case_portal.reversing import url_kept

from .selectors import frame_counts


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread_count, requests_open_count = frame_counts(user=user)
    return {
        "notifications_url": url_kept("notifications:notification-list"),
        "unread_count": unread_count,
        "requests_url": url_kept("notifications:request-list"),
        "requests_open_count": requests_open_count,
    }
