"""case_portal/reversing.py: a kept URL is the one reverse() gives under the current prefix."""

from django.urls import reverse, set_script_prefix

from case_portal.reversing import url_kept, url_maker


def test_kept_urls_are_reverses_and_follow_the_script_prefix():
    assert url_kept("notifications:request-list") == reverse("notifications:request-list")
    assert url_maker("dossiers:document-detail")(42) == reverse(
        "dossiers:document-detail", args=[42]
    )
    set_script_prefix("/portal/")  # a portal served under a sub-path
    try:
        assert url_kept("notifications:request-list").startswith("/portal/")
        assert url_maker("dossiers:document-detail")(42) == reverse(
            "dossiers:document-detail", args=[42]
        )
        assert url_maker("dossiers:document-detail")(42).startswith("/portal/")
    finally:
        set_script_prefix("/")
    assert not url_kept("notifications:request-list").startswith("/portal/")
