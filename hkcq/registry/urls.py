from django.urls import path

from hkcq.registry import views

app_name = "registry"

urlpatterns = [
    path("", views.home, name="home"),
    path("areas/", views.area_list, name="areas"),
    path("areas/new/", views.area_create, name="area_create"),
    path("areas/<slug:ext_id>/", views.area_detail, name="area"),
    path("areas/<slug:ext_id>/edit/", views.area_edit, name="area_edit"),
    path("measures/", views.measure_list, name="measures"),
    path("measures/new/", views.measure_create, name="measure_create"),
    path("measures/<slug:ext_id>/", views.measure_detail, name="measure"),
    path("measures/<slug:ext_id>/edit/", views.measure_edit, name="measure_edit"),
    path("measures/<slug:ext_id>/milestones/new/", views.milestone_create, name="milestone_create"),
    path(
        "measures/<slug:ext_id>/milestones/<int:milestone_id>/edit/",
        views.milestone_edit,
        name="milestone_edit",
    ),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<slug:ext_id>/", views.meeting_detail, name="meeting"),
    path("meetings/<slug:ext_id>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<slug:ext_id>/attendees/new/", views.attendance_create, name="attendance_create"),
    path(
        "meetings/<slug:ext_id>/attendees/<int:attendance_id>/delete/",
        views.attendance_delete,
        name="attendance_delete",
    ),
    path("meetings/<slug:ext_id>/decisions/new/", views.decision_create, name="decision_create"),
    path("decisions/", views.decision_list, name="decisions"),
    path("decisions/<slug:ext_id>/", views.decision_detail, name="decision"),
    path("decisions/<slug:ext_id>/edit/", views.decision_edit, name="decision_edit"),
    path("agreements/", views.agreement_list, name="agreements"),
    path("agreements/new/", views.agreement_create, name="agreement_create"),
    path("agreements/<slug:ext_id>/", views.agreement_detail, name="agreement"),
    path("agreements/<slug:ext_id>/edit/", views.agreement_edit, name="agreement_edit"),
    path("agreements/<slug:ext_id>/events/new/", views.agreement_event_create, name="agreement_event_create"),
    path("agreements/<slug:ext_id>/signatories/new/", views.signatory_create, name="signatory_create"),
    path("agreements/<slug:ext_id>/clauses/new/", views.clause_create, name="clause_create"),
    path("agreements/<slug:ext_id>/documents/new/", views.document_create, name="document_create"),
    path(
        "agreements/<slug:ext_id>/documents/<int:document_id>/",
        views.document_download,
        name="document_download",
    ),
    path(
        "agreements/<slug:ext_id>/documents/<int:document_id>/update/",
        views.document_replace,
        name="document_replace",
    ),
    path("organisations/", views.organisation_list, name="organisations"),
    path("organisations/<slug:ext_id>/", views.organisation_detail, name="organisation"),
    path("people/", views.person_list, name="people"),
    path("people/<slug:ext_id>/", views.person_detail, name="person"),
    path("units/", views.unit_list, name="units"),
    path("units/<slug:ext_id>/", views.unit_detail, name="unit"),
]
