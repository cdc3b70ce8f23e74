"""Steps the journeys share (helpers, not fixtures)."""


def login(page, email: str, password: str = "case-demo-2026") -> None:  # noqa: S107
    page.goto("/accounts/login/")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login" not in url)


def open_menu(page) -> None:
    """At phone widths (up to 760 px, portal.css) the header folds behind its Menu button: open
    it (no-op when wide). The button is shown by menu.js once the page has loaded, so wait for it
    rather than asking whether it is visible yet."""
    if page.viewport_size["width"] > 760:
        return
    toggle = page.get_by_test_id("menu-toggle")
    toggle.wait_for(state="visible")
    if toggle.get_attribute("aria-expanded") != "true":
        toggle.click()


def logout(page) -> None:
    open_menu(page)
    page.get_by_role("button", name="Log out").click()
    # Wait for the signed-out page: a next goto() would abort the POST's navigation, and its
    # cookie-clearing answer could then land after the next person's log-in.
    page.wait_for_url(lambda url: "/accounts/login" in url)


def browser_page(browser, live_server, **options):
    """A fresh browser context's page (a generator for fixtures); `options` go to the context
    (e.g. locale="fr-CA" for a browser that asks for French)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 860},
        accept_downloads=True,
        **options,
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    yield page
    context.close()
    # CSP violations and script errors are console errors: a page that logs one is broken.
    assert not errors, errors
