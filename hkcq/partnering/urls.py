from django.urls import path

from hkcq.partnering import views

app_name = "partnering"

urlpatterns = [
    path("", views.market, name="market"),
    path("sign-up/", views.sign_up, name="sign_up"),
    path("mine/", views.mine, name="mine"),
    path("review/", views.review, name="review"),
    path("desks/", views.desks, name="desks"),
    path("organisations/", views.profiles_public, name="profiles"),
    path("organisations/new/", views.profile_new, name="profile_new"),
    path("organisations/<int:pk>/", views.profile_detail, name="profile"),
    path("organisations/<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    path("organisations/<int:pk>/verify/", views.profile_verify, name="profile_verify"),
    path("organisations/<int:pk>/members/", views.member_add, name="member_add"),
    path("memberships/<int:pk>/leave/", views.member_leave, name="member_leave"),
    path("opportunities/new/", views.opportunity_new, name="opportunity_new"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/interest/", views.interest_new, name="interest_new"),
    path("opportunities/<int:pk>/<slug:action>/", views.opportunity_action, name="opportunity_action"),
    path("interests/", views.interests, name="interests"),
    path("interests/<int:pk>/", views.interest_detail, name="interest"),
    path("interests/<int:pk>/<slug:action>/", views.interest_action, name="interest_action"),
]
