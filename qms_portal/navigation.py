"""The main navigation bar of every signed-in page, written in Python.

The layout is rendered on every request, and its navigation (some 120 template nodes: the menus,
the permission tests, a dozen addresses and labels, the language switcher) cost the template engine
about as long as a list's rows. ``navigation_html`` writes the same HTML in plain string joins:
labels in the reader's language, every value escaped, each address reversed once per process
(``areas.address``). What it offers is decided as the template decided it: an area's menu through
``areas.main_menu``, the committee's and the administration's menus on permissions held anywhere."""

from django.conf import settings
from django.template.backends.utils import csrf_input
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

from . import areas

# The Administration menu: (URL name, label, the permission its page needs, and — when the page
# alone is not worth a place in the menu — what else must be allowed for it to be of use).
# Units: the ``staff`` role holds ``view_unit`` so that units can be named and chosen on other pages
# (a request for a role, a document's owner); the unit list would show such a reader their own unit
# and a page whose role table stays empty for them. It is of use to whoever changes the tree, or sees
# who holds which role on a unit (role assignments, the roster PDF). The page itself stays open to
# every holder of ``view_unit``: this only decides what the menu offers.
ADMINISTRATION = (
    ("unit_list", gettext_noop("Units"), "qms_portal.view_unit",
     ("qms_portal.add_unit", "qms_portal.change_unit", "qms_portal.view_roleassignment", "qms_portal.view_roster")),
    ("user_list", gettext_noop("People"), "qms_portal.view_user", ()),
    ("assignment_list", gettext_noop("Role assignments"), "qms_portal.view_roleassignment", ()),
    ("role_list", gettext_noop("Roles"), "qms_portal.view_role", ()),
)

# The committee's menu: (URL name, label, the permission it needs besides ``view_dashboard``).
STEERING = (
    ("steering_dashboard", gettext_noop("Figures per unit"), ""),
    ("rollout_board", gettext_noop("Rollout board"), ""),
    ("annualreport_list", gettext_noop("Annual ISO reports"), "qms_portal.view_annualreport"),
    ("evaluation_list", gettext_noop("Evaluations of units"), "qms_portal.view_evaluation"),
    ("unitevaluation_list", gettext_noop("Evaluation sheets"), "qms_portal.view_unitevaluation"),
)


# The navigation's own words (outside the f-strings below: xgettext does not read calls inside them).
LABELS = {
    "navigation": gettext_noop("Main navigation"), "portal": gettext_noop("QMS Portal"),
    "menu": gettext_noop("Menu"), "my_work": gettext_noop("My work"), "dashboard": gettext_noop("Dashboard"),
    "administration": gettext_noop("Administration"), "access_requests": gettext_noop("Access requests"),
    "inbox": gettext_noop("Inbox"), "unread": gettext_noop("unread"), "my_exports": gettext_noop("My exports"),
    "preferences": gettext_noop("Preferences"), "change_password": gettext_noop("Change password"),
    "sign_out": gettext_noop("Sign out"), "language": gettext_noop("Language"), "go": gettext_noop("Go"),
}


def _labels():
    """``LABELS`` in the reader's language, escaped."""
    return {key: escape(gettext(msgid)) for key, msgid in LABELS.items()}


def administration_menu(user):
    """The entries of the Administration menu ``user`` has a use for: ``[(address, label), …]``,
    empty when there is none (and then no menu). Decided on permissions held anywhere, like the
    rest of the navigation."""
    return [
        (areas.address(name), gettext(label))
        for name, label, needed, useful in ADMINISTRATION
        if user.has_perm(needed) and (not useful or any(user.has_perm(perm) for perm in useful))
    ]


def _active(path, prefix):
    return "active" if path.startswith(prefix) else ""


def _item(address, label):
    return f'<li><a class="dropdown-item" href="{conditional_escape(address)}">{conditional_escape(label)}</a></li>'


def _dropdown(label, active, items):
    return (
        '\n        <li class="nav-item dropdown">\n'
        f'          <a class="nav-link dropdown-toggle {active}" href="#" role="button" data-bs-toggle="dropdown"'
        f' aria-expanded="false">{conditional_escape(label)}</a>\n'
        f'          <ul class="dropdown-menu">\n            {"".join(items)}\n          </ul>\n'
        "        </li>"
    )


