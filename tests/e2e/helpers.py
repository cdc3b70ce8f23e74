"""Steps the journeys share (helpers, not fixtures)."""


def login(page, email: str, password: str = "case-demo-2026") -> None:  # noqa: S107
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def open_menu(page) -> None:
    """At phone widths the header folds behind its Menu button: open it (no-op when wide)."""
    toggle = page.get_by_test_id("menu-toggle")
    if toggle.is_visible() and toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def logout(page) -> None:
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
