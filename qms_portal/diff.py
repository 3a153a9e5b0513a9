"""Side-by-side comparison of two texts, line by line, for every page that compares two versions
(two revisions of a document, two history records of one field)."""

import difflib
import html
import re
import unicodedata

DIFF_CONTEXT = 3  # unchanged lines kept around each change; longer unchanged runs fold into one row

_BLOCK_END = re.compile(r"</(p|li|h\d|tr|div|blockquote|pre|table|ul|ol)>|<br\s*/?>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")
_HTML = re.compile(r"<[a-zA-Z/][^>]*>")


def looks_like_html(text):
    return isinstance(text, str) and bool(_HTML.search(text))


def plain_text(markup):
    """One line of text from a piece of HTML: tags dropped, entities decoded, spaces collapsed, NFC."""
    text = _TAG.sub(" ", markup or "")
    return unicodedata.normalize("NFC", " ".join(html.unescape(text).split()))


def text_lines(*parts):
    """The non-empty lines of one or more texts: HTML is cut at the end of each block (paragraph,
    list item, heading, table row, line break) and read as plain text; other text at its line breaks."""
    lines = []
    for part in parts:
        if not part:
            continue
        if looks_like_html(part):
            chunks = _BLOCK_END.sub("\n", part).split("\n")
            lines += [line for line in (plain_text(chunk) for chunk in chunks) if line]
        else:
            lines += [line.strip() for line in str(part).splitlines() if line.strip()]
    return lines


def side_by_side(old, new):
    """Rows of (kind, old line, new line) with kind in equal / changed / removed / added."""
    rows = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        if tag == "equal":
            rows += [("equal", a, b) for a, b in zip(old[i1:i2], new[j1:j2], strict=True)]
        elif tag == "replace":
            left, right = old[i1:i2], new[j1:j2]
            for k in range(max(len(left), len(right))):
                rows.append(("changed", left[k] if k < len(left) else "", right[k] if k < len(right) else ""))
        elif tag == "delete":
            rows += [("removed", a, "") for a in old[i1:i2]]
        else:
            rows += [("added", "", b) for b in new[j1:j2]]
    return rows


def fold(rows, context=DIFF_CONTEXT):
    """Rows as ``side_by_side`` gives them, with each run of unchanged lines longer than the context
    around the changes folded into one ("skip", number of lines, "") row: a 20-page procedure with
    two changed paragraphs reads as those paragraphs, not as 20 pages."""
    folded, i = [], 0
    while i < len(rows):
        if rows[i][0] != "equal":
            folded.append(rows[i])
            i += 1
            continue
        j = i
        while j < len(rows) and rows[j][0] == "equal":
            j += 1
        head = context if i > 0 else 0  # context after the change above
        tail = context if j < len(rows) else 0  # context before the change below
        run = rows[i:j]
        if len(run) > head + tail + 1:
            folded += run[:head]
            folded.append(("skip", len(run) - head - tail, ""))
            folded += run[len(run) - tail:]
        else:
            folded += run
        i = j
    return folded


def changed(rows):
    return any(kind != "equal" for kind, _left, _right in rows)
