from django.urls import path

from hkcq.exchanges import views

app_name = "exchanges"

urlpatterns = [
    path("events/", views.event_list, name="events"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/organise/edit/", views.event_edit, name="event_edit"),
    path("events/<int:pk>/organise/delete/", views.event_delete, name="event_delete"),
    path("events/<int:pk>/organise/sessions/new/", views.session_edit, name="session_create"),
    path("events/<int:pk>/organise/sessions/<int:session_id>/", views.session_edit, name="session_edit"),
    path("events/<int:pk>/organise/sessions/<int:session_id>/delete/", views.session_delete, name="session_delete"),
    path("events/<int:pk>/organise/questions/new/", views.question_edit, name="question_create"),
    path("events/<int:pk>/organise/questions/<int:question_id>/", views.question_edit, name="question_edit"),
    path("events/<int:pk>/organise/questions/<int:question_id>/delete/", views.question_delete, name="question_delete"),
    path("events/<int:pk>/register/", views.event_register, name="register"),
    path("events/<int:pk>/mine/", views.my_event, name="my_event"),
    path("events/<int:pk>/mine/cancel/", views.my_cancel, name="my_cancel"),
    path("events/<int:pk>/mine/availability/", views.my_availability, name="my_availability"),
    path("events/<int:pk>/mine/request/", views.meeting_request, name="meeting_request"),
    path("events/<int:pk>/mine/agenda/", views.my_agenda, name="agenda"),
    path("events/<int:pk>/mine/agenda.pdf", views.my_agenda, {"fmt": "pdf"}, name="agenda_pdf"),
    path("events/<int:pk>/mine/agenda.ics", views.my_agenda, {"fmt": "ics"}, name="agenda_ics"),
    path("events/meetings/<int:meeting_id>/answer/", views.meeting_answer, name="meeting_answer"),
    path("events/meetings/<int:meeting_id>/feedback/", views.meeting_feedback, name="meeting_feedback"),
    path("events/<int:pk>/organise/", views.organise, name="organise"),
    path("events/<int:pk>/organise/schedule/", views.organise_schedule, name="schedule"),
    path("events/<int:pk>/organise/phase/", views.organise_phase, name="phase"),
    path("events/<int:pk>/organise/grid/", views.organise_grid, name="grid"),
    path("events/<int:pk>/organise/table-cards/", views.organise_cards, name="cards"),
    path(
        "events/registrations/<int:registration_id>/<str:action>/",
        views.registration_action,
        name="registration_action",
    ),
    path("rounds/", views.round_list, name="rounds"),
    path("rounds/new/", views.round_upload, name="round_upload"),
    path("rounds/<int:pk>/", views.round_detail, name="round"),
    path("rounds/<int:pk>/edit/", views.round_edit, name="round_edit"),
    path("rounds/<int:pk>/do/<str:action>/", views.round_action, name="round_action"),
    path("rounds/<int:pk>/ranks/<int:participant_id>/", views.round_ranks, name="round_ranks"),
    path("rounds/pairs/<int:pair_id>/", views.pair_answer, name="pair_answer"),
    path("rounds/records/<int:pk>/", views.record_edit, name="record"),
]
