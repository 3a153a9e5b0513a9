"""``pk_url`` gives the address ``reverse`` gives, without resolving the pattern each time."""

import pytest
from django.urls import reverse, set_script_prefix

from qms_portal.links import pk_url

NAMES = ["unit_detail", "user_detail", "accessrequest_detail", "documents:document_detail",
         "documents:revision_detail", "nonconformities:nonconformity_detail", "nonconformities:action_detail"]


@pytest.mark.parametrize("name", NAMES)
def test_it_gives_what_reverse_gives(name):
    for pk in (1, 7, 123456, 2147480647):
        assert pk_url(name, pk) == reverse(name, args=[pk])


def test_it_follows_the_script_prefix():
    try:
        set_script_prefix("/qms/")
        assert pk_url("unit_detail", 5) == reverse("unit_detail", args=[5]) == "/qms/admin/units/5/"
    finally:
        set_script_prefix("/")
    assert pk_url("unit_detail", 5) == "/admin/units/5/"


def test_a_key_that_is_not_a_number_is_refused():
    with pytest.raises(ValueError):
        pk_url("unit_detail", "5/../../x")


def test_it_takes_several_keys():
    assert pk_url("audits:checklist_answer", 12, 3456) == reverse("audits:checklist_answer", args=[12, 3456])
    assert pk_url("audits:checklist_item_history", 7, 8) == reverse("audits:checklist_item_history", args=[7, 8])


def test_a_registers_address_filtered_to_a_unit_is_what_urlencode_writes_with_the_unit_last():
    from types import SimpleNamespace
    from urllib.parse import urlencode

    from qms_portal.links import unit_register

    for pk in (3, 123456):
        unit = SimpleNamespace(id=pk)
        params = {"status": "closed", "closed_from": "2026-01-01", "q": "hồ sơ & x"}
        assert unit_register("nonconformities:register", unit, **params) == (
            f"{reverse('nonconformities:register')}?{urlencode({**params, 'unit': pk})}")
        assert unit_register("nonconformities:register", unit) == f"{reverse('nonconformities:register')}?unit={pk}"
    try:
        set_script_prefix("/qms/")
        assert unit_register("audits:finding_list", SimpleNamespace(id=5), open="true") == (
            "/qms/audits/findings/?open=true&unit=5")
    finally:
        set_script_prefix("/")
    with pytest.raises(ValueError):
        unit_register("audits:finding_list", SimpleNamespace(id="5&x=1"))
