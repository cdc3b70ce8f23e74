"""case_portal/translations.py: the pruned translations say what Django's own chain says."""

import pytest
from django.conf import settings
from django.utils.translation import trans_real


@pytest.mark.parametrize("language", [code for code, _ in settings.LANGUAGES])
def test_every_text_translates_as_through_djangos_full_chain_of_catalogues(language):
    pruned = trans_real.translation(language)  # as pages get it (installed by offices.apps)
    full = trans_real.DjangoTranslation(language)  # made afresh: Django's chain, unpruned
    texts = set()
    node = full
    while node is not None:  # every text any catalogue of the chain holds
        catalogue = node._catalog
        keys = catalogue.keys() if hasattr(catalogue, "keys") else []
        texts |= {k for k in keys if isinstance(k, str) and k}
        node = getattr(node, "_fallback", None)
    texts |= {"Members", "Log out", "a text no catalogue holds"}
    assert len(texts) > 100
    for text in texts:
        assert pruned.gettext(text) == full.gettext(text), text
    for n in (1, 2, 5):
        assert pruned.ngettext("%(count)s unread", "%(count)s unread", n) == full.ngettext(
            "%(count)s unread", "%(count)s unread", n
        )
        assert pruned.ngettext("no such", "no suches", n) == full.ngettext(
            "no such", "no suches", n
        )
    assert pruned.pgettext("button", "Watch") == full.pgettext("button", "Watch")
    # No catalogue left that holds nothing but its header (en-gb: Django chains six).
    node = pruned
    while node is not None:
        assert set(node._catalog.keys()) - {""}, node
        node = getattr(node, "_fallback", None)