def language_switcher_html(request, next_url=None, suffix="x", labels=None):
    """The language switcher (``templates/language_switcher.html`` writes the same for the pages
    without this navigation): a form that posts the chosen language and comes back to ``next_url``
    (the page's address with its query by default)."""
    language = get_language()
    options = "".join(
        f'<option value="{escape(code)}" lang="{escape(code)}"{" selected" if code == language else ""}>'
        f"{escape(name)}</option>"
        for code, name in settings.LANGUAGES)
    t = labels or _labels()
    label = t["language"]
    return mark_safe(  # noqa: S308 - every label and value escaped
        f'<form method="post" action="{escape(areas.address("switch_language"))}"'
        ' class="d-flex align-items-center gap-1 ms-lg-2 language-switcher" data-autosubmit>\n'
        f'  {csrf_input(request)}<input type="hidden" name="next"'
        f' value="{escape(next_url or request.get_full_path())}">\n'
        f'  <label class="visually-hidden" for="lang-{suffix}">{label}</label>\n'
        f'  <select name="language" class="form-select form-select-sm" id="lang-{suffix}" aria-label="{label}">\n'
        f"    {options}\n  </select>\n"
        f'  <button type="submit" class="btn btn-sm btn-light">{t["go"]}</button>\n'
        "</form>\n"
    )


def navigation_html(request, unread_count):
    """The ``<nav>`` of a signed-in page for ``request.user``, with ``unread_count`` beside the inbox."""
    user, path = request.user, request.path
    address, t = areas.address, _labels()
    parts = [
        '<nav class="navbar navbar-expand-lg navbar-dark navbar-portal"'
        f' aria-label="{t["navigation"]}">\n'
        '  <div class="container-fluid">\n'
        f'    <a class="navbar-brand" href="{address("home")}">{t["portal"]}</a>\n'
        '    <button class="navbar-toggler" type="button" data-bs-toggle="collapse" data-bs-target="#nav"'
        f' aria-controls="nav" aria-expanded="false" aria-label="{t["menu"]}">\n'
        '      <span class="navbar-toggler-icon"></span>\n    </button>\n'
        '    <div class="collapse navbar-collapse" id="nav">\n      <ul class="navbar-nav me-auto">\n'
        f'        <li class="nav-item"><a class="nav-link{" active" if path == "/" else ""}" href="{address("home")}">'
        f'{t["my_work"]}</a></li>'
    ]
    for menu in areas.main_menu(user, path):
        parts.append(_dropdown(menu.label, "active" if menu.active else "", [menu.links_html()]))
    if user.has_perm("qms_portal.view_dashboard"):
        parts.append(_dropdown(t["dashboard"], _active(path, "/steering/"), [
            _item(address(name), gettext(label)) for name, label, needs in STEERING
            if not needs or user.has_perm(needs)]))
    administration = administration_menu(user)
    if administration:
        parts.append(_dropdown(t["administration"], _active(path, "/admin/"),
                               [_item(url, label) for url, label in administration]))
    badge = (f'<span class="badge text-bg-warning" data-testid="unread-count">{int(unread_count)}</span>'
             f'<span class="visually-hidden">{t["unread"]}</span>') if unread_count else ""
    name = user.full_name or user.username
    parts.append(
        f'\n        <li class="nav-item"><a class="nav-link {_active(path, "/access-requests/")}"'
        f' href="{address("accessrequest_list")}">{t["access_requests"]}</a></li>\n'
        '      </ul>\n      <ul class="navbar-nav">\n        <li class="nav-item">\n'
        f'          <a class="nav-link {_active(path, "/inbox/")}" href="{address("inbox")}" id="inbox-link">'
        f'{t["inbox"]}\n            {badge}\n          </a>\n        </li>\n'
        '        <li class="nav-item dropdown">\n'
        '          <a class="nav-link dropdown-toggle" href="#" role="button" data-bs-toggle="dropdown"'
        f' aria-expanded="false">{conditional_escape(name)}</a>\n'
        '          <ul class="dropdown-menu dropdown-menu-end">\n'
        f'            {_item(address("job_list"), t["my_exports"])}\n'
        f'            {_item(address("preferences"), t["preferences"])}\n'
        f'            {_item(address("password_change"), t["change_password"])}\n'
        '            <li><hr class="dropdown-divider"></li>\n'
        f'            <li><form method="post" action="{address("logout")}">{csrf_input(request)}'
        f'<button class="dropdown-item" type="submit">{t["sign_out"]}</button></form></li>\n'
        '          </ul>\n        </li>\n      </ul>\n'
        f"      {language_switcher_html(request, labels=t)}"
        "    </div>\n  </div>\n</nav>"
    )
    return mark_safe("".join(parts))  # noqa: S308 - every label, name and address escaped above
