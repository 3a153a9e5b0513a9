"""URLs of the sessions part (namespace ``training``)."""

from django.urls import path

from . import sessions as views
from . import sessions_attendance as attendance

urlpatterns = [
    path("competences/", views.CompetenceListView.as_view(), name="competence_list"),
    path("competences/new/", views.CompetenceCreateView.as_view(), name="competence_create"),
    path("competences/<int:pk>/", views.CompetenceDetailView.as_view(), name="competence_detail"),
    path("competences/<int:pk>/edit/", views.CompetenceEditView.as_view(), name="competence_edit"),
    path("competences/<int:pk>/history/", views.CompetenceHistoryView.as_view(), name="competence_history"),
    path("courses/", views.CourseListView.as_view(), name="course_list"),
    path("courses/new/", views.CourseCreateView.as_view(), name="course_create"),
    path("courses/<int:pk>/", views.CourseDetailView.as_view(), name="course_detail"),
    path("courses/<int:pk>/edit/", views.CourseEditView.as_view(), name="course_edit"),
    path("courses/<int:pk>/history/", views.CourseHistoryView.as_view(), name="course_history"),
    path("sessions/", views.SessionListView.as_view(), name="session_list"),
    path("sessions/new/", views.SessionCreateView.as_view(), name="session_create"),
    path("sessions/<int:pk>/", views.SessionDetailView.as_view(), name="session_detail"),
    path("sessions/<int:pk>/edit/", views.SessionEditView.as_view(), name="session_edit"),
    path("sessions/<int:pk>/history/", views.SessionHistoryView.as_view(), name="session_history"),
    path("sessions/<int:pk>/do/<str:transition>/", views.SessionTransitionView.as_view(), name="session_transition"),
    path("sessions/<int:pk>/invite/", views.SessionInviteView.as_view(), name="session_invite"),
    path("sessions/<int:pk>/attendance/", attendance.SessionAttendanceView.as_view(), name="session_attendance"),
    path("sessions/<int:pk>/attendance/<int:participant>/", attendance.ParticipantMarkView.as_view(),
         name="participant_mark"),
    path("sessions/<int:pk>/walk-in/", attendance.WalkInView.as_view(), name="session_walk_in"),
]
