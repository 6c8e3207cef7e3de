from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("", views.home, name="home"),
    path("join/<str:token>/", views.join, name="join"),
    path("w/<int:workshop_id>/", views.workshop_page, name="workshop"),
    path("w/<int:workshop_id>/choose/", views.choose_breakout, name="choose-breakout"),
    path("w/<int:workshop_id>/b/<int:breakout_id>/", views.board, name="board"),
    path("w/<int:workshop_id>/control/", views.control_room, name="control"),
    path(
        "w/<int:workshop_id>/control/b/<int:breakout_id>/",
        views.control_row,
        name="control-row",
    ),
    path("w/<int:workshop_id>/invites/", views.invites, name="invites"),
    path(
        "w/<int:workshop_id>/invites/<int:invite_id>/revoke/",
        views.invite_revoke,
        name="invite-revoke",
    ),
    path(
        "w/<int:workshop_id>/people/<int:participant_id>/remove/",
        views.participant_remove,
        name="participant-remove",
    ),
]
