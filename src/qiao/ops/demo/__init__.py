"""The demo community: people, notes, comments, photos and an engagement plan (data + loader)."""
