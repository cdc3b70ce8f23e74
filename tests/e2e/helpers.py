"""Steps the journeys share (helpers, not fixtures)."""


def login(page, email: str, password: str = "case-demo-2026") -> None:  # noqa: S107
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)
