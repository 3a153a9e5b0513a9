"""Rich text is sanitised with nh3 before it is stored or shown."""

import nh3

ALLOWED_TAGS = {
    "p", "div", "br", "strong", "b", "em", "i", "u", "s", "del", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5",
    "blockquote",
    "table", "thead", "tbody", "tr", "th", "td", "a", "code", "pre", "hr", "sub", "sup", "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


def clean_html(html):
    return nh3.clean(
        html or "", tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
