"""Search over notes, users and topics (one function the search engine will replace)."""
