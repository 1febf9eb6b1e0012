from django.urls import path

from qiao.web import views

app_name = "web"
urlpatterns = [
    # discovery
    path("", views.home, name="home"),
    path("feed", views.feed_more, name="feed_more"),
    path("t/<str:name>", views.topic, name="topic"),
    path("search", views.search, name="search"),
    # notes
    path("notes/<int:note_id>", views.note_detail, name="note"),
    path("notes/<int:note_id>/like", views.note_like, name="note_like"),
    path("notes/<int:note_id>/hide", views.note_hide, name="note_hide"),
    path("notes/<int:note_id>/collect", views.note_collect, name="note_collect"),
    path("notes/<int:note_id>/comments", views.note_comments, name="note_comments"),
    path("notes/<int:note_id>/translation", views.note_translation, name="note_translation"),
    path("notes/<int:note_id>/versions/<str:language>", views.note_version,
         name="note_version"),
    path("notes/<int:note_id>/versions/<str:language>/delete", views.note_version_delete,
         name="note_version_delete"),
    path("lookup", views.lookup, name="lookup"),
    path("notes/<int:note_id>/edit", views.note_edit, name="note_edit"),
    path("notes/<int:note_id>/delete", views.note_delete, name="note_delete"),
    path("comments/<int:comment_id>/like", views.comment_like, name="comment_like"),
    path("comments/<int:comment_id>/translation", views.comment_translation,
         name="comment_translation"),
    path("comments/<int:comment_id>/delete", views.comment_delete, name="comment_delete"),
    path("compose", views.compose, name="compose"),
    path("topics/suggest", views.topic_suggest, name="topic_suggest"),
    # people and boards
    path("u/<str:username>", views.profile, name="profile"),
    path("u/<str:username>/bio/translation", views.bio_translation, name="bio_translation"),
    path("u/<str:username>/follow", views.follow, name="follow"),
    path("u/<str:username>/block", views.block, name="block"),
    path("boards/<int:board_id>", views.board, name="board"),
    path("boards/<int:board_id>/edit", views.board_edit, name="board_edit"),
    path("boards/<int:board_id>/delete", views.board_delete, name="board_delete"),
    path("boards/<int:board_id>/notes/<int:note_id>/remove", views.board_remove,
         name="board_remove"),
    path("report/<str:kind>/<int:target_id>", views.report, name="report"),
    path("notifications", views.notifications, name="notifications"),
    path("follow-requests/<str:username>", views.follow_request, name="follow_request"),
    # account
    path("signup", views.signup, name="signup"),
    path("login", views.login_view, name="login"),
    path("logout", views.logout_view, name="logout"),
    path("welcome", views.welcome, name="welcome"),
    path("settings", views.settings_page, name="settings"),
    path("settings/profile", views.settings_profile, name="settings_profile"),
    path("settings/avatar", views.settings_avatar, name="settings_avatar"),
    path("settings/preferences", views.settings_preferences, name="settings_preferences"),
    path("settings/unblock/<str:username>", views.settings_unblock, name="settings_unblock"),
    path("settings/delete", views.settings_delete, name="settings_delete"),
    path("language", views.set_language, name="set_language"),
]
