from django.urls import path

from .views import (
    answers,
    board_tools,
    control,
    participants,
    prepare,
    registration,
    report,
    series,
)

app_name = "workshops"
urlpatterns = [
    path("", participants.home, name="home"),
    path("join/<str:token>/", participants.join, name="join"),
    path("join/<str:token>/calendar.ics", participants.invite_calendar, name="invite-calendar"),
    path("w/<int:workshop_id>/calendar.ics", participants.workshop_calendar, name="calendar"),
    path("w/<int:workshop_id>/", participants.workshop_page, name="workshop"),
    path("w/<int:workshop_id>/here/", participants.here, name="here"),
    path("w/<int:workshop_id>/choose/", participants.choose_breakout, name="choose-breakout"),
    path("w/<int:workshop_id>/register/", participants.register, name="register"),
    path("w/<int:workshop_id>/help/", participants.ask_for_help, name="help"),
    path("w/<int:workshop_id>/b/<int:breakout_id>/", participants.board, name="board"),
    # Facilitators on a board
    path(
        "w/<int:workshop_id>/b/<int:breakout_id>/settings/",
        board_tools.board_settings,
        name="board-settings",
    ),
    path("w/<int:workshop_id>/b/<int:breakout_id>/suggest/", board_tools.suggest, name="suggest"),
    path(
        "w/<int:workshop_id>/b/<int:breakout_id>/suggest/<int:suggestion_id>/accept/",
        board_tools.suggestion_accept,
        name="suggestion-accept",
    ),
    path(
        "w/<int:workshop_id>/b/<int:breakout_id>/suggest/<int:suggestion_id>/undo/",
        board_tools.suggestion_undo,
        name="suggestion-undo",
    ),
    path(
        "w/<int:workshop_id>/b/<int:breakout_id>/clusters/<int:cluster_id>/key-points/",
        board_tools.key_points,
        name="key-points",
    ),
    # Facilitators: answers across breakouts
    path("w/<int:workshop_id>/answers/", answers.answers, name="answers"),
    path("w/<int:workshop_id>/answers/link/", answers.link, name="answer-link"),
    path("w/<int:workshop_id>/answers/dismiss/", answers.dismiss, name="answer-dismiss"),
    path("w/<int:workshop_id>/answers/unlink/", answers.unlink, name="answer-unlink"),
    # Facilitators: steering live
    path("w/<int:workshop_id>/control/", control.control_room, name="control"),
    path(
        "w/<int:workshop_id>/control/<slug:action>/",
        control.control_action,
        name="control-action",
    ),
    path("w/<int:workshop_id>/people/", control.people, name="people"),
    # Facilitators: preparing
    path("new/", prepare.workshop_new, name="workshop-new"),
    path("w/<int:workshop_id>/prepare/", prepare.prepare, name="prepare"),
    path("w/<int:workshop_id>/prepare/<slug:part>/", prepare.prepare_part, name="prepare-add"),
    path(
        "w/<int:workshop_id>/prepare/<slug:part>/<int:pk>/",
        prepare.prepare_part,
        name="prepare-change",
    ),
    path(
        "w/<int:workshop_id>/prepare/<slug:part>/<int:pk>/delete/",
        prepare.prepare_delete,
        name="prepare-delete",
    ),
    path("w/<int:workshop_id>/duplicate/", prepare.duplicate, name="duplicate"),
    path("w/<int:workshop_id>/invites/", prepare.invites, name="invites"),
    path(
        "w/<int:workshop_id>/invites/<int:invite_id>/revoke/",
        prepare.invite_revoke,
        name="invite-revoke",
    ),
    path("w/<int:workshop_id>/team/", prepare.team, name="team"),
    # Series
    path("series/new/", series.series_new, name="series-new"),
    path("s/<slug:slug>/", series.series_page, name="series"),
    path("s/<slug:slug>/calendar.ics", series.series_calendar, name="series-calendar"),
    path("s/<slug:slug>/manage/", series.series_manage, name="series-manage"),
    path("s/<slug:slug>/sessions/", series.series_session, name="series-session"),
    path(
        "s/<slug:slug>/sessions/<int:workshop_id>/remove/",
        series.series_session_remove,
        name="series-session-remove",
    ),
    path("s/<slug:slug>/report/<int:workshop_id>/", series.series_report, name="series-report"),
    path(
        "s/<slug:slug>/report/<int:workshop_id>/download/",
        series.series_report_download,
        name="series-report-download",
    ),
    path("w/<int:workshop_id>/report/publish/", series.report_publish, name="report-publish"),
    # Registration
    path("apply/<int:workshop_id>/", registration.apply, name="apply"),
    path("apply/status/<str:token>/", registration.application, name="application"),
    path(
        "apply/status/<str:token>/withdraw/",
        registration.application_withdraw,
        name="application-withdraw",
    ),
    path(
        "apply/status/<str:token>/delete/",
        registration.application_forget,
        name="application-forget",
    ),
    path(
        "apply/status/<str:token>/data.json", registration.application_data, name="application-data"
    ),
    path("w/<int:workshop_id>/registrations/", registration.registrations, name="registrations"),
    path(
        "w/<int:workshop_id>/registrations/registrations.csv",
        registration.registrations_csv,
        name="registrations-csv",
    ),
    path(
        "w/<int:workshop_id>/registrations/<int:application_id>/decide/",
        registration.registration_decide,
        name="registration-decide",
    ),
    path(
        "w/<int:workshop_id>/registrations/<int:application_id>/delete/",
        registration.registration_delete,
        name="registration-delete",
    ),
    path("w/<int:workshop_id>/report/", report.report, name="report"),
    path("w/<int:workshop_id>/report/draft/", report.draft, name="report-draft"),
    path("w/<int:workshop_id>/report/download/", report.download, name="report-download"),
    path("w/<int:workshop_id>/report/options/", report.report_options, name="report-options"),
    path("w/<int:workshop_id>/report/share/", report.share, name="report-share"),
    path(
        "w/<int:workshop_id>/report/share/<int:link_id>/revoke/",
        report.share_revoke,
        name="report-share-revoke",
    ),
    path("report/<str:token>/", report.shared_report, name="shared-report"),
    path("report/<str:token>/download/", report.shared_download, name="shared-report-download"),
    path(
        "w/<int:workshop_id>/report/recommendations/",
        report.recommendation_save,
        name="recommendation-add",
    ),
    path(
        "w/<int:workshop_id>/report/recommendations/<int:recommendation_id>/",
        report.recommendation_save,
        name="recommendation-change",
    ),
    path(
        "w/<int:workshop_id>/report/recommendations/<int:recommendation_id>/delete/",
        report.recommendation_delete,
        name="recommendation-delete",
    ),
    path(
        "w/<int:workshop_id>/recommendations/",
        participants.recommendations,
        name="recommendations",
    ),
    path("w/<int:workshop_id>/team/<int:member_id>/", prepare.team_member, name="team-member"),
]
