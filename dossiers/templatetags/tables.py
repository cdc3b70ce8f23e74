"""{% data_table %}: the frame every data table of the portal shares, written once.

    {% data_table rows class="data" testid="worklists" empty=_("No worklist yet.") scroll=True %}
      <thead>…</thead>
    {% data_rows %}
      {% for w in rows %}<tr>…</tr>{% endfor %}
    {% enddata_table %}

The head and the rows are the page's own markup, rendered in the page's context (so escaped as
the page is); the frame, `includes/_data_table.html`, gets only the options and the two rendered
parts. With no rows neither part is rendered: the `empty` text in a muted paragraph, or nothing.
Options: class and testid of the table, a visually hidden caption, empty, scroll (wrap it in
the div that scrolls sideways on a phone).
"""

from django import template
from django.template.base import token_kwargs

register = template.Library()

FRAME = "includes/_data_table.html"
OPTIONS = frozenset({"class", "testid", "caption", "empty", "scroll"})


class DataTableNode(template.Node):
    def __init__(self, rows, options, head, body):
        self.rows, self.options, self.head, self.body = rows, options, head, body

    def render(self, context):
        values = {name: value.resolve(context) for name, value in self.options.items()}
        values["shown"] = bool(self.rows.resolve(context))
        if values["shown"]:
            values["head"] = self.head.render(context)
            values["body"] = self.body.render(context)
        frame = context.template.engine.get_template(FRAME)
        return frame.render(context.new(values))


@register.tag("data_table")
def data_table(parser, token):
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("data_table takes the rows first")
    options = token_kwargs(bits[2:], parser, support_legacy=False)
    if len(options) != len(bits) - 2 or not OPTIONS.issuperset(options):
        raise template.TemplateSyntaxError(
            f"data_table takes name=value options among {sorted(OPTIONS)}, got {bits[2:]}"
        )
    head = parser.parse(("data_rows",))
    parser.delete_first_token()
    body = parser.parse(("enddata_table",))
    parser.delete_first_token()
    return DataTableNode(parser.compile_filter(bits[1]), options, head, body)
