"""The base model form every app subclasses, and the core's forms."""

from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import AccessRequest, Role, RoleAssignment, Unit, User
from .permissions import restrict
from .selectors import assignable_permissions
from .unit_picker import UnitChoiceField, UnitScope, unit_field_from


class RichTextWidget(forms.Widget):
    """Rich text edited with Trix (vendored in static/); the HTML is sanitised by the service. A
    visible field (with its label) whose value travels in a hidden input Trix keeps up to date."""

    template_name = "widgets/rich_text.html"

    class Media:
        css = {"all": ["vendor/trix/trix.css"]}
        js = ["vendor/trix/trix.umd.min.js"]


class DatePicker(forms.DateInput):
    """The browser's date picker (``type="date"``). Its value is ISO (2026-12-04) in every language
    (the browser shows it the reader's way); typed dates are read as the language's
    ``DATE_INPUT_FORMATS`` say, ISO first (qms_portal/formats/)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class ScopedModelForm(forms.ModelForm):
    """Every choice of a scoped related model is narrowed to what the user may see, or, for the
    fields named in ``scope_actions``, to where the user may do that action. A unit is chosen with
    the unit picker (``qms_portal.unit_picker``), among the active units of that scope."""

    scope_actions = {}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        for name, field in list(self.fields.items()):
            if not isinstance(field, forms.ModelChoiceField):
                continue
            model = field.queryset.model
            if model is Unit and not isinstance(field, forms.ModelMultipleChoiceField):
                if not isinstance(field, UnitChoiceField):
                    field = self.fields[name] = unit_field_from(field)
                    field.bind(user, UnitScope(self.scope_actions.get(name, "view")))
                else:
                    field.bind(user, UnitScope(self.scope_actions[name]) if name in self.scope_actions else None)
            elif getattr(model, "unit_field", None) is not None:
                field.queryset = restrict(field.queryset, user, self.scope_actions.get(name, "view"))
                if model is Unit:
                    field.queryset = field.queryset.filter(is_active=True)


class ServiceForm(forms.Form):
    """A plain form with the same ``user`` argument, for service calls that are not a model form."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user


class UnitForm(ScopedModelForm):
    scope_actions = {"parent": "qms_portal.add_unit"}

    class Meta:
        model = Unit
        fields = ["code", "name", "kind", "parent", "runs_own_qms"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].required = not self.user.is_superuser
        if self.instance.pk:
            # Not under itself; and leaving a unit where it is is not a move: its current parent
            # stays a valid choice even when the editor may not add units there (an administrator
            # of this unit only).
            self.fields["parent"].bind(self.user, UnitScope(
                "qms_portal.add_unit", below=self.instance.path,
                also=(self.instance.parent_id,) if self.instance.parent_id else ()))


