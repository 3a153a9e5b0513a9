"""The surveys part of the objectives demo (``objectives.demo.seed`` calls ``seed(demo)`` after the
kpi part), built through the services, answers given through the links as respondents would.
Idempotent: a survey is looked up by unit and title; a second run makes nothing. Texts are in each
agency's own language, whatever language the demo is seeded in.

* **Construction bureau** (in Chinese, as the Shaoxing government office did): last half-year's
  satisfaction survey of the bureau's service, rated by 7 city leaders and 23 departments on the
  five dimensions; 100 % satisfied or basically satisfied, 90 % satisfied; closed by ``cb-mr``.
* **Department of Home Affairs** (in Vietnamese): a citizens' survey of the one-stop-shop desk
  (SIPAS style), open, answered so far by 40 citizens through its general link.

``demo["surveys"]`` holds both (``shaoxing``, ``citizens``) for the later parts."""

from datetime import date, timedelta
from urllib.parse import urlsplit

from django.db import transaction
from django.utils import timezone

from qms_portal.demo import demo_clock
from qms_portal.models import Unit, User
from qms_portal.notifications import muted
from qms_portal.public_links import public_link_resolve, public_link_use

from .models import Survey
from .services import surveys as services

SHAOXING = {
    "title": "机关服务满意度测评",
    "introduction": "请您对本局上半年的服务工作进行评价。测评结果用于改进我们的工作。",
    "groups": [("市领导", 7), ("市级部门及党委、人大、政协办公室", 23)],
    "dimensions": ["服务态度", "工作秩序", "环境面貌", "办事效率", "廉洁自律"],
    "comments": ["窗口人员热情周到，办事效率较高。", "建议进一步简化审批材料。", "环境整洁，秩序良好。"],
}
CITIZENS = {
    "title": "Khảo sát sự hài lòng của người dân, tổ chức đối với dịch vụ hành chính công",
    "introduction": "Xin ông/bà dành ít phút đánh giá việc giải quyết thủ tục hành chính tại Bộ phận một cửa của Sở. "
                    "Ý kiến của ông/bà giúp chúng tôi phục vụ tốt hơn.",
    "groups": [("Người dân, tổ chức", 200)],
    "dimensions": ["Thái độ phục vụ của công chức", "Trật tự, nề nếp tại Bộ phận một cửa", "Cơ sở vật chất, môi trường",
                   "Thời gian giải quyết hồ sơ", "Sự liêm chính, công khai, minh bạch"],
    "comments": ["Công chức hướng dẫn tận tình.", "Cần thêm ghế ngồi chờ.", "Hồ sơ trả đúng hẹn."],
}


def _token(url):
    return urlsplit(url).path.rstrip("/").rsplit("/", 1)[-1]


def _answer(url, survey, ratings, comment=""):
    dims = list(survey.dimensions.order_by("position", "id"))
    data = {f"d{d.pk}": r for d, r in zip(dims, ratings, strict=True)}
    data["comment"] = comment
    public_link_use(link=public_link_resolve(_token(url)), cleaned_data=data)


def _shaoxing(bureau, mr, today):
    start = date(today.year, 1, 1) if today.month > 6 else date(today.year - 1, 7, 1)
    end = date(start.year, 6, 30) if start.month == 1 else date(start.year, 12, 31)
    survey = Survey.objects.filter(unit=bureau, title=SHAOXING["title"]).first()
    if survey is not None:
        return survey, 0
    with demo_clock(end + timedelta(days=5)):
        survey = services.survey_create(acting_user=mr, unit=bureau, title=SHAOXING["title"], period_start=start,
                                        period_end=end, introduction=SHAOXING["introduction"],
                                        groups=SHAOXING["groups"], dimensions=SHAOXING["dimensions"])
        services.survey_transition(acting_user=mr, survey=survey, name="open")
        leaders, departments = survey.groups.order_by("position", "id")
        # 30 answer sheets × 5 dimensions: 135 satisfied (90 %), 15 basically satisfied, none not satisfied.
        sheets = [[1] * 5] * 7 + [[2, 2, 1, 1, 1]] * 7 + [[2, 1, 1, 1, 1]] + [[1] * 5] * 15
        urls = (services.survey_links_create(acting_user=mr, survey=survey, group=leaders, count=7)
                + services.survey_links_create(acting_user=mr, survey=survey, group=departments, count=23))
        for i, (url, ratings) in enumerate(zip(urls, sheets, strict=True)):
            comments = SHAOXING["comments"]
            _answer(url, survey, ratings, comments[i // 10] if i % 10 == 3 else "")
    with demo_clock(end + timedelta(days=20)):
        services.survey_transition(acting_user=mr, survey=survey, name="close")
    return survey, 1


def _citizens(department, mr, today):
    survey = Survey.objects.filter(unit=department, title=CITIZENS["title"]).first()
    if survey is not None:
        return survey, 0
    start = today.replace(day=1)
    survey = services.survey_create(acting_user=mr, unit=department, title=CITIZENS["title"], period_start=start,
                                    period_end=(start + timedelta(days=62)).replace(day=1) - timedelta(days=1),
                                    introduction=CITIZENS["introduction"], groups=CITIZENS["groups"],
                                    dimensions=CITIZENS["dimensions"])
    services.survey_transition(acting_user=mr, survey=survey, name="open")
    _link, url = services.survey_general_link_create(acting_user=mr, survey=survey, group=survey.groups.get(),
                                                     cap=500, language="vi")
    for i in range(40):  # 40 citizens so far: mostly satisfied, a few basically, two not satisfied
        ratings = [1, 1, 2, 1, 1] if i % 4 else [1, 2, 2, 2, 1]
        if i in (11, 29):
            ratings = [3, 2, 2, 3, 2]
        _answer(url, survey, ratings, CITIZENS["comments"][i % 3] if i % 9 == 0 else "")
    return survey, 1


def seed(demo):
    bureau = Unit.objects.filter(code="CB").first()
    department = Unit.objects.filter(code="DOHA").first()
    people = {u.username: u for u in User.objects.filter(username__in=["cb-mr", "mr"])}
    if bureau is None or department is None or len(people) < 2:
        return 0
    today = timezone.localdate()
    with transaction.atomic(), muted():
        shaoxing, made = _shaoxing(bureau, people["cb-mr"], today)
        citizens, more = _citizens(department, people["mr"], today)
    demo["surveys"] = {"shaoxing": shaoxing, "citizens": citizens}
    return made + more
