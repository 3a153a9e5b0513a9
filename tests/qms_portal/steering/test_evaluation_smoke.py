import pytest
from django.utils import timezone

from qms_portal.steering import evaluation_selectors as sel
from qms_portal.steering.evaluation_models import UnitEvaluation
from qms_portal.steering.evaluation_services import (
    evaluation_create, evaluation_transition, unit_evaluation_appraise, unit_evaluation_score,
    unit_evaluation_transition)
from tests import factories


def test_smoke(tree, client):
    year = timezone.localdate().year
    ev = evaluation_create(acting_user=tree.district_steering, unit=tree.district, year=year, title="QMS")
    assert ev.criteria.count() == 9
    evaluation_transition(acting_user=tree.district_steering, evaluation=ev, name="open")
    sheets = list(UnitEvaluation.objects.filter(evaluation=ev))
    assert len(sheets) == 2
    sheet = next(s for s in sheets if s.unit == tree.ward1)
    crit = list(ev.criteria.all())
    unit_evaluation_score(acting_user=tree.ward1_mr, sheet=sheet,
                          scores={c.code: (c.points - 1, "note") for c in crit})
    unit_evaluation_transition(acting_user=tree.ward1_mr, sheet=sheet, name="submit")
    unit_evaluation_appraise(acting_user=tree.district_steering, sheet=sheet,
                             scores={c.code: (c.points - 2, "ok") for c in crit})
    unit_evaluation_transition(acting_user=tree.district_steering, sheet=sheet, name="sign", password=factories.PASSWORD)
    sheet.refresh_from_db()
    print(sheet.scores, sheet.self_total, sheet.appraisal_total)
    r = sel.ranking(ev, tree.district_steering)
    print([(x.unit.code, x.rank, x.index) for x in r.rows])
    client.force_login(tree.district_steering)
    for url in [ev.get_absolute_url(), f"/steering/evaluations/{ev.pk}/ranking/", f"/steering/evaluations/{ev.pk}/history/",
                sheet.get_absolute_url(), f"/steering/sheets/{sheet.pk}/history/", "/steering/evaluations/", "/steering/sheets/"]:
        resp = client.get(url)
        assert resp.status_code == 200, url
    client.force_login(tree.ward1_mr)
    other = next(s for s in sheets if s.unit == tree.ward2)
    assert client.get(f"/steering/sheets/{other.pk}/").status_code == 404
    s2 = next(s for s in sheets if s.unit == tree.ward1)
    assert client.get(f"/steering/sheets/{s2.pk}/").status_code == 200
    print(client.get(f"/steering/sheets/{sheet.pk}/history/").content.decode()[-3000:])
