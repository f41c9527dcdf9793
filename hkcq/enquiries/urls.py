from django.urls import path

from hkcq.enquiries import views

app_name = "enquiries"

urlpatterns = [
    path("new/", views.enquiry_new, name="new"),
    path("find/", views.enquiry_find, name="find"),
    path("mine/", views.enquiry_mine, name="mine"),
    path("track/<str:token>/", views.enquiry_track, name="track"),
    path("track/<str:token>/received/", views.enquiry_received, name="received"),
    path("track/<str:token>/reply/", views.enquiry_track_reply, name="track_reply"),
    path("track/<str:token>/rate/", views.enquiry_track_rate, name="track_rate"),
    path("queue/", views.queue, name="queue"),
    path("case/<str:reference>/", views.case, name="case"),
    path("case/<str:reference>/draft/", views.case_draft, name="case_draft"),
    path("case/<str:reference>/citations/", views.case_citations, name="case_citations"),
    path("case/<str:reference>/<slug:action>/", views.case_action, name="case_action"),
    path("statistics/", views.statistics_public, name="statistics"),
    path("statistics/full/", views.statistics_full, name="statistics_full"),
    path("canned/", views.canned_list, name="canned"),
    path("canned/new/", views.canned_edit, name="canned_new"),
    path("canned/<int:pk>/", views.canned_edit, name="canned_edit"),
]