class UserForm(ScopedModelForm):
    scope_actions = {"primary_unit": "qms_portal.add_user"}

    class Meta:
        model = User
        fields = ["username", "full_name", "email", "primary_unit", "position", "phone", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["primary_unit"].required = True
        self.fields["email"].required = True


class UserCreateForm(UserForm):
    password = forms.CharField(
        label=_("Temporary password"), required=False, strip=False, widget=forms.PasswordInput(render_value=True),
        help_text=_("The person must change it at first login. Leave empty to e-mail them a link to set "
                    "their own password."),
    )

    def clean_password(self):
        password = self.cleaned_data.get("password")
        if password:
            password_validation.validate_password(password, User(username=self.data.get("username", "")))
        return password


class SetPasswordForm(ServiceForm):
    password1 = forms.CharField(label=_("New password"), strip=False, widget=forms.PasswordInput)
    password2 = forms.CharField(label=_("New password again"), strip=False, widget=forms.PasswordInput)

    def __init__(self, *args, target=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.target = target
        self.fields["password1"].help_text = password_validation.password_validators_help_text_html()

    def clean(self):
        data = super().clean()
        if data.get("password1") and data.get("password1") != data.get("password2"):
            self.add_error("password2", _("The two passwords are not the same."))
        elif data.get("password1"):
            try:
                password_validation.validate_password(data["password1"], self.target)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data


class ImportForm(ServiceForm):
    file = forms.FileField(
        label=_("File (XLSX or CSV)"),
        help_text=_("Columns: username, full_name, email, unit_code, position, phone, language, role_code. "
                    "The first row holds the column names."),
    )
    send_links = forms.BooleanField(
        label=_("E-mail each person a link to set their password"), required=False, initial=True
    )


class RoleForm(forms.ModelForm):
    permissions = forms.ModelMultipleChoiceField(
        label=_("Permissions"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Role
        fields = ["code", "name", "description", "permissions"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = assignable_permissions().order_by(
            "content_type__app_label", "content_type__model", "codename"
        )
        self.fields["permissions"].label_from_instance = lambda p: f"{p.content_type.app_label} · {_(p.name)}"


class RoleAssignmentForm(ScopedModelForm):
    scope_actions = {"unit": "qms_portal.add_roleassignment"}
    user = forms.ModelChoiceField(
        label=_("Person (user name)"), queryset=User.objects.filter(is_active=True), to_field_name="username",
        widget=forms.TextInput(attrs={"autocomplete": "off", "list": "people"}),
        error_messages={"invalid_choice": _("No active person with this user name is within your scope.")},
    )

    class Meta:
        model = RoleAssignment
        fields = ["user", "role", "unit", "include_subunits"]


class EndAssignmentForm(ServiceForm):
    reason = forms.CharField(
        label=_("Reason for ending"), required=False, max_length=500,
        help_text=_("Kept with the assignment and shown in its history (for example: moved to another post)."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class RosterDateForm(forms.Form):
    on = forms.DateField(label=_("Who held which role on"), widget=DatePicker)


class AccessRequestForm(forms.ModelForm):
    class Meta:
        model = AccessRequest
        fields = ["role", "unit", "include_subunits", "justification"]
        widgets = {"justification": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # Any active unit: one asks for a role where one does not hold one yet.
        self.fields["unit"] = unit_field_from(self.fields["unit"]).bind(user, UnitScope(action=None))


class TransitionForm(forms.Form):
    """The form of a workflow transition: the reason, the password when it is signed, and in a
    subclass (``Transition.form_class``) whatever else the transition asks for; those extra fields
    reach the service as ``data``. ``obj`` is the record, ``user`` the person acting."""

    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    password = forms.CharField(
        label=_("Your password (to sign)"), required=False, strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, transition, obj=None, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition, self.obj, self.user = transition, obj, user
        self.fields["reason"].required = transition.reason_required
        if transition.needs_password:
            self.fields["password"].required = True
            # The password field comes last, next to the button: what is signed is above it.
            self.order_fields([name for name in self.fields if name != "password"] + ["password"])
        else:
            del self.fields["password"]

    def extra_data(self):
        """The cleaned fields beyond the reason and the password."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("reason", "password")}


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Language"), choices=settings.LANGUAGES)
    notification_mode = forms.ChoiceField(label=_("E-mail notifications"), choices=User.NotificationMode.choices)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=32)


# --- Attachments ------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files under one name (``<input type="file" multiple>``), cleaned one by one."""

    widget = MultipleFileInput

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        return [super(MultipleFileField, self).clean(item, initial) for item in files]


class AttachmentForm(forms.Form):
    """The upload form of the attachments panel: a photo from the camera and/or chosen files, with
    one caption for them. The files themselves are checked by the service."""

    photo = MultipleFileField(label=_("Take a photo"), required=False)
    files = MultipleFileField(label=_("Choose files"), required=False)
    caption = forms.CharField(label=_("Caption"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        chosen = [*data.get("photo", []), *data.get("files", [])]
        if not chosen:
            raise forms.ValidationError(_("Choose a file or take a photo to attach."))
        if len(chosen) > settings.ATTACHMENT_MAX_FILES:
            raise forms.ValidationError(
                _("At most %(count)d files can be attached at once.") % {"count": settings.ATTACHMENT_MAX_FILES})
        data["uploads"] = chosen
        return data


class AttachmentWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason for withdrawing"), max_length=1000)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's "forgot password" form whose e-mail goes through the outbox: the request writes one
    outbox row — the same work for a known and an unknown address, no lookup of the account and no
    SMTP — and a task finds the accounts, makes Django's token and sends the link in each person's
    language after the commit (``outbox.send_password_email``)."""

    def save(self, domain_override=None, subject_template_name=None, email_template_name=None, use_https=False,
             token_generator=None, from_email=None, request=None, html_email_template_name=None,
             extra_email_context=None):
        from django.contrib.sites.shortcuts import get_current_site
        from django.db import transaction

        from .outbox import queue_password_email

        if domain_override:
            domain = site_name = domain_override
        else:
            site = get_current_site(request)
            domain, site_name = site.domain, site.name
        with transaction.atomic():
            queue_password_email(email=self.cleaned_data["email"], domain=domain, site_name=site_name,
                                 use_https=use_https)


def on_fields(form, service, **kwargs):
    """Call ``service``; the messages of a ``ValidationError`` that names fields go beside those
    fields (what was typed is kept), the others above the form."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        if not hasattr(error, "error_dict"):
            raise
        for name, errors in error.error_dict.items():
            for e in errors:
                form.add_error(name if name in form.fields else None, e)
        raise ValidationError([]) from error
