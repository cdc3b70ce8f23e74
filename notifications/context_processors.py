"""Unread notification count for the page frame: one COUNT per page for signed-in people."""

from django.urls import reverse

from .selectors import notification_unread_count


def unread(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "notifications_url": reverse("notifications:notification-list"),
        "unread_count": notification_unread_count(user=user),
    }
