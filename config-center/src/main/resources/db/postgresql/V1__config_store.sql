-- The config-center store on PostgreSQL (PgConfigStore), version 1: the same tables as the
-- embedded H2 store, in PostgreSQL's types. Flyway applies this once per database.

-- The head of each namespace: its latest revision, that revision's digest and the content's size
-- (UTF-8 key bytes plus value bytes). A commit locks this row (SELECT ... FOR UPDATE) while it
-- numbers and writes the next revision, so concurrent writers take turns per namespace.
CREATE TABLE namespaces (
    ns          varchar(200) PRIMARY KEY,
    latest_rev  bigint       NOT NULL CHECK (latest_rev >= 0),
    digest      char(64)     NOT NULL,
    total_bytes bigint       NOT NULL CHECK (total_bytes >= 0)
);

-- The latest content of each namespace.
CREATE TABLE content (
    ns varchar(200)  NOT NULL REFERENCES namespaces (ns),
    k  varchar(1024) NOT NULL,
    v  bytea         NOT NULL,
    PRIMARY KEY (ns, k)
);

-- Every kept revision: its effective change set and its undo set, both in ChangeSetCodec's
-- binary form; older content is rebuilt by applying undo sets backwards from the latest content.
CREATE TABLE revisions (
    ns           varchar(200)  NOT NULL REFERENCES namespaces (ns),
    rev          bigint        NOT NULL CHECK (rev >= 1),
    digest       char(64)      NOT NULL,
    author       varchar(256)  NOT NULL,
    committed_at timestamptz   NOT NULL,
    message      varchar(4096) NOT NULL,
    changes      bytea         NOT NULL,
    undo         bytea         NOT NULL,
    PRIMARY KEY (ns, rev)
);

-- What each agent last reported per namespace; not tied to namespaces, since a report may name a
-- namespace another server holds (pruned by pruneReports).
CREATE TABLE reports (
    node_id    varchar(256) NOT NULL,
    ns         varchar(200) NOT NULL,
    rev        bigint       NOT NULL,
    digest     char(64)     NOT NULL,
    applied_at timestamptz  NOT NULL,
    seen_at    timestamptz  NOT NULL,
    PRIMARY KEY (node_id, ns)
);
