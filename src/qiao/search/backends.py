"""`Searcher`s over the database's own full-text index, chosen by the connection's vendor:
SQLite FTS5 (bm25) on the embedded profile, PostgreSQL full-text (ts_rank over a GIN-indexed
tsvector) when DATABASE_URL points at PostgreSQL. Both read the pre-segmented documents of
`NoteSearchDocument` and return `Candidate`s, best text relevance first."""

from __future__ import annotations

from django.db import connection

from qiao.engines.search import EXPANSION_WEIGHT, Candidate, Searcher, SearchQuery

# Column weights: title, body, topics (FTS5 column order) - the same 1.0 / 0.2 / 0.4 ratio as
# PostgreSQL's weight classes A / C / B.
_FTS_SQL = (
    "SELECT rowid, -bm25(search_note_fts, 5.0, 1.0, 2.0) AS score "
    "FROM search_note_fts WHERE search_note_fts MATCH %s AND rowid >= %s "
    "ORDER BY score DESC LIMIT %s"
)
# The rowid (note id) of the SCORED-th newest match: FTS5 walks matches in rowid order
# cheaply, while bm25 has to score each one.
_FTS_CUTOFF_SQL = (
    "SELECT rowid FROM search_note_fts WHERE search_note_fts MATCH %s "
    "ORDER BY rowid DESC LIMIT 1 OFFSET %s"
)

#: At most this many matches of a query are scored: the newest ones (note ids grow with
#: time). A word in a large share of a million notes ("travel", a popular #topic) had every
#: one of its ~200k matches ranked by the database (~280 ms); the newest 20,000 take ~30 ms,
#: and on a lifestyle site the newest matches of so common a word are the ones wanted.
SCORED = 20_000


class SqliteFts5Searcher:
    def _run(self, match: str, limit: int) -> list[tuple[int, float]]:
        with connection.cursor() as cur:
            cur.execute(_FTS_CUTOFF_SQL, [match, SCORED - 1])
            row = cur.fetchone()
            cur.execute(_FTS_SQL, [match, row[0] if row else 0, limit])
            return [(int(r[0]), float(r[1])) for r in cur.fetchall()]

    def candidates(
        self, query: SearchQuery, limit: int, *, require_all: bool = True
    ) -> list[Candidate]:
        if not query:
            return []
        full = self._run(query.fts5(require_all=require_all), limit)
        if not query.has_expansions:
            return [Candidate(i, s, s) for i, s in full]
        original = dict(self._run(query.originals().fts5(require_all=require_all), limit))
        return [Candidate(i, s, original.get(i, 0.0)) for i, s in full]


class PostgresSearcher:
    def candidates(
        self, query: SearchQuery, limit: int, *, require_all: bool = True
    ) -> list[Candidate]:
        if not query:
            return []
        # ts_rank normalisation 1: divide by 1 + log(document length), as bm25 does for
        # long documents. Candidates are cut at `limit` by the expansion-discounted score.
        sql = """
            WITH qf AS (SELECT CAST(%s AS tsquery) AS q),
                 newest AS (  -- the SCORED newest matches; ts_rank only for them
                     SELECT note_id, tsv FROM search_notesearchdocument, qf
                     WHERE tsv @@ qf.q ORDER BY note_id DESC LIMIT %s)
            SELECT note_id, full_rank, orig_rank FROM (
                SELECT note_id, ts_rank(tsv, qf.q, 1) AS full_rank,
                       CASE WHEN tsv @@ qo THEN ts_rank(tsv, qo, 1) ELSE 0 END AS orig_rank
                FROM newest, qf, CAST(%s AS tsquery) AS qo
            ) AS m
            ORDER BY orig_rank + %s * (full_rank - orig_rank) DESC, note_id DESC
            LIMIT %s"""
        params: list[str | float | int] = [
            query.tsquery(require_all=require_all),
            SCORED,
            query.originals().tsquery(require_all=require_all),
            EXPANSION_WEIGHT,
            limit,
        ]
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return [Candidate(int(r[0]), float(r[1]), float(r[2])) for r in cur.fetchall()]


def searcher() -> Searcher:
    if connection.vendor == "postgresql":
        return PostgresSearcher()
    return SqliteFts5Searcher()
