"""The records part's rules: who gets a certificate and its number (given once, from the unit's
sequence), feedback only from those present, and the head's effectiveness check."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests import factories
from tests.training import records_factories as rf
from tests.training.records_helpers import session_page  # noqa: F401
from training.models import Participant, Session
from training.services import records as services

A = Participant.Attendance


@pytest.fixture
def held(tree):
    return rf.make_session(tree.ward1, trainer=tree.ward1_mr)


def test_a_certificate_takes_the_units_next_number_once(tree, held):
    first = rf.add_participant(held, rf.person("Nguyễn Văn An", tree.ward1))
    second = rf.add_participant(held, rf.person("Trần Thị Bình", tree.ward1))
    year = timezone.localdate().year
    issued = services.certificate_issue(acting_user=tree.superuser, participant=first)
    assert issued.certificate_number == f"{tree.ward1.code}-CERT-{year}-1"
    assert issued.certificate_issued_at is not None
    again = services.certificate_issue(acting_user=first.user, participant=first)
    assert again.certificate_number == issued.certificate_number
    assert again.certificate_issued_at == issued.certificate_issued_at
    assert services.certificate_issue(acting_user=tree.superuser, participant=second).certificate_number == (
        f"{tree.ward1.code}-CERT-{year}-2")
    first.refresh_from_db()
    assert first.history.count() == 2  # created, then the certificate issued (tracked)


@pytest.mark.parametrize("attendance, reason, words", [
    (A.ABSENT, "Đi công tác", "was absent"),
    (A.EXCUSED, "Nghỉ phép", "was excused"),
    (A.UNKNOWN, "", "was not recorded"),
])
def test_a_certificate_is_refused_to_whoever_was_not_present(tree, held, attendance, reason, words):
    p = rf.add_participant(held, rf.person("Lê Văn Cường", tree.ward1), attendance=attendance, reason=reason)
    with pytest.raises(ValidationError) as error:
        services.certificate_issue(acting_user=tree.superuser, participant=p)
    assert words in error.value.messages[0] and "Lê Văn Cường" in error.value.messages[0]
    p.refresh_from_db()
    assert p.certificate_number == ""


def test_a_certificate_is_refused_below_the_pass_mark_and_given_at_it(tree):
    session = rf.make_session(tree.ward1, rf.make_course("Chuyên gia đánh giá nội bộ", pass_mark=70))
    failed = rf.add_participant(session, rf.person("Phạm Thu", tree.ward1), score=65)
    passed = rf.add_participant(session, rf.person("Hoàng Minh", tree.ward1), score=70)
    with pytest.raises(ValidationError, match="below the pass mark of 70"):
        services.certificate_issue(acting_user=tree.superuser, participant=failed)
    assert services.certificate_issue(acting_user=tree.superuser, participant=passed).certificate_number


def test_no_certificate_before_the_session_is_held(tree):
    planned = rf.make_session(tree.ward1, status=Session.Status.INVITED, days_ago=-5)
    p = rf.add_participant(planned, rf.person("Đỗ Hà", tree.ward1))
    with pytest.raises(ValidationError, match="has not been held"):
        services.certificate_issue(acting_user=tree.superuser, participant=p)


def test_someone_who_may_not_read_the_participation_gets_no_certificate(tree, held):
    p = rf.add_participant(held, rf.person("Vũ Lan", tree.ward1))
    with pytest.raises(PermissionDenied):
        services.certificate_issue(acting_user=tree.outsider, participant=p)


def test_feedback_comes_from_the_participant_present_and_replaces_their_earlier_answers(tree, held):
    p = rf.add_participant(held, rf.person("Ngô Bảo", tree.ward1))
    ratings = {"relevance": 5, "content": 4, "trainer": 5, "overall": 4}
    services.feedback_submit(acting_user=p.user, participant=p, comment="Rất hữu ích", **ratings)
    services.feedback_submit(acting_user=p.user, participant=p, comment="Cần thêm ví dụ", **ratings | {"overall": 3})
    p.feedback.refresh_from_db()
    assert (p.feedback.overall, p.feedback.comment) == (3, "Cần thêm ví dụ")
    with pytest.raises(ValidationError, match="Only the participant"):
        services.feedback_submit(acting_user=tree.ward1_mr, participant=p, **ratings)
    with pytest.raises(ValidationError, match="from 1 to 5"):
        services.feedback_submit(acting_user=p.user, participant=p, **ratings | {"trainer": 6})


def test_no_feedback_from_an_absentee_or_before_the_session(tree, held):
    absent = rf.add_participant(held, rf.person("Mai Hương", tree.ward1), attendance=A.ABSENT, reason="Ốm")
    with pytest.raises(ValidationError, match="were present"):
        services.feedback_submit(acting_user=absent.user, participant=absent, relevance=5, content=5, trainer=5,
                                 overall=5)
    planned = rf.make_session(tree.ward1, status=Session.Status.INVITED, days_ago=-3)
    early = rf.add_participant(planned, absent.user)
    with pytest.raises(ValidationError, match="once the session has been held"):
        services.feedback_submit(acting_user=early.user, participant=early, relevance=5, content=5, trainer=5,
                                 overall=5)


def _head(tree, unit):
    head = factories.make_user(f"{tree.prefix}head-{unit.code}".lower(), unit, full_name="Trưởng phòng")
    factories.assign(head, "department_head", unit)
    return head


def test_the_head_records_the_check_once_with_a_note_unless_effective(tree, held):
    check = rf.make_check(rf.add_participant(held, rf.person("Lý Thị Hoa", tree.ward1)))
    head = _head(tree, tree.ward1)
    with pytest.raises(ValidationError) as error:
        services.effectivenesscheck_record(acting_user=head, check=check, rating="partly", note=" ")
    assert "note" in error.value.error_dict
    done = services.effectivenesscheck_record(acting_user=head, check=check, rating="partly",
                                              note="Còn nhầm lẫn khi kiểm soát hồ sơ")
    assert (done.checked_by, done.checked_on, done.rating) == (head, timezone.localdate(), "partly")
    with pytest.raises(ValidationError, match="already recorded"):
        services.effectivenesscheck_record(acting_user=head, check=check, rating="effective")


def test_only_a_head_over_the_participants_unit_records_the_check(tree, held):
    check = rf.make_check(rf.add_participant(held, rf.person("Tô Lâm", tree.ward1)))
    other_head = _head(tree, tree.division)
    for who in (other_head, tree.ward1_mr):
        with pytest.raises(PermissionDenied):
            services.effectivenesscheck_record(acting_user=who, check=check, rating="effective")
