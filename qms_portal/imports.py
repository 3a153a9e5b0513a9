"""Importing people from XLSX or CSV: all or nothing, with an error list per row."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import services
from .models import Role, Unit, User
from .permissions import can
from .uploads import read_rows, validate_upload

REQUIRED = ("username", "full_name", "email", "unit_code")


class ImportRejected(Exception):
    def __init__(self, errors=None, message=""):
        super().__init__(message)
        self.errors = errors or []  # [(row number, [messages])]
        self.message = message


def import_users(*, acting_user, upload, send_links=True, request=None):
    """Check every row, then create every person (and role) in one transaction, or nothing."""
    try:
        validate_upload(upload, allowed=("xlsx", "csv"), max_bytes=5 * 1024 * 1024)
        header, rows = read_rows(upload)
    except ValidationError as error:
        raise ImportRejected(message=" ".join(error.messages))
    except Exception:  # noqa: BLE001 - any parser failure is a damaged file for the user
        raise ImportRejected(message=_("The file could not be read. Save it as XLSX or CSV UTF-8 and try again."))
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise ImportRejected(message=_("These columns are missing: %(cols)s.") % {"cols": ", ".join(missing)})
    if not rows:
        raise ImportRejected(message=_("The file has no rows to import."))

    units = {u.code: u for u in Unit.objects.filter(code__in={r.get("unit_code", "") for _n, r in rows})}
    roles = {r.code: r for r in Role.objects.all()}
    taken = set(User.objects.filter(username__in=[r.get("username", "") for _n, r in rows]).values_list(
        "username", flat=True))
    languages = {"en", "vi", "zh-hans", "zh-hant"}
    errors, seen, plan = [], set(), []
    for number, row in rows:
        problems = []
        for column in REQUIRED:
            if not row.get(column):
                problems.append(_("“%(col)s” is empty.") % {"col": column})
        username = row.get("username", "")
        if username in taken or username in seen:
            problems.append(_("The user name “%(name)s” is already taken.") % {"name": username})
        seen.add(username)
        unit = units.get(row.get("unit_code", ""))
        if row.get("unit_code") and unit is None:
            problems.append(_("There is no unit with the code “%(code)s”.") % {"code": row["unit_code"]})
        elif unit is not None and not can(acting_user, "qms_portal.add_user", unit):
            problems.append(_("You may not add people to the unit “%(code)s”.") % {"code": unit.code})
        role = None
        if row.get("role_code"):
            role = roles.get(row["role_code"])
            if role is None:
                problems.append(_("There is no role with the code “%(code)s”.") % {"code": row["role_code"]})
            elif unit is not None and not can(acting_user, "qms_portal.add_roleassignment", unit):
                problems.append(_("You may not assign roles on the unit “%(code)s”.") % {"code": unit.code})
        language = (row.get("language") or "en").lower()
        if language not in languages:
            problems.append(_("Unknown language “%(lang)s”; use en, vi, zh-hans or zh-hant.") % {"lang": language})
        # The fields' own checks (e-mail, lengths, user name characters) run on every row, so each row
        # lists all of its problems at once; the ones already reported above are not repeated.
        candidate = User(username=username, full_name=row.get("full_name", ""), email=row.get("email", ""),
                         primary_unit=unit, position=row.get("position", ""), phone=row.get("phone", ""),
                         language=language if language in languages else "en")
        candidate.set_unusable_password()
        try:
            candidate.full_clean(validate_unique=False, exclude=["primary_unit"])
        except ValidationError as error:
            labels = {f.name: f.verbose_name for f in User._meta.fields}
            problems.extend(
                f"{labels.get(field, field)}: {' '.join(msgs)}" for field, msgs in error.message_dict.items()
                if not (field in REQUIRED and not row.get(field))
            )
        if problems:
            errors.append((number, problems))
        else:
            plan.append((row, unit, role, language))
    if errors:
        raise ImportRejected(errors=errors, message=_("Nothing was imported. Correct these rows and try again."))

    created = []
    with transaction.atomic():
        for row, unit, role, language in plan:
            user = services.user_create(
                acting_user=acting_user, username=row["username"], full_name=row["full_name"], email=row["email"],
                primary_unit=unit, position=row.get("position", ""), phone=row.get("phone", ""), language=language,
                send_set_password_link=send_links, request=request,
            )
            if role is not None:
                services.role_assign(acting_user=acting_user, user=user, role=role, unit=unit, include_subunits=False,
                                     notify_user=False)  # they get the set-password link already
            created.append(user)
    return created
