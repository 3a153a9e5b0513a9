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
