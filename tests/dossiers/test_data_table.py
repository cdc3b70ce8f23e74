"""The data_table tag: the frame every data table shares (dossiers/templatetags/tables.py)."""

import pytest
from django.template import Context, Template, TemplateSyntaxError

PAGE = (
    "{% load tables %}"
    '{% data_table rows class="data x" testid="t" caption=caption empty=empty scroll=True %}'
    "<thead><tr><th>{{ head }}</th></tr></thead>"
    "{% data_rows %}{% for r in rows %}<tr><td>{{ r }}</td></tr>{% endfor %}"
    "{% enddata_table %}"
)


def render(**context):
    return Template(PAGE).render(Context(context))


def test_rows_are_shown_in_the_table_with_its_caption_and_escaped():
    html = render(rows=["<b>one</b>"], caption="<i>Cap</i>", empty="None yet", head="<u>H</u>")
    assert '<div class="table-scroll">' in html
    assert '<table class="data x" data-testid="t">' in html
    assert '<caption class="visually-hidden">&lt;i&gt;Cap&lt;/i&gt;</caption>' in html
    assert "<th>&lt;u&gt;H&lt;/u&gt;</th>" in html
    assert "<tbody><tr><td>&lt;b&gt;one&lt;/b&gt;</td></tr></tbody>" in html
    assert "None yet" not in html


def test_no_rows_shows_the_empty_text_and_no_table():
    html = render(rows=[], caption="Cap", empty="Nothing <here>", head="H")
    assert '<p class="muted">Nothing &lt;here&gt;</p>' in html
    assert "<table" not in html and "Cap" not in html and "H" not in html


def test_no_rows_and_no_empty_text_shows_nothing():
    assert render(rows=[], caption="Cap", empty="", head="H").strip() == ""


def test_an_unknown_option_is_a_template_error():
    with pytest.raises(TemplateSyntaxError):
        Template(
            "{% load tables %}{% data_table rows colour=1 %}{% data_rows %}{% enddata_table %}"
        )
