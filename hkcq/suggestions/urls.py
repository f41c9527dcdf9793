from django.urls import path

from hkcq.suggestions import views

app_name = "suggestions"

urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", views.suggestion_submit, name="submit"),
    path("similar/", views.suggestion_similar, name="similar"),
    path("you-said-we-did/", views.you_said_we_did, name="you_said_we_did"),
    path("track/<str:token>/", views.suggestion_track, name="track"),
    path("moderation/", views.moderation_queue, name="queue"),
    path("moderation/<str:reference>/", views.suggestion_moderate, name="moderate"),
    path("digest/", views.digest_view, name="digest"),
    path("<str:reference>/", views.suggestion_detail, name="detail"),
    path("<str:reference>/support/", views.suggestion_support, name="support"),
]
