"""Counts for the page frame: unread notifications (everyone signed in) and the open requests
waiting for a providing office (its clerks and admins): one COUNT each per page."""

from django.urls import reverse

from .selectors import notification_unread_count, requests_open_incoming_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notifications_url": reverse("notifications:notification-list"),
        "unread_count": notification_unread_count(user=user),
        "requests_url": reverse("notifications:request-list"),
        "requests_open_count": requests_open_incoming_count(user=user),
    }
