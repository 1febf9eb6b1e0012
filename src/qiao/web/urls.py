from django.urls import path

from qiao.web.views import (
    accounts,
    creators,
    discovery,
    fixes,
    messages,
    moderation,
    names,
    notes,
    social,
    translation,
)

names_patterns = (
    [
        path("", names.page, name="page"),
        path("adopt", names.adopt, name="adopt"),
    ],
    "names",
)

creators_patterns = (
    [
        path("", creators.dashboard, name="dashboard"),
    ],
    "creators",
)

app_name = "web"
urlpatterns = [
    # discovery
    path("", discovery.home, name="home"),
    path("feed", discovery.feed_more, name="feed_more"),
    path("feed/language-mix", discovery.feed_language_mix, name="feed_language_mix"),
    path("t/<str:name>", discovery.topic, name="topic"),
    path("search", discovery.search, name="search"),
    path("topics/suggest", discovery.topic_suggest, name="topic_suggest"),
    # notes
    path("notes/<id:note_id>", notes.note_detail, name="note"),
    path("notes/<id:note_id>/edit", notes.note_edit, name="note_edit"),
    path("notes/<id:note_id>/delete", notes.note_delete, name="note_delete"),
    path("compose", notes.compose, name="compose"),
    path("about/photos", notes.about_photos, name="about_photos"),
    path(
        "notes/<id:note_id>/captions/<id:caption_id>.vtt", notes.note_captions, name="note_captions"
    ),
    path("notes/<id:note_id>/clip-status", notes.clip_status, name="clip_status"),
    # likes, comments, boards, notifications
    path("notes/<id:note_id>/like", social.note_like, name="note_like"),
    path("notes/<id:note_id>/hide", social.note_hide, name="note_hide"),
    path("notes/<id:note_id>/collect", social.note_collect, name="note_collect"),
    path("notes/<id:note_id>/comments", social.note_comments, name="note_comments"),
    path("comments/<id:comment_id>/like", social.comment_like, name="comment_like"),
    path("comments/<id:comment_id>/delete", social.comment_delete, name="comment_delete"),
    path("boards/<id:board_id>", social.board, name="board"),
    path("boards/<id:board_id>/edit", social.board_edit, name="board_edit"),
    path("boards/<id:board_id>/delete", social.board_delete, name="board_delete"),
    path(
        "boards/<id:board_id>/notes/<id:note_id>/remove", social.board_remove, name="board_remove"
    ),
    path("notifications", social.notifications, name="notifications"),
    # reading across languages
    path("notes/<id:note_id>/translation", translation.note_translation, name="note_translation"),
    path(
        "notes/<id:note_id>/versions/<str:language>", translation.note_version, name="note_version"
    ),
    path(
        "notes/<id:note_id>/versions/<str:language>/delete",
        translation.note_version_delete,
        name="note_version_delete",
    ),
    path(
        "comments/<id:comment_id>/translation",
        translation.comment_translation,
        name="comment_translation",
    ),
    path("u/<str:username>/bio/translation", translation.bio_translation, name="bio_translation"),
    path("lookup", translation.lookup, name="lookup"),
    path("characters", translation.characters, name="characters"),
    path("glossary", translation.glossary, name="glossary"),
    path("glossary/<int:term_id>", translation.glossary_term, name="glossary_term"),
    # readers' translation fixes
    path("notes/<int:note_id>/suggest", fixes.suggest_note, name="suggest_note_fix"),
    path("comments/<int:comment_id>/suggest", fixes.suggest_comment, name="suggest_comment_fix"),
    path("fixes", fixes.review, name="fixes"),
    path("fixes/<int:fix_id>", fixes.decide, name="fix_decide"),
    # people and accounts
    path("u/<str:username>", accounts.profile, name="profile"),
    path("u/<str:username>/follow", accounts.follow, name="follow"),
    path("u/<str:username>/block", accounts.block, name="block"),
    path("follow-requests/<str:username>", accounts.follow_request, name="follow_request"),
    path("signup", accounts.signup, name="signup"),
    path("login", accounts.login_view, name="login"),
    path("logout", accounts.logout_view, name="logout"),
    path("welcome", accounts.welcome, name="welcome"),
    path("settings", accounts.settings_page, name="settings"),
    path("settings/profile", accounts.settings_profile, name="settings_profile"),
    path("settings/avatar", accounts.settings_avatar, name="settings_avatar"),
    path("settings/preferences", accounts.settings_preferences, name="settings_preferences"),
    path("settings/unblock/<str:username>", accounts.settings_unblock, name="settings_unblock"),
    path("settings/delete", accounts.settings_delete, name="settings_delete"),
    path("language", accounts.set_language, name="set_language"),
    # direct messages
    path("messages/", messages.inbox, name="messages"),
    path("messages/new", messages.new, name="messages_new"),
    path("messages/share", messages.share, name="messages_share"),
    path("messages/report", messages.report, name="messages_report"),
    path("messages/settings", messages.settings, name="messages_settings"),
    path("messages/<id:conversation_id>/", messages.conversation, name="conversation"),
    path("messages/<id:conversation_id>/after", messages.after, name="conversation_after"),
    path("messages/<id:conversation_id>/send", messages.send, name="conversation_send"),
    path("messages/<id:conversation_id>/read", messages.mark_read, name="conversation_read"),
    path("messages/<id:conversation_id>/typing", messages.typing, name="conversation_typing"),
    path("messages/<id:conversation_id>/act", messages.act, name="conversation_act"),
    path("messages/<id:conversation_id>/search", messages.search, name="conversation_search"),
    path("messages/m/<id:message_id>", messages.one, name="message"),
    path("messages/m/<id:message_id>/act", messages.message_act, name="message_act"),
    path(
        "messages/m/<id:message_id>/translation", messages.translation, name="message_translation"
    ),
    path("messages/m/<id:message_id>/rendered", messages.rendered, name="message_rendered"),
    path("messages/photos/<id:photo_id>", messages.photo, name="message_photo"),
    # moderation
    path("report/<str:kind>/<id:target_id>", moderation.report, name="report"),
    path("notes/<id:note_id>/appeal", moderation.appeal, name="note_appeal"),
]
