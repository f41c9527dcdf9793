from django.urls import path

from hkcq.kb import views

app_name = "kb"

urlpatterns = [
    path("", views.entry_list, name="entries"),
    path("ask/", views.ask, name="ask"),
    path("ask/answered/", views.ask_feedback, name="ask_feedback"),
    path("gaps/", views.gaps, name="gaps"),
    path("gaps/resolve/", views.gaps_resolve, name="gaps_resolve"),
    path("entries/new/", views.entry_create, name="entry_create"),
    path("entries/<slug:slug>/", views.entry_detail, name="entry"),
    path("entries/<slug:slug>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<slug:slug>/submit/", views.entry_submit, name="entry_submit"),
    path("entries/<slug:slug>/publish/", views.entry_publish, name="entry_publish"),
    path("entries/<slug:slug>/unpublish/", views.entry_unpublish, name="entry_unpublish"),
]
